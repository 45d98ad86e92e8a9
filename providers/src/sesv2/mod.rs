//! SES v2: `aws_sesv2_email_identity`, the sender address notifications come from (seed 004's
//! SourceNotificationEmail), which SES must verify before it sends.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, finish, into_state, problem, sref, string_map, State};
use crate::support::error::found;
use crate::support::tags::{split_tags, sync, tags_all};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;

/// Every SES v2 resource type.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![Box::new(EmailIdentity)]
}

struct EmailIdentity;

impl EmailIdentity {
    fn fetch(&self, ctx: &Ctx, identity: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading SESv2 Email Identity ({identity})"),
            ctx.sesv2.get_email_identity().email_identity(identity).send(),
        ))?;
        let Some(out) = out else { return Ok(None) };
        let mut st = State::new();
        st.insert("email_identity".into(), Value::string(identity));
        st.insert("id".into(), Value::string(identity));
        st.insert(
            "identity_type".into(),
            out.identity_type()
                .map(|t| Value::string(t.as_str()))
                .unwrap_or(Value::Null),
        );
        st.insert(
            "verified_for_sending_status".into(),
            Value::Bool(out.verified_for_sending_status()),
        );
        st.insert("configuration_set_name".into(), prior.get("configuration_set_name"));
        let (account, partition) = ctx.caller_account()?;
        let arn = format!("arn:{partition}:ses:{}:{account}:identity/{identity}", ctx.region);
        let listed = call(
            ctx,
            &format!("reading the tags of SESv2 Email Identity ({identity})"),
            ctx.sesv2.list_tags_for_resource().resource_arn(&arn).send(),
        )?;
        let remote: BTreeMap<String, String> = listed
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect();
        let (tags, all) = split_tags(ctx, &prior.get("tags"), remote);
        st.insert("tags".into(), tags);
        st.insert("tags_all".into(), all);
        st.insert("arn".into(), Value::string(arn));
        Ok(Some(finish(&self.schema(), st)))
    }
}

impl ResourceType for EmailIdentity {
    fn type_name(&self) -> &'static str {
        "aws_sesv2_email_identity"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("email_identity", Attribute::required(Type::String).force_new())
            .attr("configuration_set_name", Attribute::optional(Type::String).force_new())
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("identity_type", Attribute::computed(Type::String))
            .attr("verified_for_sending_status", Attribute::computed(Type::Bool))
            .attr("tags", Attribute::optional(Type::Map(Box::new(Type::String))))
            .attr("tags_all", Attribute::computed(Type::Map(Box::new(Type::String))))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        match config.get("email_identity").as_str() {
            Some(id) if id.trim().is_empty() || id.contains(' ') => {
                vec![problem(
                    "email_identity",
                    "email_identity must be an email address or a domain",
                )]
            }
            _ => Vec::new(),
        }
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if prior.is_none() {
            let id = st.get("email_identity").cloned().unwrap_or(Value::UNKNOWN);
            st.insert("id".into(), id);
        }
        let all = tags_all(ctx, st.get("tags").unwrap_or(&Value::Null));
        st.insert("tags_all".into(), all);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let identity = sref(planned, "email_identity").unwrap_or_default().to_string();
        (step.progress)(&format!(
            "creating SESv2 Email Identity {identity} (SES sends it a verification email)"
        ));
        (step.intent)(&identity);
        let op = format!("creating SESv2 Email Identity ({identity})");
        let created = call(
            ctx,
            &op,
            ctx.sesv2
                .create_email_identity()
                .email_identity(&identity)
                .set_configuration_set_name(sref(planned, "configuration_set_name").map(str::to_string))
                .send(),
        );
        if let Err(e) = created {
            return ApplyOutcome::failed(e);
        }
        // Tagged by TagResource rather than with the create: the emulator keeps a create's tags
        // apart from what ListTagsForResource reports (AWS keeps them together).
        let tags = string_map(&tags_all(ctx, &planned.get("tags")));
        if !tags.is_empty() {
            let tagged = ctx.caller_account().and_then(|(account, partition)| {
                let arn = format!("arn:{partition}:ses:{}:{account}:identity/{identity}", ctx.region);
                call(
                    ctx,
                    &format!("tagging SESv2 Email Identity ({identity})"),
                    ctx.sesv2
                        .tag_resource()
                        .resource_arn(arn)
                        .set_tags(Some(ses_tags(&tags)))
                        .send(),
                )
            });
            if let Err(e) = tagged {
                return ApplyOutcome::partial(planned.clone(), e);
            }
        }
        match self.fetch(ctx, &identity, planned) {
            Ok(Some(st)) => ApplyOutcome::Done(st),
            Ok(None) => ApplyOutcome::failed(ProviderError::new(
                "NotFoundException",
                format!("{op}: not found after creating it"),
            )),
            Err(e) => ApplyOutcome::partial(planned.clone(), e),
        }
    }

    /// Every argument but `tags` forces a new identity; tags change in place.
    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let (Some(arn), Some(identity)) = (sref(prior, "arn"), sref(prior, "email_identity")) else {
            return ApplyOutcome::Done(prior.clone());
        };
        let synced = sync(
            ctx,
            prior,
            planned,
            |keys| {
                call(
                    ctx,
                    &format!("untagging SESv2 Email Identity ({identity})"),
                    ctx.sesv2
                        .untag_resource()
                        .resource_arn(arn)
                        .set_tag_keys(Some(keys))
                        .send(),
                )
                .map(|_| ())
            },
            |set| {
                call(
                    ctx,
                    &format!("tagging SESv2 Email Identity ({identity})"),
                    ctx.sesv2
                        .tag_resource()
                        .resource_arn(arn)
                        .set_tags(Some(ses_tags(set)))
                        .send(),
                )
                .map(|_| ())
            },
        );
        update_outcome(prior, synced, self.fetch(ctx, identity, planned), || {
            ProviderError::new(
                "NotFoundException",
                format!("SESv2 Email Identity ({identity}) is gone"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(identity) = sref(prior, "email_identity").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting SESv2 Email Identity ({identity})"),
            ctx.sesv2.delete_email_identity().email_identity(identity).send(),
        ))
        .map(|_| ())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(identity) = sref(prior, "email_identity").or_else(|| sref(prior, "id")) else {
            return Ok(None);
        };
        self.fetch(ctx, identity, prior)
    }

    /// Import ID: the email address or domain.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &Value::Null)
    }
}

/// A tag map as SES v2 takes it.
fn ses_tags(tags: &BTreeMap<String, String>) -> Vec<aws_sdk_sesv2::types::Tag> {
    tags.iter()
        .filter_map(|(k, v)| aws_sdk_sesv2::types::Tag::builder().key(k).value(v).build().ok())
        .collect()
}
