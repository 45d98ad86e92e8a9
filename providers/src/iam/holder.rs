//! What an IAM policy belongs to: a role, a user or a group. The IAM API has one operation
//! per kind of holder for every policy call; these pick the right one.

use crate::iam::{list_attached, paged};
use crate::resource::Ctx;
use crate::support::attrs::call;
use crate::support::error::found;
use engine::core::provider::ProviderError;

/// What a policy is attached to or embedded in.
#[derive(Clone, Copy)]
pub(super) enum Holder {
    Role,
    User,
    Group,
}

impl Holder {
    /// The holder's argument and the words used in messages.
    pub(super) fn key(self) -> &'static str {
        match self {
            Holder::Role => "role",
            Holder::User => "user",
            Holder::Group => "group",
        }
    }

    /// How messages name the holder's kind.
    pub(super) fn noun(self) -> &'static str {
        match self {
            Holder::Role => "IAM Role",
            Holder::User => "IAM User",
            Holder::Group => "IAM Group",
        }
    }

    pub(super) fn attach(self, ctx: &Ctx, holder: &str, arn: &str) -> Result<(), ProviderError> {
        let op = format!("attaching IAM Policy ({arn}) to {} ({holder})", self.noun());
        match self {
            Holder::Role => call(
                ctx,
                &op,
                ctx.iam.attach_role_policy().role_name(holder).policy_arn(arn).send(),
            )
            .map(|_| ()),
            Holder::User => call(
                ctx,
                &op,
                ctx.iam.attach_user_policy().user_name(holder).policy_arn(arn).send(),
            )
            .map(|_| ()),
            Holder::Group => call(
                ctx,
                &op,
                ctx.iam.attach_group_policy().group_name(holder).policy_arn(arn).send(),
            )
            .map(|_| ()),
        }
    }

    pub(super) fn detach(self, ctx: &Ctx, holder: &str, arn: &str) -> Result<(), ProviderError> {
        let op = format!("detaching IAM Policy ({arn}) from {} ({holder})", self.noun());
        let r = match self {
            Holder::Role => call(
                ctx,
                &op,
                ctx.iam.detach_role_policy().role_name(holder).policy_arn(arn).send(),
            )
            .map(|_| ()),
            Holder::User => call(
                ctx,
                &op,
                ctx.iam.detach_user_policy().user_name(holder).policy_arn(arn).send(),
            )
            .map(|_| ()),
            Holder::Group => call(
                ctx,
                &op,
                ctx.iam.detach_group_policy().group_name(holder).policy_arn(arn).send(),
            )
            .map(|_| ()),
        };
        found(r).map(|_| ())
    }

    /// ARNs of the managed policies attached to the holder (every page).
    pub(super) fn attached(self, ctx: &Ctx, holder: &str) -> Result<Vec<String>, ProviderError> {
        if let Holder::Role = self {
            return list_attached(ctx, holder);
        }
        let op = format!("listing policies attached to {} ({holder})", self.noun());
        paged(|marker| {
            let (policies, next, truncated) = match self {
                Holder::User => {
                    let page = call(
                        ctx,
                        &op,
                        ctx.iam
                            .list_attached_user_policies()
                            .user_name(holder)
                            .set_marker(marker)
                            .send(),
                    )?;
                    (
                        page.attached_policies().to_vec(),
                        page.marker().map(str::to_string),
                        page.is_truncated(),
                    )
                }
                _ => {
                    let page = call(
                        ctx,
                        &op,
                        ctx.iam
                            .list_attached_group_policies()
                            .group_name(holder)
                            .set_marker(marker)
                            .send(),
                    )?;
                    (
                        page.attached_policies().to_vec(),
                        page.marker().map(str::to_string),
                        page.is_truncated(),
                    )
                }
            };
            let arns = policies
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_string))
                .collect();
            Ok((arns, next, truncated))
        })
    }

    /// The inline policy `name` of the holder: the names IAM reports and the document.
    pub(super) fn inline_policy(
        self,
        ctx: &Ctx,
        holder: &str,
        name: &str,
    ) -> Result<Option<(String, String, String)>, ProviderError> {
        let op = format!("reading {} Policy ({holder}:{name})", self.noun());
        Ok(match self {
            Holder::Role => found(call(
                ctx,
                &op,
                ctx.iam.get_role_policy().role_name(holder).policy_name(name).send(),
            ))?
            .map(|o| {
                (
                    o.role_name().to_string(),
                    o.policy_name().to_string(),
                    o.policy_document().to_string(),
                )
            }),
            Holder::User => found(call(
                ctx,
                &op,
                ctx.iam.get_user_policy().user_name(holder).policy_name(name).send(),
            ))?
            .map(|o| {
                (
                    o.user_name().to_string(),
                    o.policy_name().to_string(),
                    o.policy_document().to_string(),
                )
            }),
            Holder::Group => found(call(
                ctx,
                &op,
                ctx.iam.get_group_policy().group_name(holder).policy_name(name).send(),
            ))?
            .map(|o| {
                (
                    o.group_name().to_string(),
                    o.policy_name().to_string(),
                    o.policy_document().to_string(),
                )
            }),
        })
    }

    pub(super) fn put_inline_policy(self, ctx: &Ctx, holder: &str, name: &str, doc: &str) -> Result<(), ProviderError> {
        let op = format!("putting {} Policy ({holder}:{name})", self.noun());
        match self {
            Holder::Role => call(
                ctx,
                &op,
                ctx.iam
                    .put_role_policy()
                    .role_name(holder)
                    .policy_name(name)
                    .policy_document(doc)
                    .send(),
            )
            .map(|_| ()),
            Holder::User => call(
                ctx,
                &op,
                ctx.iam
                    .put_user_policy()
                    .user_name(holder)
                    .policy_name(name)
                    .policy_document(doc)
                    .send(),
            )
            .map(|_| ()),
            Holder::Group => call(
                ctx,
                &op,
                ctx.iam
                    .put_group_policy()
                    .group_name(holder)
                    .policy_name(name)
                    .policy_document(doc)
                    .send(),
            )
            .map(|_| ()),
        }
    }

    pub(super) fn delete_inline_policy(self, ctx: &Ctx, holder: &str, name: &str) -> Result<(), ProviderError> {
        let op = format!("deleting {} Policy ({holder}:{name})", self.noun());
        let r = match self {
            Holder::Role => call(
                ctx,
                &op,
                ctx.iam.delete_role_policy().role_name(holder).policy_name(name).send(),
            )
            .map(|_| ()),
            Holder::User => call(
                ctx,
                &op,
                ctx.iam.delete_user_policy().user_name(holder).policy_name(name).send(),
            )
            .map(|_| ()),
            Holder::Group => call(
                ctx,
                &op,
                ctx.iam
                    .delete_group_policy()
                    .group_name(holder)
                    .policy_name(name)
                    .send(),
            )
            .map(|_| ()),
        };
        found(r).map(|_| ())
    }
}
