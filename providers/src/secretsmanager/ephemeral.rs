//! Secrets Manager's ephemeral resources: a password it generates, and a secret's value, each
//! read for one plan or apply and kept nowhere (for a write-only argument).

use crate::resource::{Ctx, DataType};
use crate::support::attrs::{call, finish, into_state, Put, State};
use crate::support::dates::rfc3339;
use crate::support::error::found;
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

/// `ephemeral "aws_secretsmanager_random_password"`: GetRandomPassword.
pub(super) struct RandomPassword;

impl DataType for RandomPassword {
    fn type_name(&self) -> &'static str {
        "aws_secretsmanager_random_password"
    }

    fn schema(&self) -> Schema {
        let mut s = Schema::new()
            .attr("exclude_characters", Attribute::optional(Type::String))
            .attr("password_length", Attribute::optional(Type::Number))
            .attr("random_password", Attribute::computed(Type::String).sensitive());
        for flag in [
            "exclude_lowercase",
            "exclude_numbers",
            "exclude_punctuation",
            "exclude_uppercase",
            "include_space",
            "require_each_included_type",
        ] {
            s = s.attr(flag, Attribute::optional(Type::Bool));
        }
        s
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let flag = |k: &str| config.get(k).as_bool();
        let out = call(
            ctx,
            "generating a Secrets Manager random password",
            ctx.secretsmanager
                .get_random_password()
                .set_exclude_characters(config.get("exclude_characters").as_str().map(str::to_string))
                .set_password_length(config.get("password_length").as_f64().map(|n| n as i64))
                .set_exclude_lowercase(flag("exclude_lowercase"))
                .set_exclude_numbers(flag("exclude_numbers"))
                .set_exclude_punctuation(flag("exclude_punctuation"))
                .set_exclude_uppercase(flag("exclude_uppercase"))
                .set_include_space(flag("include_space"))
                .set_require_each_included_type(flag("require_each_included_type"))
                .send(),
        )?;
        let mut st: State = into_state(config);
        st.put(
            "random_password",
            Value::string(out.random_password().unwrap_or_default()).mark_sensitive(),
        );
        Ok(finish(&self.schema(), st))
    }
}

/// `ephemeral "aws_secretsmanager_secret_version"`: GetSecretValue, by version ID or label.
pub(super) struct SecretVersionValue;

impl DataType for SecretVersionValue {
    fn type_name(&self) -> &'static str {
        "aws_secretsmanager_secret_version"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("secret_id", Attribute::required(Type::String))
            .attr("version_id", Attribute::optional_computed(Type::String))
            .attr("version_stage", Attribute::optional(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("created_date", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .attr("secret_string", Attribute::computed(Type::String).sensitive())
            .attr("secret_binary", Attribute::computed(Type::String).sensitive())
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let secret = config.get("secret_id").as_str().unwrap_or_default().to_string();
        let version = config.get("version_id").as_str().map(str::to_string);
        // A version ID overrides a label, and without either the current value is read.
        let stage = match version {
            Some(_) => None,
            None => Some(config.get("version_stage").as_str().unwrap_or("AWSCURRENT").to_string()),
        };
        let out = found(call(
            ctx,
            &format!("reading Secrets Manager Secret Version ({secret})"),
            ctx.secretsmanager
                .get_secret_value()
                .secret_id(&secret)
                .set_version_id(version)
                .set_version_stage(stage)
                .send(),
        ))?
        .ok_or_else(|| {
            ProviderError::new(
                "ResourceNotFoundException",
                format!("no Secrets Manager secret {secret:?}"),
            )
        })?;
        let mut st: State = into_state(config);
        let version = out.version_id().unwrap_or_default();
        st.put("arn", out.arn());
        st.put("id", version);
        st.put("version_id", version);
        st.put("created_date", out.created_date().map(rfc3339));
        let (string, binary) = super::secret_value(&out);
        st.put("secret_string", string);
        st.put("secret_binary", binary);
        Ok(finish(&self.schema(), st))
    }
}
