//! aws_iam_user_login_profile: a console password for a user, generated here and kept in state
//! as a sensitive value, or, with `pgp_key`, only encrypted to the user's OpenPGP key
//! (`encrypted_password`, with the key's fingerprint). Every argument forces a new profile, as
//! in Terraform.

use crate::iam::{replacing, set_default};
use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, finish, get, into_state, problem, sref};
use crate::support::error::found;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct LoginProfile;

const DEFAULT_LENGTH: f64 = 20.0;

impl LoginProfile {
    fn get(&self, ctx: &Ctx, user: &str) -> Result<Option<aws_sdk_iam::types::LoginProfile>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading IAM User Login Profile ({user})"),
            ctx.iam.get_login_profile().user_name(user).send(),
        ))?;
        Ok(out.and_then(|o| o.login_profile().cloned()))
    }

    fn state(&self, profile: &aws_sdk_iam::types::LoginProfile, prior: &Value) -> Value {
        let mut st = into_state(prior);
        let user = profile.user_name().to_string();
        st.insert("user".into(), Value::string(&user));
        st.insert("id".into(), Value::string(&user));
        st.insert(
            "password_reset_required".into(),
            Value::Bool(profile.password_reset_required()),
        );
        if get(&st, "password_length").is_null() {
            st.insert("password_length".into(), Value::Number(DEFAULT_LENGTH.into()));
        }
        finish(&self.schema(), st)
    }
}

impl ResourceType for LoginProfile {
    fn type_name(&self) -> &'static str {
        "aws_iam_user_login_profile"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("user", Attribute::required(Type::String).force_new())
            .attr(
                "password_length",
                Attribute::optional_computed(Type::Number).force_new(),
            )
            .attr(
                "password_reset_required",
                Attribute::optional_computed(Type::Bool).force_new(),
            )
            .attr("password", Attribute::computed(Type::String).sensitive())
            .attr("encrypted_password", Attribute::computed(Type::String))
            .attr("key_fingerprint", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .attr("pgp_key", Attribute::optional(Type::String).force_new())
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut problems = Vec::new();
        if let Some(n) = config.get("password_length").as_f64() {
            if !(5.0..=128.0).contains(&n) || n.fract() != 0.0 {
                problems.push(problem(
                    "password_length",
                    "password_length must be a whole number from 5 to 128",
                ));
            }
        }
        problems.extend(crate::support::pgp::problem(config));
        problems
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        // Unset (null, or unknown on a create) takes Terraform's defaults.
        for (key, default) in [
            ("password_length", Value::Number(DEFAULT_LENGTH.into())),
            ("password_reset_required", Value::Bool(false)),
        ] {
            if get(&st, key).is_unknown() {
                st.insert(key.to_string(), Value::Null);
            }
            set_default(&mut st, key, default);
        }
        st.insert("id".into(), get(&st, "user").clone());
        if prior.is_none() || replacing(&self.schema(), prior, &st) {
            // With a pgp_key only the encrypted password is kept, as in Terraform.
            let encrypted = !get(&st, "pgp_key").is_null();
            let (clear, sealed) = if encrypted {
                (Value::Null, Value::UNKNOWN)
            } else {
                (Value::UNKNOWN, Value::Null)
            };
            st.insert("password".into(), clear);
            st.insert("encrypted_password".into(), sealed.clone());
            st.insert("key_fingerprint".into(), sealed);
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(user) = sref(planned, "user") else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidInput",
                "aws_iam_user_login_profile: user is required",
            ));
        };
        let length = planned.get("password_length").as_f64().unwrap_or(DEFAULT_LENGTH) as usize;
        let password = match crate::support::secret::password(length) {
            Ok(p) => p,
            Err(e) => return ApplyOutcome::failed(e),
        };
        let reset = planned.get("password_reset_required").as_bool().unwrap_or(false);
        // Encrypted before the profile exists: a key that cannot be used stops the create.
        let sealed = match sref(planned, "pgp_key").map(crate::support::pgp::public_key) {
            None => None,
            Some(Ok(key)) => match crate::support::pgp::encrypt(&key, password.as_bytes()) {
                Ok(sealed) => Some(sealed),
                Err(message) => return ApplyOutcome::failed(ProviderError::new("InvalidInput", message)),
            },
            Some(Err(message)) => return ApplyOutcome::failed(ProviderError::new("InvalidInput", message)),
        };
        (step.intent)(user);
        let made = call(
            ctx,
            &format!("creating IAM User Login Profile ({user})"),
            ctx.iam
                .create_login_profile()
                .user_name(user)
                .password(&password)
                .password_reset_required(reset)
                .send(),
        );
        if let Err(e) = made {
            let e = if e.code == "EntityAlreadyExists" {
                ProviderError::new(
                    e.code.clone(),
                    format!("{}\n\nUser {user} already has a console password: import it (import ID: {user}), or delete it first.", e.message),
                )
                .with_outcome_unknown(e.outcome_unknown)
            } else {
                e
            };
            return ApplyOutcome::failed(e);
        }
        let mut st = into_state(planned);
        st.insert("id".into(), Value::string(user));
        match sealed {
            Some((encrypted, fingerprint)) => {
                st.insert("password".into(), Value::Null);
                st.insert("encrypted_password".into(), Value::string(encrypted));
                st.insert("key_fingerprint".into(), Value::string(fingerprint));
            }
            None => {
                st.insert("password".into(), Value::string(password).mark_sensitive());
            }
        }
        ApplyOutcome::Done(finish(&self.schema(), st))
    }

    fn update(&self, _ctx: &Ctx, _prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        // Every argument forces a new profile; nothing changes in place.
        ApplyOutcome::Done(planned.clone())
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(user) = sref(prior, "user").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting IAM User Login Profile ({user})"),
            ctx.iam.delete_login_profile().user_name(user).send(),
        ))
        .map(|_| ())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(user) = sref(prior, "user").or_else(|| sref(prior, "id")) else {
            return Ok(None);
        };
        Ok(self.get(ctx, user)?.map(|p| self.state(&p, prior)))
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        Ok(self.get(ctx, id)?.map(|p| self.state(&p, &Value::Null)))
    }
}
