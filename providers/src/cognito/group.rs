//! aws_cognito_user_group: a group of a user pool, with its precedence and IAM role.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{both, call, created_outcome, finish, into_state, invalid, problem, Put, State};
use crate::support::error::found;
use aws_sdk_cognitoidentityprovider::types::GroupType;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::{map, Value};

pub(super) struct UserGroup;

fn keys(value: &Value) -> Option<(&str, &str)> {
    both(value, "user_pool_id", "name")
}

impl UserGroup {
    fn state(&self, g: &GroupType, prior: &Value) -> Value {
        let mut st: State = into_state(prior);
        let (pool, name) = (g.user_pool_id().unwrap_or_default(), g.group_name().unwrap_or_default());
        st.put("id", format!("{pool}/{name}"));
        st.put("user_pool_id", pool);
        st.put("name", name);
        // What was cleared in place reads back empty (or 0): null, as configured.
        let had = |key: &str| !prior.get(key).is_null();
        st.put(
            "description",
            g.description().filter(|d| !d.is_empty() || had("description")),
        );
        st.put(
            "precedence",
            g.precedence().filter(|p| *p != 0 || had("precedence")).map(i64::from),
        );
        st.put("role_arn", g.role_arn().filter(|r| !r.is_empty() || had("role_arn")));
        finish(&self.schema(), st)
    }

    fn fetch(&self, ctx: &Ctx, pool: &str, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading Cognito User Group ({pool}/{name})"),
            ctx.cognito.get_group().user_pool_id(pool).group_name(name).send(),
        ))?;
        Ok(out.and_then(|o| o.group().map(|g| self.state(g, prior))))
    }
}

impl ResourceType for UserGroup {
    fn type_name(&self) -> &'static str {
        "aws_cognito_user_group"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("user_pool_id", Attribute::required(Type::String).force_new())
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("description", Attribute::optional(Type::String))
            .attr("precedence", Attribute::optional(Type::Number))
            .attr("role_arn", Attribute::optional(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut problems = super::check_pool_id(config);
        if let Some(name) = config.get("name").as_str() {
            if name.is_empty() || name.chars().count() > 128 || name.chars().any(char::is_whitespace) {
                problems.push(problem(
                    "name",
                    "a group name is 1 to 128 letters, digits, marks, symbols or punctuation (no spaces)",
                ));
            }
        }
        if config
            .get("description")
            .as_str()
            .is_some_and(|d| d.chars().count() > 2048)
        {
            problems.push(problem("description", "a description is at most 2048 characters"));
        }
        if let Some(p) = config.get("precedence").as_f64() {
            if p < 0.0 || p.fract() != 0.0 {
                problems.push(problem("precedence", "precedence is a whole number, 0 or more"));
            }
        }
        problems.extend(super::check_arn(config, "role_arn"));
        problems
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        match keys(&proposed) {
            Some((pool, name)) => st.put("id", format!("{pool}/{name}")),
            None if prior.is_none() => st.put("id", Value::UNKNOWN),
            None => {}
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some((pool, name)) = keys(planned) else {
            return ApplyOutcome::failed(invalid(
                "creating Cognito User Group: user_pool_id and name must be known",
            ));
        };
        (step.intent)(&format!("{pool}/{name}"));
        let made = call(
            ctx,
            &format!("creating Cognito User Group ({name})"),
            ctx.cognito
                .create_group()
                .user_pool_id(pool)
                .group_name(name)
                .set_description(planned.get("description").as_str().map(str::to_string))
                .set_precedence(crate::support::attrs::int32(&planned, "precedence"))
                .set_role_arn(planned.get("role_arn").as_str().map(str::to_string))
                .send(),
        );
        if let Err(e) = made {
            return ApplyOutcome::failed(e);
        }
        created_outcome(
            &self.schema(),
            planned,
            &[],
            self.fetch(ctx, pool, name, planned),
            crate::support::attrs::gone_after_create(format!(
                "Cognito User Group ({pool}/{name}) is gone after its create"
            )),
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some((pool, name)) = keys(prior) else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating Cognito User Group: the prior state has no name"),
            );
        };
        // UpdateGroup keeps a field it is not given: one taken out of the configuration is
        // sent empty (or 0), as the AWS provider does.
        let cleared = |key: &str| planned.get(key).is_null() && !prior.get(key).is_null();
        let result = call(
            ctx,
            &format!("updating Cognito User Group ({pool}/{name})"),
            ctx.cognito
                .update_group()
                .user_pool_id(pool)
                .group_name(name)
                .description(planned.get("description").as_str().unwrap_or_default())
                .set_precedence(
                    crate::support::attrs::int32(planned, "precedence").or(cleared("precedence").then_some(0)),
                )
                .set_role_arn(
                    planned
                        .get("role_arn")
                        .as_str()
                        .map(str::to_string)
                        .or(cleared("role_arn").then(String::new)),
                )
                .send(),
        )
        .map(drop);
        update_outcome(prior, result, self.fetch(ctx, pool, name, planned), || {
            ProviderError::new(
                "ResourceNotFoundException",
                format!("Cognito User Group ({pool}/{name}) is gone"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some((pool, name)) = keys(prior) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting Cognito User Group ({pool}/{name})"),
            ctx.cognito.delete_group().user_pool_id(pool).group_name(name).send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match keys(prior) {
            Some((pool, name)) => self.fetch(ctx, pool, name, prior),
            None => Ok(None),
        }
    }

    /// Import ID: `USER_POOL_ID/GROUP_NAME`.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let (pool, name) = crate::support::attrs::import_split(id, '/', self.type_name(), "USER_POOL_ID/GROUP_NAME")?;
        self.fetch(ctx, pool, name, &map([("user_pool_id", Value::string(pool))]))
    }
}
