//! The account's IAM settings: aws_iam_account_password_policy (one per account; destroying it
//! deletes the policy, so IAM's defaults apply) and aws_iam_account_alias.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, finish, into_state, invalid, problem, sref, Put, State};
use crate::support::error::found;
use aws_sdk_iam::types::PasswordPolicy as AwsPolicy;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct PasswordPolicy;

/// The ID Terraform gives the account's password policy.
const POLICY_ID: &str = "iam-account-password-policy";

impl PasswordPolicy {
    fn fetch(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(p) = found(call(
            ctx,
            "reading IAM Account Password Policy",
            ctx.iam.get_account_password_policy().send(),
        ))?
        .and_then(|o| o.password_policy().cloned()) else {
            return Ok(None);
        };
        Ok(Some(self.state(&p, prior)))
    }

    fn state(&self, p: &AwsPolicy, prior: &Value) -> Value {
        let mut st: State = into_state(prior);
        st.put("id", POLICY_ID);
        st.put("minimum_password_length", p.minimum_password_length().map(i64::from));
        st.put("require_symbols", p.require_symbols());
        st.put("require_numbers", p.require_numbers());
        st.put("require_uppercase_characters", p.require_uppercase_characters());
        st.put("require_lowercase_characters", p.require_lowercase_characters());
        st.put("allow_users_to_change_password", p.allow_users_to_change_password());
        st.put("expire_passwords", p.expire_passwords());
        st.put("max_password_age", p.max_password_age().map(i64::from).unwrap_or(0));
        st.put(
            "password_reuse_prevention",
            p.password_reuse_prevention().map(i64::from).unwrap_or(0),
        );
        st.put("hard_expiry", p.hard_expiry().unwrap_or(false));
        finish(&self.schema(), st)
    }

    fn put(&self, ctx: &Ctx, planned: &Value) -> Result<(), ProviderError> {
        let int = |k: &str| planned.get(k).as_f64().map(|n| n as i32).filter(|n| *n > 0);
        let flag = |k: &str| planned.get(k).as_bool();
        call(
            ctx,
            "setting IAM Account Password Policy",
            ctx.iam
                .update_account_password_policy()
                .set_minimum_password_length(int("minimum_password_length"))
                .set_require_symbols(flag("require_symbols"))
                .set_require_numbers(flag("require_numbers"))
                .set_require_uppercase_characters(flag("require_uppercase_characters"))
                .set_require_lowercase_characters(flag("require_lowercase_characters"))
                .set_allow_users_to_change_password(flag("allow_users_to_change_password"))
                .set_max_password_age(int("max_password_age"))
                .set_password_reuse_prevention(int("password_reuse_prevention"))
                .set_hard_expiry(flag("hard_expiry"))
                .send(),
        )
        .map(drop)
    }
}

impl ResourceType for PasswordPolicy {
    fn type_name(&self) -> &'static str {
        "aws_iam_account_password_policy"
    }

    fn schema(&self) -> Schema {
        let flag = || Attribute::optional_computed(Type::Bool);
        let number = || Attribute::optional_computed(Type::Number);
        Schema::new()
            .attr("minimum_password_length", number())
            .attr("require_symbols", flag())
            .attr("require_numbers", flag())
            .attr("require_uppercase_characters", flag())
            .attr("require_lowercase_characters", flag())
            .attr("allow_users_to_change_password", flag())
            .attr("hard_expiry", flag())
            .attr("max_password_age", number())
            .attr("password_reuse_prevention", number())
            .attr("expire_passwords", Attribute::computed(Type::Bool))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        // 0 is the AWS provider's "not set" for the age and the reuse count, as public modules pass it.
        for (key, low, high) in [
            ("minimum_password_length", 6.0, 128.0),
            ("max_password_age", 0.0, 1095.0),
            ("password_reuse_prevention", 0.0, 24.0),
        ] {
            if let Some(n) = config.get(key).as_f64() {
                if n.fract() != 0.0 || n < low || n > high {
                    out.push(problem(
                        key,
                        format!("{key} must be a whole number from {low} to {high}"),
                    ));
                }
            }
        }
        out
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        // IAM's defaults for what the configuration leaves out, as the AWS provider plans them.
        for (key, default) in [
            ("minimum_password_length", Value::from(6i64)),
            ("require_symbols", Value::Bool(false)),
            ("require_numbers", Value::Bool(false)),
            ("require_uppercase_characters", Value::Bool(false)),
            ("require_lowercase_characters", Value::Bool(false)),
            ("allow_users_to_change_password", Value::Bool(true)),
            ("hard_expiry", Value::Bool(false)),
            ("max_password_age", Value::from(0i64)),
            ("password_reuse_prevention", Value::from(0i64)),
        ] {
            if st.get(key).is_none_or(|v| v.is_null() || v.is_unknown()) {
                st.insert(key.into(), default);
            }
        }
        let expires = st.get("max_password_age").and_then(Value::as_f64).unwrap_or(0.0) > 0.0;
        st.put("expire_passwords", expires);
        st.put("id", POLICY_ID);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        (step.intent)(POLICY_ID);
        if let Err(e) = self.put(ctx, planned) {
            return ApplyOutcome::failed(e);
        }
        match self.fetch(ctx, planned) {
            Ok(Some(state)) => ApplyOutcome::Done(state),
            Ok(None) => ApplyOutcome::failed(invalid("the IAM Account Password Policy is gone after it was set")),
            Err(e) => ApplyOutcome::partial(planned.clone(), e),
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let result = self.put(ctx, planned);
        update_outcome(prior, result, self.fetch(ctx, planned), || {
            invalid("the IAM Account Password Policy is gone")
        })
    }

    fn delete(&self, ctx: &Ctx, _prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        found(call(
            ctx,
            "deleting IAM Account Password Policy",
            ctx.iam.delete_account_password_policy().send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, prior)
    }

    /// Import ID: `iam-account-password-policy` (any ID names the account's one policy).
    fn import(&self, ctx: &Ctx, _id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, &Value::Null)
    }
}

pub(super) struct AccountAlias;

impl AccountAlias {
    fn aliases(&self, ctx: &Ctx) -> Result<Vec<String>, ProviderError> {
        let out = call(ctx, "reading IAM Account Alias", ctx.iam.list_account_aliases().send())?;
        Ok(out.account_aliases().to_vec())
    }

    fn state(&self, alias: &str) -> Value {
        let mut st = State::new();
        st.put("account_alias", alias);
        st.put("id", alias);
        finish(&self.schema(), st)
    }
}

impl ResourceType for AccountAlias {
    fn type_name(&self) -> &'static str {
        "aws_iam_account_alias"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("account_alias", Attribute::required(Type::String).force_new())
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        match config.get("account_alias").as_str() {
            Some(a)
                if a.len() < 3
                    || a.len() > 63
                    || a.starts_with('-')
                    || a.ends_with('-')
                    || !a
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') =>
            {
                vec![problem(
                    "account_alias",
                    "an account alias is 3 to 63 lowercase letters, digits and '-', not starting or ending with '-'",
                )]
            }
            _ => Vec::new(),
        }
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        st.put("id", proposed.get("account_alias"));
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(alias) = sref(planned, "account_alias") else {
            return ApplyOutcome::failed(invalid("creating IAM Account Alias: account_alias must be known"));
        };
        (step.intent)(alias);
        match call(
            ctx,
            &format!("creating IAM Account Alias ({alias})"),
            ctx.iam.create_account_alias().account_alias(alias).send(),
        ) {
            Ok(_) => ApplyOutcome::Done(self.state(alias)),
            Err(e) => ApplyOutcome::failed(e),
        }
    }

    fn update(&self, _ctx: &Ctx, _prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        // The alias is the only argument and replaces it.
        ApplyOutcome::Done(planned.clone())
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(alias) = sref(prior, "account_alias") else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting IAM Account Alias ({alias})"),
            ctx.iam.delete_account_alias().account_alias(alias).send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(alias) = sref(prior, "account_alias") else {
            return Ok(None);
        };
        Ok(self.aliases(ctx)?.iter().any(|a| a == alias).then(|| self.state(alias)))
    }

    /// Import ID: the alias.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        Ok(self.aliases(ctx)?.iter().any(|a| a == id).then(|| self.state(id)))
    }
}
