//! Cognito user pools: the pool, its app clients, domain, federated identity providers,
//! groups and OAuth resource servers.

use crate::resource::ResourceType;
use crate::support::attrs::problem;
use engine::core::provider::ValidateProblem;
use engine::core::value::Value;

mod client;
mod domain;
mod group;
mod identity_provider;
mod pool;
mod pool_request;
mod pool_rules;
mod pool_state;
#[cfg(test)]
mod replayed;
mod resource_server;

/// Every Cognito user pool resource type.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(pool::UserPool),
        Box::new(client::UserPoolClient),
        Box::new(domain::UserPoolDomain),
        Box::new(identity_provider::IdentityProvider),
        Box::new(group::UserGroup),
        Box::new(resource_server::ResourceServer),
    ]
}

/// A user pool ID as Cognito makes them: the region, `_`, then letters and digits.
fn pool_id_ok(id: &str) -> bool {
    match id.split_once('_') {
        Some((region, rest)) => {
            !region.is_empty()
                && region.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
                && !rest.is_empty()
                && rest.chars().all(|c| c.is_ascii_alphanumeric())
        }
        None => false,
    }
}

/// `user_pool_id`, when known, must look like one.
fn check_pool_id(config: &Value) -> Vec<ValidateProblem> {
    match config.get("user_pool_id").as_str() {
        Some(id) if !pool_id_ok(id) => vec![problem(
            "user_pool_id",
            format!("{id:?} is not a user pool ID: it is the region, an underscore, then letters and digits (us-east-1_AbC123)"),
        )],
        _ => Vec::new(),
    }
}

/// `key`, when known and not empty, must be an ARN.
fn check_arn(config: &Value, key: &str) -> Vec<ValidateProblem> {
    match config.get(key).as_str() {
        Some(arn) if !arn.is_empty() && crate::support::arn::parts(arn).is_none() => {
            vec![problem(
                key,
                format!("{arn:?} is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)"),
            )]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn pool_ids_are_a_region_and_letters() {
        assert!(super::pool_id_ok("us-east-1_AbC123"));
        assert!(!super::pool_id_ok("us-east-1"));
        assert!(!super::pool_id_ok("us-east-1_a-b"));
    }
}
