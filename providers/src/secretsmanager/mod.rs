//! Secrets Manager: secrets, their values (versions) and their resource policies.

use crate::resource::{Ctx, ResourceType};
use crate::support::attrs::call;
use crate::support::error::found;
use engine::core::provider::ProviderError;

mod ephemeral;
#[cfg(test)]
mod replayed;
mod replicas;
mod rotation;
mod secret;
mod secret_policy;
mod secret_version;

/// Every Secrets Manager resource type.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(secret::Secret),
        Box::new(secret_version::SecretVersion),
        Box::new(secret_policy::SecretPolicy),
        Box::new(rotation::SecretRotation),
    ]
}

/// Every Secrets Manager ephemeral resource type.
pub(crate) fn ephemeral_resources() -> Vec<Box<dyn crate::resource::DataType>> {
    vec![
        Box::new(ephemeral::RandomPassword),
        Box::new(ephemeral::SecretVersionValue),
    ]
}

/// A version's value as state and references hold it: `secret_string`, and `secret_binary`
/// base64-encoded, both sensitive (null where the version has none).
fn secret_value(
    out: &aws_sdk_secretsmanager::operation::get_secret_value::GetSecretValueOutput,
) -> (engine::core::value::Value, engine::core::value::Value) {
    use base64::Engine as _;
    use engine::core::value::Value;
    let string = out.secret_string().map(|s| Value::string(s).mark_sensitive());
    let binary = out
        .secret_binary()
        .map(|b| Value::string(base64::engine::general_purpose::STANDARD.encode(b.as_ref())).mark_sensitive());
    (string.unwrap_or(Value::Null), binary.unwrap_or(Value::Null))
}

/// A secret's resource policy; `None` when it has none (or the secret is gone).
fn resource_policy(ctx: &Ctx, secret: &str) -> Result<Option<String>, ProviderError> {
    let out = found(call(
        ctx,
        &format!("reading the policy of Secrets Manager Secret ({secret})"),
        ctx.secretsmanager.get_resource_policy().secret_id(secret).send(),
    ))?;
    Ok(out
        .and_then(|o| o.resource_policy().map(str::to_string))
        .filter(|p| !p.is_empty()))
}

/// Sets a secret's resource policy, or deletes it (`None`).
fn put_resource_policy(
    ctx: &Ctx,
    secret: &str,
    policy: Option<&str>,
    block_public: Option<bool>,
) -> Result<(), ProviderError> {
    let op = format!("setting the policy of Secrets Manager Secret ({secret})");
    match policy {
        Some(policy) => call(
            ctx,
            &op,
            ctx.secretsmanager
                .put_resource_policy()
                .secret_id(secret)
                .resource_policy(policy)
                .set_block_public_policy(block_public)
                .send(),
        )
        .map(drop),
        None => found(call(
            ctx,
            &op,
            ctx.secretsmanager.delete_resource_policy().secret_id(secret).send(),
        ))
        .map(drop),
    }
}
