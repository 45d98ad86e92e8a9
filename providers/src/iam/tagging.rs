//! Tags of IAM objects: the one recipe every taggable IAM type uses on update (remove the keys
//! `planned` drops, set the ones it adds or changes), so a type names its object and nothing
//! more.

use crate::iam::{sdk_tags, string_map};
use crate::resource::Ctx;
use crate::support::attrs::call;
use crate::support::tags::sync_by;
use engine::core::provider::ProviderError;
use engine::core::value::Value;

/// An IAM object that carries tags, named as the IAM API names it.
#[derive(Clone, Copy)]
pub(super) enum Tagged<'a> {
    /// A role (also a service-linked role), by name.
    Role(&'a str),
    /// A customer managed policy, by ARN.
    Policy(&'a str),
    /// A user, by name.
    User(&'a str),
    /// An instance profile, by name.
    InstanceProfile(&'a str),
    /// An OpenID Connect provider, by ARN.
    OidcProvider(&'a str),
    /// A SAML provider, by ARN.
    SamlProvider(&'a str),
}

impl Tagged<'_> {
    /// How messages name the object (`IAM Role (deploy)`).
    fn what(&self) -> String {
        let (kind, id) = match self {
            Tagged::Role(id) => ("Role", id),
            Tagged::Policy(id) => ("Policy", id),
            Tagged::User(id) => ("User", id),
            Tagged::InstanceProfile(id) => ("Instance Profile", id),
            Tagged::OidcProvider(id) => ("OIDC Provider", id),
            Tagged::SamlProvider(id) => ("SAML Provider", id),
        };
        format!("IAM {kind} ({id})")
    }

    fn untag(self, ctx: &Ctx, keys: Vec<String>) -> Result<(), ProviderError> {
        let op = format!("untagging {}", self.what());
        let keys = Some(keys);
        let iam = &ctx.iam;
        match self {
            Tagged::Role(n) => call(ctx, &op, iam.untag_role().role_name(n).set_tag_keys(keys).send()).map(drop),
            Tagged::Policy(a) => call(ctx, &op, iam.untag_policy().policy_arn(a).set_tag_keys(keys).send()).map(drop),
            Tagged::User(n) => call(ctx, &op, iam.untag_user().user_name(n).set_tag_keys(keys).send()).map(drop),
            Tagged::InstanceProfile(n) => call(
                ctx,
                &op,
                iam.untag_instance_profile()
                    .instance_profile_name(n)
                    .set_tag_keys(keys)
                    .send(),
            )
            .map(drop),
            Tagged::OidcProvider(a) => call(
                ctx,
                &op,
                iam.untag_open_id_connect_provider()
                    .open_id_connect_provider_arn(a)
                    .set_tag_keys(keys)
                    .send(),
            )
            .map(drop),
            Tagged::SamlProvider(a) => call(
                ctx,
                &op,
                iam.untag_saml_provider().saml_provider_arn(a).set_tag_keys(keys).send(),
            )
            .map(drop),
        }
    }

    fn tag(self, ctx: &Ctx, tags: &std::collections::BTreeMap<String, String>) -> Result<(), ProviderError> {
        let op = format!("tagging {}", self.what());
        let tags = Some(sdk_tags(tags)?);
        let iam = &ctx.iam;
        match self {
            Tagged::Role(n) => call(ctx, &op, iam.tag_role().role_name(n).set_tags(tags).send()).map(drop),
            Tagged::Policy(a) => call(ctx, &op, iam.tag_policy().policy_arn(a).set_tags(tags).send()).map(drop),
            Tagged::User(n) => call(ctx, &op, iam.tag_user().user_name(n).set_tags(tags).send()).map(drop),
            Tagged::InstanceProfile(n) => call(
                ctx,
                &op,
                iam.tag_instance_profile()
                    .instance_profile_name(n)
                    .set_tags(tags)
                    .send(),
            )
            .map(drop),
            Tagged::OidcProvider(a) => call(
                ctx,
                &op,
                iam.tag_open_id_connect_provider()
                    .open_id_connect_provider_arn(a)
                    .set_tags(tags)
                    .send(),
            )
            .map(drop),
            Tagged::SamlProvider(a) => call(
                ctx,
                &op,
                iam.tag_saml_provider().saml_provider_arn(a).set_tags(tags).send(),
            )
            .map(drop),
        }
    }

    /// Brings the object's tags from the prior `tags_all` to `planned`'s `tags` over the
    /// provider's `default_tags`, calling IAM only when something differs.
    pub(super) fn sync(self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<(), ProviderError> {
        sync_by(
            string_map,
            ctx,
            prior,
            planned,
            |keys| self.untag(ctx, keys),
            |tags| self.tag(ctx, tags),
        )
    }
}
