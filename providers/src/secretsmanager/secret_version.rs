//! aws_secretsmanager_secret_version: one value of a secret (`secret_string` or
//! `secret_binary`, both sensitive, or the write-only `secret_string_wo`, which no plan or state
//! holds and which is sent again when `secret_string_wo_version` changes) with its staging
//! labels. A new value is a new version; only the labels change in place. As in the AWS provider, destroying a version removes its
//! labels (a version labelled AWSCURRENT stays, as Secrets Manager requires one current value).

use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, finish, into_state, invalid, is_set, problem, set_of_strings, set_value, sref, string_set, Put, State,
};
use crate::support::error::found;
use aws_sdk_secretsmanager::operation::get_secret_value::GetSecretValueOutput;
use aws_sdk_secretsmanager::primitives::Blob;
use base64::Engine;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct SecretVersion;

/// The label Secrets Manager gives the newest value when none is asked for.
const CURRENT: &str = "AWSCURRENT";

impl SecretVersion {
    fn get(&self, ctx: &Ctx, secret: &str, version: &str) -> Result<Option<GetSecretValueOutput>, ProviderError> {
        found(call(
            ctx,
            &format!("reading Secrets Manager Secret Version ({secret}|{version})"),
            ctx.secretsmanager
                .get_secret_value()
                .secret_id(secret)
                .version_id(version)
                .send(),
        ))
    }

    /// The version as state records it; `prior` is the planned or recorded value it is read
    /// for. A value written write-only stays out of state: `has_secret_string_wo` remembers it
    /// was, so later reads keep `secret_string` null.
    fn state(&self, out: &GetSecretValueOutput, secret: &str, prior: &Value) -> Value {
        let write_only =
            is_set(&prior.get("secret_string_wo")) || prior.get("has_secret_string_wo") == Value::Bool(true);
        let mut st: State = into_state(prior);
        let version = out.version_id().unwrap_or_default();
        st.put("secret_id", secret);
        st.put("arn", out.arn());
        st.put("version_id", version);
        st.put("id", format!("{secret}|{version}"));
        let (string, binary) = super::secret_value(out);
        st.put("secret_string", string);
        st.put("secret_binary", binary);
        st.put("version_stages", set_value(out.version_stages()));
        st.put("has_secret_string_wo", write_only);
        st.put("secret_string_wo", Value::Null);
        if write_only {
            st.put("secret_string", Value::Null);
        }
        finish(&self.schema(), st)
    }

    /// Moves or removes labels so that `version` has exactly `wanted` (of those it had).
    fn relabel(
        &self,
        ctx: &Ctx,
        secret: &str,
        version: &str,
        had: &[String],
        wanted: &[String],
    ) -> Result<(), ProviderError> {
        for label in wanted.iter().filter(|l| !had.contains(l)) {
            // A label belongs to one version: taking it moves it here.
            let owner = call(
                ctx,
                &format!("reading Secrets Manager Secret ({secret})"),
                ctx.secretsmanager.describe_secret().secret_id(secret).send(),
            )?
            .version_ids_to_stages()
            .and_then(|m| {
                m.iter()
                    .find(|(_, stages)| stages.contains(label))
                    .map(|(v, _)| v.clone())
            });
            call(
                ctx,
                &format!("labelling Secrets Manager Secret Version ({secret}|{version}) {label}"),
                ctx.secretsmanager
                    .update_secret_version_stage()
                    .secret_id(secret)
                    .version_stage(label)
                    .move_to_version_id(version)
                    .set_remove_from_version_id(owner.filter(|o| o != version))
                    .send(),
            )?;
        }
        for label in had.iter().filter(|l| !wanted.contains(l) && l.as_str() != CURRENT) {
            call(
                ctx,
                &format!("unlabelling Secrets Manager Secret Version ({secret}|{version}) {label}"),
                ctx.secretsmanager
                    .update_secret_version_stage()
                    .secret_id(secret)
                    .version_stage(label)
                    .remove_from_version_id(version)
                    .send(),
            )?;
        }
        Ok(())
    }
}

impl ResourceType for SecretVersion {
    fn type_name(&self) -> &'static str {
        "aws_secretsmanager_secret_version"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("secret_id", Attribute::required(Type::String).force_new())
            .attr(
                "secret_string",
                Attribute::optional(Type::String).sensitive().force_new(),
            )
            .attr(
                "secret_binary",
                Attribute::optional(Type::String).sensitive().force_new(),
            )
            .attr("version_stages", Attribute::optional_computed(set_of_strings()))
            .attr("arn", Attribute::computed(Type::String))
            .attr("version_id", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .attr(
                "secret_string_wo",
                Attribute::optional(Type::String).sensitive().write_only(),
            )
            .attr(
                "secret_string_wo_version",
                Attribute::optional(Type::Number).force_new(),
            )
            .attr("has_secret_string_wo", Attribute::computed(Type::Bool))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        let set = |name: &str| is_set(&config.get(name));
        let values: Vec<&str> = ["secret_string", "secret_binary", "secret_string_wo"]
            .into_iter()
            .filter(|n| set(n))
            .collect();
        if let [_, second, ..] = values[..] {
            let names: Vec<String> = values.iter().map(|n| format!("\"{n}\"")).collect();
            let verb = if names.len() == 2 {
                "cannot both be set"
            } else {
                "cannot be set together"
            };
            out.push(problem(
                second,
                format!("{} {verb}: a version holds one value", names.join(" and ")),
            ));
        }
        // Without a version the write-only value could never be sent again; without a value
        // the version says nothing.
        // A value not known yet (an ephemeral resource's, at validate) may be either.
        let absent = |name: &str| config.get(name).is_null();
        match (set("secret_string_wo"), set("secret_string_wo_version")) {
            (true, false) | (false, true) if !absent("secret_string_wo") && !absent("secret_string_wo_version") => {}
            (true, false) => out.push(problem(
                "secret_string_wo",
                "secret_string_wo needs secret_string_wo_version: the value is never stored, so the version is what says when to send it again (raise it to rotate the value)",
            )),
            (false, true) => out.push(problem(
                "secret_string_wo_version",
                "secret_string_wo_version is only for secret_string_wo: set both, or neither",
            )),
            _ => {}
        }
        if let Some(b) = config.get("secret_binary").as_str() {
            if base64::engine::general_purpose::STANDARD.decode(b).is_err() {
                out.push(problem(
                    "secret_binary",
                    "secret_binary must be base64 (use filebase64 or base64encode)",
                ));
            }
        }
        out
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if prior.is_none() {
            for key in ["arn", "version_id", "id", "has_secret_string_wo"] {
                st.insert(key.into(), Value::UNKNOWN);
            }
            if st.get("version_stages").is_none_or(|v| v.is_null() || v.is_unknown()) {
                st.insert("version_stages".into(), Value::UNKNOWN);
            }
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(secret) = sref(planned, "secret_id") else {
            return ApplyOutcome::failed(invalid(
                "putting a Secrets Manager Secret Version: secret_id must be known",
            ));
        };
        let stages = string_set(&planned.get("version_stages"));
        let binary = match sref(planned, "secret_binary").map(|b| base64::engine::general_purpose::STANDARD.decode(b)) {
            Some(Ok(bytes)) => Some(Blob::new(bytes)),
            Some(Err(_)) => return ApplyOutcome::failed(invalid("secret_binary is not base64")),
            None => None,
        };
        // The request token becomes the version's ID: the SDK's retries of the request are one
        // version, and an interrupted create is found again by it.
        let token = crate::support::naming::intent_token(&[secret]);
        (step.intent)(&format!("{secret}|{token}"));
        let made = call(
            ctx,
            &format!("putting a value of Secrets Manager Secret ({secret})"),
            ctx.secretsmanager
                .put_secret_value()
                .secret_id(secret)
                .client_request_token(&token)
                .set_secret_string(
                    sref(planned, "secret_string_wo")
                        .or_else(|| sref(planned, "secret_string"))
                        .map(str::to_string),
                )
                .set_secret_binary(binary)
                .set_version_stages((!stages.is_empty()).then_some(stages))
                .send(),
        );
        let version = match made.map(|o| o.version_id().map(str::to_string)) {
            Ok(Some(v)) => v,
            Ok(None) => {
                return ApplyOutcome::failed(ProviderError::new(
                    "InvalidResponse",
                    format!("putting a value of Secrets Manager Secret ({secret}): no version in the answer"),
                ))
            }
            Err(e) => return ApplyOutcome::failed(e),
        };
        match self.get(ctx, secret, &version) {
            Ok(Some(out)) => ApplyOutcome::Done(self.state(&out, secret, planned)),
            Ok(None) => ApplyOutcome::failed(ProviderError::new(
                "ResourceNotFoundException",
                format!("Secrets Manager Secret Version ({secret}|{version}) is gone after its create"),
            )),
            Err(e) => {
                let mut st = into_state(planned);
                st.put("version_id", version.as_str());
                st.put("id", format!("{secret}|{version}"));
                ApplyOutcome::partial(finish(&self.schema(), st), e)
            }
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let (secret, version) = (
            sref(prior, "secret_id").unwrap_or_default(),
            sref(prior, "version_id").unwrap_or_default(),
        );
        let had = string_set(&prior.get("version_stages"));
        let wanted = string_set(&planned.get("version_stages"));
        let result = self.relabel(ctx, secret, version, &had, &wanted);
        let read = self.get(ctx, secret, version);
        match (result, read) {
            (Ok(()), Ok(Some(out))) => ApplyOutcome::Done(self.state(&out, secret, planned)),
            (Ok(()), Ok(None)) => ApplyOutcome::failed(ProviderError::new(
                "ResourceNotFoundException",
                format!("Secrets Manager Secret Version ({secret}|{version}) is gone"),
            )),
            (Err(e), _) | (_, Err(e)) => ApplyOutcome::partial(prior.clone(), e),
        }
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let (Some(secret), Some(version)) = (sref(prior, "secret_id"), sref(prior, "version_id")) else {
            return Ok(());
        };
        let Some(out) = self.get(ctx, secret, version)? else {
            return Ok(());
        };
        self.relabel(ctx, secret, version, out.version_stages(), &[])
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let (Some(secret), Some(version)) = (sref(prior, "secret_id"), sref(prior, "version_id")) else {
            return Ok(None);
        };
        Ok(self
            .get(ctx, secret, version)?
            .map(|out| self.state(&out, secret, prior)))
    }

    /// Import ID: `SECRET_ARN|VERSION_ID`.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let Some((secret, version)) = id.split_once('|').filter(|(s, v)| !s.is_empty() && !v.is_empty()) else {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!("import ID {id:?} of aws_secretsmanager_secret_version: write it as SECRET_ARN|VERSION_ID"),
            ));
        };
        Ok(self
            .get(ctx, secret, version)?
            .map(|out| self.state(&out, secret, &Value::Null)))
    }
}
