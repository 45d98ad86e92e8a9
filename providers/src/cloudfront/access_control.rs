//! aws_cloudfront_origin_access_control: how CloudFront signs its requests to an origin (an
//! S3 bucket, a Lambda function URL, MediaStore or MediaPackage), so the origin can refuse
//! everyone else.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, finish, into_state, invalid, problem, sref, Put, State};
use crate::support::error::found;
use aws_sdk_cloudfront::types::{
    OriginAccessControlConfig, OriginAccessControlOriginTypes, OriginAccessControlSigningBehaviors,
    OriginAccessControlSigningProtocols,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct OriginAccessControl;

const DEFAULT_DESCRIPTION: &str = "Managed by Terraform";

fn config(planned: &Value) -> Result<OriginAccessControlConfig, ProviderError> {
    OriginAccessControlConfig::builder()
        .set_name(sref(planned, "name").map(str::to_string))
        .description(sref(planned, "description").unwrap_or(DEFAULT_DESCRIPTION))
        .set_origin_access_control_origin_type(
            sref(planned, "origin_access_control_origin_type").map(OriginAccessControlOriginTypes::from),
        )
        .set_signing_behavior(sref(planned, "signing_behavior").map(OriginAccessControlSigningBehaviors::from))
        .set_signing_protocol(sref(planned, "signing_protocol").map(OriginAccessControlSigningProtocols::from))
        .build()
        .map_err(|e| invalid(format!("CloudFront Origin Access Control: {e}")))
}

impl OriginAccessControl {
    fn fetch(&self, ctx: &Ctx, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(out) = found(call(
            ctx,
            &format!("reading CloudFront Origin Access Control ({id})"),
            ctx.cloudfront.get_origin_access_control().id(id).send(),
        ))?
        else {
            return Ok(None);
        };
        let Some(c) = out
            .origin_access_control()
            .and_then(|o| o.origin_access_control_config())
        else {
            return Ok(None);
        };
        let mut st: State = into_state(prior);
        st.put("id", id);
        st.put("arn", super::arn(ctx, &format!("origin-access-control/{id}"))?);
        st.put("etag", out.e_tag());
        st.put("name", c.name());
        st.put("description", c.description().unwrap_or_default());
        st.put(
            "origin_access_control_origin_type",
            c.origin_access_control_origin_type().as_str(),
        );
        st.put("signing_behavior", c.signing_behavior().as_str());
        st.put("signing_protocol", c.signing_protocol().as_str());
        Ok(Some(finish(&self.schema(), st)))
    }
}

impl ResourceType for OriginAccessControl {
    fn type_name(&self) -> &'static str {
        "aws_cloudfront_origin_access_control"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String))
            .attr("description", Attribute::optional(Type::String))
            .attr(
                "origin_access_control_origin_type",
                Attribute::required(Type::String).one_of(&["s3", "mediastore", "mediapackagev2", "lambda"]),
            )
            .attr(
                "signing_behavior",
                Attribute::required(Type::String).one_of(&["never", "always", "no-override"]),
            )
            .attr("signing_protocol", Attribute::required(Type::String).one_of(&["sigv4"]))
            .attr("arn", Attribute::computed(Type::String))
            .attr("etag", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut problems = Vec::new();
        if sref(config, "name").is_some_and(|n| !(1..=64).contains(&n.chars().count())) {
            problems.push(problem("name", "a name is 1 to 64 characters"));
        }
        if sref(config, "description").is_some_and(|d| d.chars().count() > 256) {
            problems.push(problem("description", "a description is at most 256 characters"));
        }
        problems
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if proposed.get("description").is_null() {
            st.put("description", DEFAULT_DESCRIPTION);
        }
        match prior {
            None => {
                for key in ["id", "arn", "etag"] {
                    st.put(key, Value::UNKNOWN);
                }
            }
            Some(p) => {
                let changed = [
                    "name",
                    "description",
                    "origin_access_control_origin_type",
                    "signing_behavior",
                    "signing_protocol",
                ]
                .iter()
                .any(|k| p.get(k) != st.get(*k).cloned().unwrap_or(Value::Null));
                if changed {
                    st.put("etag", Value::UNKNOWN);
                }
            }
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let cfg = match config(planned) {
            Ok(c) => c,
            Err(e) => return ApplyOutcome::failed(e),
        };
        let name = cfg.name().to_string();
        (step.intent)(&format!("name:{name}"));
        let made = call(
            ctx,
            &format!("creating CloudFront Origin Access Control ({name})"),
            ctx.cloudfront
                .create_origin_access_control()
                .origin_access_control_config(cfg)
                .send(),
        );
        let id = match made {
            Ok(out) => out
                .origin_access_control()
                .map(|o| o.id().to_string())
                .unwrap_or_default(),
            Err(e) => return ApplyOutcome::failed(e),
        };
        created_outcome(
            &self.schema(),
            planned,
            &[("id", Value::string(&id))],
            self.fetch(ctx, &id, planned),
            || {
                ProviderError::new(
                    "NoSuchOriginAccessControl",
                    format!("CloudFront Origin Access Control ({id}) is gone after its create"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let (Some(id), etag) = (sref(prior, "id"), sref(prior, "etag").unwrap_or_default()) else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating CloudFront Origin Access Control: the prior state has no id"),
            );
        };
        let result = config(planned).and_then(|cfg| {
            call(
                ctx,
                &format!("updating CloudFront Origin Access Control ({id})"),
                ctx.cloudfront
                    .update_origin_access_control()
                    .id(id)
                    .if_match(etag)
                    .origin_access_control_config(cfg)
                    .send(),
            )
            .map(drop)
        });
        update_outcome(prior, result, self.fetch(ctx, id, planned), || {
            ProviderError::new(
                "NoSuchOriginAccessControl",
                format!("CloudFront Origin Access Control ({id}) is gone"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(id) = sref(prior, "id") else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting CloudFront Origin Access Control ({id})"),
            ctx.cloudfront
                .delete_origin_access_control()
                .id(id)
                .if_match(sref(prior, "etag").unwrap_or_default())
                .send(),
        ))
        .map(drop)
        .map_err(|mut e| {
            if e.code == "OriginAccessControlInUse" {
                e.message
                    .push_str("\nA distribution's origin still names it: change or destroy that origin first.");
            }
            e
        })
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "id") {
            Some(id) => self.fetch(ctx, id, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the origin access control's ID. An interrupted create is found by its name.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if let Some(name) = id.strip_prefix("name:") {
            let list = call(
                ctx,
                "listing CloudFront Origin Access Controls",
                ctx.cloudfront.list_origin_access_controls().send(),
            )?;
            let found_id = list
                .origin_access_control_list()
                .map(|l| l.items())
                .unwrap_or_default()
                .iter()
                .find(|o| o.name() == name)
                .map(|o| o.id().to_string());
            return match found_id {
                Some(found_id) => self.fetch(ctx, &found_id, &Value::Null),
                None => Ok(None),
            };
        }
        self.fetch(ctx, id, &Value::Null)
    }
}
