//! aws_lambda_layer_version: one published version of a layer. A version cannot change: every
//! argument replaces it (a new version), as in the AWS provider.

use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, created_outcome, finish, into_state, invalid, problem, set_of_strings, set_value, sref, string_set, Put,
    State,
};
use crate::support::error::found;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{Architecture, LayerVersionContentInput, Runtime};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct LayerVersion;

/// `arn:...:layer:NAME:VERSION` split into the layer's name and the version number.
fn parse_arn(arn: &str) -> Option<(String, i64)> {
    let mut parts = arn.rsplitn(3, ':');
    let version = parts.next()?.parse().ok()?;
    let name = parts.next()?;
    parts.next().filter(|p| p.ends_with(":layer"))?;
    Some((name.to_string(), version))
}

impl LayerVersion {
    fn fetch(&self, ctx: &Ctx, arn: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some((name, version)) = parse_arn(arn) else {
            return Err(ProviderError::new(
                "InvalidArn",
                format!("{arn:?} is not a layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION)"),
            ));
        };
        let Some(out) = found(call(
            ctx,
            &format!("reading Lambda Layer Version ({arn})"),
            ctx.lambda
                .get_layer_version()
                .layer_name(&name)
                .version_number(version)
                .send(),
        ))?
        else {
            return Ok(None);
        };
        let mut st: State = into_state(prior);
        st.put("id", arn);
        st.put("arn", out.layer_version_arn().unwrap_or(arn));
        st.put("layer_arn", out.layer_arn());
        st.put("layer_name", name.as_str());
        st.put("version", version.to_string());
        st.put("created_date", out.created_date());
        st.put("description", out.description().filter(|d| !d.is_empty()));
        st.put("license_info", out.license_info().filter(|l| !l.is_empty()));
        let runtimes: Vec<&str> = out.compatible_runtimes().iter().map(|r| r.as_str()).collect();
        st.put(
            "compatible_runtimes",
            if runtimes.is_empty() {
                Value::Null
            } else {
                set_value(&runtimes)
            },
        );
        let arch: Vec<&str> = out.compatible_architectures().iter().map(|a| a.as_str()).collect();
        st.put(
            "compatible_architectures",
            if arch.is_empty() { Value::Null } else { set_value(&arch) },
        );
        let content = out.content();
        st.put("code_sha256", content.and_then(|c| c.code_sha256()));
        st.put("source_code_size", content.map(|c| c.code_size()));
        st.put("signing_job_arn", content.and_then(|c| c.signing_job_arn()));
        st.put(
            "signing_profile_version_arn",
            content.and_then(|c| c.signing_profile_version_arn()),
        );
        if prior.get("skip_destroy").as_bool().is_none() {
            st.put("skip_destroy", false);
        }
        Ok(Some(finish(&self.schema(), st)))
    }
}

impl ResourceType for LayerVersion {
    fn type_name(&self) -> &'static str {
        "aws_lambda_layer_version"
    }

    fn schema(&self) -> Schema {
        let arg = || Attribute::optional(Type::String).force_new();
        Schema::new()
            .attr("layer_name", Attribute::required(Type::String).force_new())
            .attr("filename", arg())
            .attr("s3_bucket", arg())
            .attr("s3_key", arg())
            .attr("s3_object_version", arg())
            .attr(
                "source_code_hash",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr("compatible_runtimes", Attribute::optional(set_of_strings()).force_new())
            .attr(
                "compatible_architectures",
                Attribute::optional(set_of_strings()).force_new(),
            )
            .attr("description", arg())
            .attr("license_info", arg())
            .attr("skip_destroy", Attribute::optional(Type::Bool))
            .attr("arn", Attribute::computed(Type::String))
            .attr("layer_arn", Attribute::computed(Type::String))
            .attr("version", Attribute::computed(Type::String))
            .attr("created_date", Attribute::computed(Type::String))
            .attr("code_sha256", Attribute::computed(Type::String))
            .attr("source_code_size", Attribute::computed(Type::Number))
            .attr("signing_job_arn", Attribute::computed(Type::String))
            .attr("signing_profile_version_arn", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        let given = |k: &str| !config.get(k).is_null();
        if given("filename") == given("s3_bucket") && !config.get("filename").is_unknown() {
            out.push(problem(
                "filename",
                "give the layer's content as filename, or as s3_bucket with s3_key",
            ));
        }
        if given("s3_bucket") != given("s3_key") {
            out.push(problem("s3_key", "s3_bucket and s3_key go together"));
        }
        if config
            .get("compatible_runtimes")
            .as_list()
            .is_some_and(|l| l.len() > 15)
        {
            out.push(problem(
                "compatible_runtimes",
                "a layer lists at most 15 compatible runtimes",
            ));
        }
        out
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        crate::support::attrs::default_to(&mut st, "skip_destroy", Value::Bool(false));
        if prior.is_none() {
            for key in [
                "arn",
                "layer_arn",
                "version",
                "created_date",
                "code_sha256",
                "source_code_size",
                "signing_job_arn",
                "signing_profile_version_arn",
                "id",
            ] {
                st.insert(key.into(), Value::UNKNOWN);
            }
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(name) = sref(planned, "layer_name") else {
            return ApplyOutcome::failed(invalid("publishing Lambda Layer Version: layer_name must be known"));
        };
        let content = match sref(planned, "filename") {
            Some(file) => match std::fs::read(file) {
                Ok(bytes) => LayerVersionContentInput::builder().zip_file(Blob::new(bytes)).build(),
                Err(e) => {
                    return ApplyOutcome::failed(ProviderError::new(
                        "InvalidFile",
                        format!("reading the layer's content from filename {file:?}: {e}"),
                    ))
                }
            },
            None => LayerVersionContentInput::builder()
                .set_s3_bucket(sref(planned, "s3_bucket").map(str::to_string))
                .set_s3_key(sref(planned, "s3_key").map(str::to_string))
                .set_s3_object_version(sref(planned, "s3_object_version").map(str::to_string))
                .build(),
        };
        (step.intent)(name);
        let runtimes: Vec<Runtime> = string_set(&planned.get("compatible_runtimes"))
            .iter()
            .map(|r| Runtime::from(r.as_str()))
            .collect();
        let arch: Vec<Architecture> = string_set(&planned.get("compatible_architectures"))
            .iter()
            .map(|a| Architecture::from(a.as_str()))
            .collect();
        let out = call(
            ctx,
            &format!("publishing Lambda Layer Version ({name})"),
            ctx.lambda
                .publish_layer_version()
                .layer_name(name)
                .content(content)
                .set_description(sref(planned, "description").map(str::to_string))
                .set_license_info(sref(planned, "license_info").map(str::to_string))
                .set_compatible_runtimes((!runtimes.is_empty()).then_some(runtimes))
                .set_compatible_architectures((!arch.is_empty()).then_some(arch))
                .send(),
        );
        let arn = match out {
            Ok(o) => o.layer_version_arn().unwrap_or_default().to_string(),
            Err(e) => return ApplyOutcome::failed(e),
        };
        created_outcome(
            &self.schema(),
            planned,
            &[("id", Value::string(&arn)), ("arn", Value::string(&arn))],
            self.fetch(ctx, &arn, planned),
            || {
                ProviderError::new(
                    "ResourceNotFoundException",
                    format!("Lambda Layer Version ({arn}) is gone after its publish"),
                )
            },
        )
    }

    fn update(&self, _ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        // Only skip_destroy changes in place; it is infinstor's own.
        let mut st = into_state(prior);
        st.put("skip_destroy", planned.get("skip_destroy"));
        ApplyOutcome::Done(Value::Map(st.into()))
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some((name, version)) = sref(prior, "arn").and_then(parse_arn) else {
            return Ok(());
        };
        if prior.get("skip_destroy").as_bool() == Some(true) {
            (step.progress)(&format!(
                "skip_destroy: Lambda Layer Version ({name}:{version}) is left in AWS"
            ));
            return Ok(());
        }
        found(call(
            ctx,
            &format!("deleting Lambda Layer Version ({name}:{version})"),
            ctx.lambda
                .delete_layer_version()
                .layer_name(&name)
                .version_number(version)
                .send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "arn").or_else(|| sref(prior, "id")) {
            Some(arn) => self.fetch(ctx, arn, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the layer version's ARN.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &Value::Null)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_layer_version_arn_names_the_layer_and_the_version() {
        assert_eq!(
            super::parse_arn("arn:aws:lambda:us-east-1:123456789012:layer:shared-libs:3"),
            Some(("shared-libs".to_string(), 3))
        );
        assert_eq!(
            super::parse_arn("arn:aws:lambda:us-east-1:123456789012:function:f:3"),
            None
        );
        assert_eq!(super::parse_arn("shared-libs:x"), None);
    }
}
