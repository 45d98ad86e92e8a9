//! aws_cognito_identity_provider: a federated identity provider of a user pool (SAML, OIDC,
//! Google, Facebook, Login with Amazon, Sign in with Apple) and how its claims map to the
//! pool's attributes.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    both, call, created_outcome, finish, into_state, invalid, list_of_strings, map_of_strings, map_value, problem,
    sref, string_list, string_map, Put, State,
};
use crate::support::error::found;
use aws_sdk_cognitoidentityprovider::types::{IdentityProviderType, IdentityProviderTypeType};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::{map, Value};
use std::collections::{BTreeMap, HashMap};

pub(super) struct IdentityProvider;

const TYPES: &[&str] = &[
    "SAML",
    "Facebook",
    "Google",
    "LoginWithAmazon",
    "SignInWithApple",
    "OIDC",
];

fn keys(value: &Value) -> Option<(&str, &str)> {
    both(value, "user_pool_id", "provider_name")
}

fn hash_map(value: &Value) -> HashMap<String, String> {
    string_map(value).into_iter().collect()
}

/// An IdP identifier as Cognito allows them: 1 to 40 word characters, spaces, `+=.@-`.
fn identifier_ok(id: &str) -> bool {
    (1..=40).contains(&id.chars().count())
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c.is_whitespace() || "+=.@-".contains(c))
}

impl IdentityProvider {
    fn state(&self, p: &IdentityProviderType, prior: &Value) -> Value {
        let mut st: State = into_state(prior);
        let (pool, name) = (
            p.user_pool_id().unwrap_or_default(),
            p.provider_name().unwrap_or_default(),
        );
        st.put("id", format!("{pool}:{name}"));
        st.put("user_pool_id", pool);
        st.put("provider_name", name);
        st.put("provider_type", p.provider_type().map(|t| t.as_str()));
        let sorted = |m: Option<&HashMap<String, String>>| -> BTreeMap<String, String> {
            m.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default()
        };
        // As in the AWS provider, the details are what Cognito answers, keys it adds included
        // (a SAML provider's `ActiveEncryptionCertificate`, an OIDC provider's discovered URLs).
        st.put("provider_details", map_value(&sorted(p.provider_details())));
        st.put("attribute_mapping", map_value(&sorted(p.attribute_mapping())));
        let ids = p.idp_identifiers();
        st.put(
            "idp_identifiers",
            if ids.is_empty() && prior.get("idp_identifiers").is_null() {
                Value::Null
            } else {
                Value::List(ids.iter().map(Value::string).collect::<Vec<_>>().into())
            },
        );
        finish(&self.schema(), st)
    }

    fn fetch(&self, ctx: &Ctx, pool: &str, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading Cognito Identity Provider ({pool}:{name})"),
            ctx.cognito
                .describe_identity_provider()
                .user_pool_id(pool)
                .provider_name(name)
                .send(),
        ))?;
        Ok(out.and_then(|o| o.identity_provider().map(|p| self.state(p, prior))))
    }
}

impl ResourceType for IdentityProvider {
    fn type_name(&self) -> &'static str {
        "aws_cognito_identity_provider"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("user_pool_id", Attribute::required(Type::String).force_new())
            .attr("provider_name", Attribute::required(Type::String).force_new())
            .attr(
                "provider_type",
                Attribute::required(Type::String).force_new().one_of(TYPES),
            )
            .attr("provider_details", Attribute::required(map_of_strings()))
            .attr("attribute_mapping", Attribute::optional_computed(map_of_strings()))
            .attr("idp_identifiers", Attribute::optional(list_of_strings()))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut problems = super::check_pool_id(config);
        if config
            .get("provider_name")
            .as_str()
            .is_some_and(|n| !(1..=32).contains(&n.chars().count()))
        {
            problems.push(problem("provider_name", "a provider name is 1 to 32 characters"));
        }
        let ids = config.get("idp_identifiers");
        if let Some(list) = ids.as_list() {
            if list.len() > 50 {
                problems.push(problem("idp_identifiers", "a provider has at most 50 identifiers"));
            }
            for id in list.iter().filter_map(Value::as_str) {
                if !identifier_ok(id) {
                    problems.push(problem(
                        "idp_identifiers",
                        format!("{id:?} is not an identifier: 1 to 40 letters, digits, spaces or _+=.@-"),
                    ));
                }
            }
        }
        problems
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        match keys(&proposed) {
            Some((pool, name)) => st.put("id", format!("{pool}:{name}")),
            None if prior.is_none() => st.put("id", Value::UNKNOWN),
            None => {}
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (Some((pool, name)), Some(kind)) = (keys(planned), sref(planned, "provider_type")) else {
            return ApplyOutcome::failed(invalid(
                "creating Cognito Identity Provider: user_pool_id, provider_name and provider_type must be known",
            ));
        };
        (step.intent)(&format!("{pool}:{name}"));
        let mapping = hash_map(&planned.get("attribute_mapping"));
        let ids = string_list(&planned.get("idp_identifiers"));
        let made = call(
            ctx,
            &format!("creating Cognito Identity Provider ({pool}:{name})"),
            ctx.cognito
                .create_identity_provider()
                .user_pool_id(pool)
                .provider_name(name)
                .provider_type(IdentityProviderTypeType::from(kind))
                .set_provider_details(Some(hash_map(&planned.get("provider_details"))))
                .set_attribute_mapping((!mapping.is_empty()).then_some(mapping))
                .set_idp_identifiers((!ids.is_empty()).then_some(ids))
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
                "Cognito Identity Provider ({pool}:{name}) is gone after its create"
            )),
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some((pool, name)) = keys(prior) else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating Cognito Identity Provider: the prior state has no provider_name"),
            );
        };
        let changed = |key: &str| prior.get(key) != planned.get(key);
        // The certificate Cognito adds to a SAML provider's details is its own to rotate: it
        // is not sent back.
        let details = changed("provider_details").then(|| {
            let mut d = hash_map(&planned.get("provider_details"));
            d.remove("ActiveEncryptionCertificate");
            d
        });
        let result = call(
            ctx,
            &format!("updating Cognito Identity Provider ({pool}:{name})"),
            ctx.cognito
                .update_identity_provider()
                .user_pool_id(pool)
                .provider_name(name)
                .set_provider_details(details)
                .set_attribute_mapping(
                    changed("attribute_mapping").then(|| hash_map(&planned.get("attribute_mapping"))),
                )
                .set_idp_identifiers(changed("idp_identifiers").then(|| string_list(&planned.get("idp_identifiers"))))
                .send(),
        )
        .map(drop);
        update_outcome(prior, result, self.fetch(ctx, pool, name, planned), || {
            ProviderError::new(
                "ResourceNotFoundException",
                format!("Cognito Identity Provider ({pool}:{name}) is gone"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some((pool, name)) = keys(prior) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting Cognito Identity Provider ({pool}:{name})"),
            ctx.cognito
                .delete_identity_provider()
                .user_pool_id(pool)
                .provider_name(name)
                .send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match keys(prior) {
            Some((pool, name)) => self.fetch(ctx, pool, name, prior),
            None => Ok(None),
        }
    }

    /// Import ID: `USER_POOL_ID:PROVIDER_NAME`.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let (pool, name) = crate::support::attrs::import_pair(id, self.type_name(), "USER_POOL_ID:PROVIDER_NAME")?;
        self.fetch(ctx, pool, name, &map([("user_pool_id", Value::string(pool))]))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn identifiers_as_cognito_allows_them() {
        assert!(super::identifier_ok("corp.example.com"));
        assert!(!super::identifier_ok("a/b"));
        assert!(!super::identifier_ok(""));
    }
}
