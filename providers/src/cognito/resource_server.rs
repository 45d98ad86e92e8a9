//! aws_cognito_resource_server: an OAuth 2.0 resource server of a user pool and its scopes.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    block_items, both, call, created_outcome, finish, into_state, invalid, problem, sref, Put, State,
};
use crate::support::error::found;
use aws_sdk_cognitoidentityprovider::types::{ResourceServerScopeType, ResourceServerType};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};

pub(super) struct ResourceServer;

fn keys(value: &Value) -> Option<(&str, &str)> {
    both(value, "user_pool_id", "identifier")
}

fn scopes(planned: &Value) -> Vec<ResourceServerScopeType> {
    block_items(planned, "scope")
        .iter()
        .filter_map(|s| {
            ResourceServerScopeType::builder()
                .scope_name(s.get("scope_name").as_str()?)
                .scope_description(s.get("scope_description").as_str()?)
                .build()
                .ok()
        })
        .collect()
}

/// Scope names as the AWS API allows them: printable ASCII without space, `"` and `\`.
fn scope_name_ok(name: &str) -> bool {
    (1..=256).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
}

impl ResourceServer {
    fn state(&self, r: &ResourceServerType, prior: &Value) -> Value {
        let mut st: State = into_state(prior);
        let (pool, identifier) = (r.user_pool_id().unwrap_or_default(), r.identifier().unwrap_or_default());
        st.put("id", format!("{pool}|{identifier}"));
        st.put("user_pool_id", pool);
        st.put("identifier", identifier);
        st.put("name", r.name());
        let scopes = r.scopes();
        st.put(
            "scope",
            Value::List(
                scopes
                    .iter()
                    .map(|s| {
                        map([
                            ("scope_name", Value::string(s.scope_name())),
                            ("scope_description", Value::string(s.scope_description())),
                        ])
                    })
                    .collect::<Vec<_>>()
                    .into(),
            ),
        );
        st.put(
            "scope_identifiers",
            Value::List(
                scopes
                    .iter()
                    .map(|s| Value::string(format!("{identifier}/{}", s.scope_name())))
                    .collect::<Vec<_>>()
                    .into(),
            ),
        );
        finish(&self.schema(), st)
    }

    fn fetch(&self, ctx: &Ctx, pool: &str, identifier: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading Cognito Resource Server ({pool}|{identifier})"),
            ctx.cognito
                .describe_resource_server()
                .user_pool_id(pool)
                .identifier(identifier)
                .send(),
        ))?;
        Ok(out.and_then(|o| o.resource_server().map(|r| self.state(r, prior))))
    }
}

impl ResourceType for ResourceServer {
    fn type_name(&self) -> &'static str {
        "aws_cognito_resource_server"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("user_pool_id", Attribute::required(Type::String).force_new())
            .attr("identifier", Attribute::required(Type::String).force_new())
            .attr("name", Attribute::required(Type::String))
            .block(
                "scope",
                Nesting::Set,
                Schema::new()
                    .attr("scope_name", Attribute::required(Type::String))
                    .attr("scope_description", Attribute::required(Type::String)),
            )
            .attr(
                "scope_identifiers",
                Attribute::computed(Type::List(Box::new(Type::String))),
            )
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut problems = super::check_pool_id(config);
        let items = block_items(config, "scope");
        if items.len() > 100 {
            problems.push(problem("scope", "a resource server has at most 100 scopes"));
        }
        for s in &items {
            if s.get("scope_name").as_str().is_some_and(|n| !scope_name_ok(n)) {
                problems.push(problem(
                    "scope.scope_name",
                    "a scope name is 1 to 256 printable ASCII characters without spaces, quotes or backslashes",
                ));
            }
            if s.get("scope_description")
                .as_str()
                .is_some_and(|d| !(1..=256).contains(&d.chars().count()))
            {
                problems.push(problem(
                    "scope.scope_description",
                    "a scope description is 1 to 256 characters",
                ));
            }
        }
        problems
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        match keys(&proposed) {
            Some((pool, identifier)) => st.put("id", format!("{pool}|{identifier}")),
            None if prior.is_none() => st.put("id", Value::UNKNOWN),
            None => {}
        }
        // The identifiers follow the scopes: known from the configuration when nothing in it is unknown.
        let identifier = proposed.get("identifier");
        let names: Option<Vec<Value>> = if proposed.get("scope").is_unknown() || identifier.is_unknown() {
            None
        } else {
            block_items(&proposed, "scope")
                .iter()
                .map(|s| {
                    let name = s.get("scope_name");
                    name.as_str()
                        .map(|n| Value::string(format!("{}/{n}", identifier.as_str().unwrap_or_default())))
                })
                .collect()
        };
        let unchanged =
            prior.is_some_and(|p| p.get("scope") == proposed.get("scope") && p.get("identifier") == identifier);
        if !unchanged {
            // Cognito lists scopes in its own order: the list is known before apply only when
            // it holds at most one.
            st.put(
                "scope_identifiers",
                names
                    .filter(|n| n.len() <= 1)
                    .map(|n| Value::List(n.into()))
                    .unwrap_or(Value::UNKNOWN),
            );
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (Some((pool, identifier)), Some(name)) = (keys(planned), sref(planned, "name")) else {
            return ApplyOutcome::failed(invalid(
                "creating Cognito Resource Server: user_pool_id, identifier and name must be known",
            ));
        };
        (step.intent)(&format!("{pool}|{identifier}"));
        let made = call(
            ctx,
            &format!("creating Cognito Resource Server ({identifier})"),
            ctx.cognito
                .create_resource_server()
                .user_pool_id(pool)
                .identifier(identifier)
                .name(name)
                .set_scopes(Some(scopes(planned)).filter(|s| !s.is_empty()))
                .send(),
        );
        if let Err(e) = made {
            return ApplyOutcome::failed(e);
        }
        created_outcome(
            &self.schema(),
            planned,
            &[],
            self.fetch(ctx, pool, identifier, planned),
            crate::support::attrs::gone_after_create(format!(
                "Cognito Resource Server ({pool}|{identifier}) is gone after its create"
            )),
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some((pool, identifier)) = keys(prior) else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating Cognito Resource Server: the prior state has no identifier"),
            );
        };
        // UpdateResourceServer replaces the whole server: name and every scope are sent.
        let result = call(
            ctx,
            &format!("updating Cognito Resource Server ({pool}|{identifier})"),
            ctx.cognito
                .update_resource_server()
                .user_pool_id(pool)
                .identifier(identifier)
                .name(planned.get("name").as_str().unwrap_or_default())
                .set_scopes(Some(scopes(planned)))
                .send(),
        )
        .map(drop);
        update_outcome(prior, result, self.fetch(ctx, pool, identifier, planned), || {
            ProviderError::new(
                "ResourceNotFoundException",
                format!("Cognito Resource Server ({pool}|{identifier}) is gone"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some((pool, identifier)) = keys(prior) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting Cognito Resource Server ({pool}|{identifier})"),
            ctx.cognito
                .delete_resource_server()
                .user_pool_id(pool)
                .identifier(identifier)
                .send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match keys(prior) {
            Some((pool, identifier)) => self.fetch(ctx, pool, identifier, prior),
            None => Ok(None),
        }
    }

    /// Import ID: `USER_POOL_ID|IDENTIFIER`.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let (pool, identifier) =
            crate::support::attrs::import_split(id, '|', self.type_name(), "USER_POOL_ID|IDENTIFIER")?;
        self.fetch(ctx, pool, identifier, &map([("user_pool_id", Value::string(pool))]))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn scope_names_are_printable_ascii_without_quotes_or_backslashes() {
        assert!(super::scope_name_ok("read:all"));
        assert!(!super::scope_name_ok("read all"));
        assert!(!super::scope_name_ok("a\"b"));
        assert!(!super::scope_name_ok(""));
    }
}
