//! aws_iam_access_key: an access key of a user. Its secret exists only in the create's answer:
//! kept in state as a sensitive value, or, with `pgp_key`, only encrypted to the user's OpenPGP
//! key, as in Terraform; the SES SMTP password derived from it is kept the same way. Only
//! `status` changes in place.

use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, finish, into_state, sref, Put, State};
use crate::support::error::found;
use aws_sdk_iam::types::{AccessKeyMetadata, StatusType};
use base64::Engine;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use sha2::{Digest, Sha256};

pub(super) struct AccessKey;

/// HMAC-SHA256 (RFC 2104).
fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(message).finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// The SES SMTP password of a secret access key in `region`: AWS's documented derivation (a
/// SigV4 signing key for `SendRawEmail`, after a version byte 4).
pub(crate) fn ses_smtp_password_v4(secret: &str, region: &str) -> String {
    let mut signature = hmac(format!("AWS4{secret}").as_bytes(), b"11111111");
    for part in [region, "ses", "aws4_request", "SendRawEmail"] {
        signature = hmac(&signature, part.as_bytes());
    }
    let mut bytes = vec![0x04];
    bytes.extend_from_slice(&signature);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

impl AccessKey {
    /// The key's metadata, found among its user's keys.
    fn find(&self, ctx: &Ctx, user: &str, id: &str) -> Result<Option<AccessKeyMetadata>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading IAM Access Key ({id})"),
            ctx.iam.list_access_keys().user_name(user).send(),
        ))?;
        Ok(out.and_then(|o| {
            o.access_key_metadata()
                .iter()
                .find(|k| k.access_key_id() == Some(id))
                .cloned()
        }))
    }

    fn state(&self, key: &AccessKeyMetadata, prior: &Value) -> Value {
        let mut st: State = into_state(prior);
        st.put("id", key.access_key_id());
        st.put("user", key.user_name());
        st.put("status", key.status().map(|s| s.as_str()).unwrap_or("Active"));
        st.put(
            "create_date",
            key.create_date()
                .and_then(|d| d.fmt(aws_smithy_types::date_time::Format::DateTime).ok()),
        );
        finish(&self.schema(), st)
    }

    fn set_status(&self, ctx: &Ctx, user: &str, id: &str, status: &str) -> Result<(), ProviderError> {
        call(
            ctx,
            &format!("setting the status of IAM Access Key ({id}) to {status}"),
            ctx.iam
                .update_access_key()
                .user_name(user)
                .access_key_id(id)
                .status(StatusType::from(status))
                .send(),
        )
        .map(drop)
    }
}

impl ResourceType for AccessKey {
    fn type_name(&self) -> &'static str {
        "aws_iam_access_key"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("user", Attribute::required(Type::String).force_new())
            .attr("pgp_key", Attribute::optional(Type::String).force_new())
            .attr(
                "status",
                Attribute::optional_computed(Type::String).one_of(&["Active", "Inactive"]),
            )
            .attr("id", Attribute::computed(Type::String))
            .attr("create_date", Attribute::computed(Type::String))
            .attr("secret", Attribute::computed(Type::String).sensitive())
            .attr("ses_smtp_password_v4", Attribute::computed(Type::String).sensitive())
            .attr("encrypted_secret", Attribute::computed(Type::String))
            .attr("encrypted_ses_smtp_password_v4", Attribute::computed(Type::String))
            .attr("key_fingerprint", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        crate::support::pgp::problem(config).into_iter().collect()
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if st.get("status").is_none_or(|v| v.is_null() || v.is_unknown()) {
            st.insert("status".into(), Value::string("Active"));
        }
        if prior.is_none() {
            // With a pgp_key only the encrypted secrets are kept, as in Terraform.
            let encrypted = !proposed.get("pgp_key").is_null();
            let (clear, sealed) = match encrypted {
                true => (Value::Null, Value::UNKNOWN),
                false => (Value::UNKNOWN, Value::Null),
            };
            for key in ["secret", "ses_smtp_password_v4"] {
                st.insert(key.into(), clear.clone());
            }
            for key in ["encrypted_secret", "encrypted_ses_smtp_password_v4", "key_fingerprint"] {
                st.insert(key.into(), sealed.clone());
            }
            st.insert("id".into(), Value::UNKNOWN);
            st.insert("create_date".into(), Value::UNKNOWN);
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(user) = sref(planned, "user") else {
            return ApplyOutcome::failed(crate::support::attrs::invalid(
                "creating IAM Access Key: user must be known",
            ));
        };
        // The key is checked before the access key exists: a key that cannot be used stops it.
        let pgp = match sref(planned, "pgp_key").map(crate::support::pgp::public_key) {
            None => None,
            Some(Ok(key)) => Some(key),
            Some(Err(message)) => return ApplyOutcome::failed(ProviderError::new("InvalidInput", message)),
        };
        // No intent is recorded: a key adopted after an interrupted create would come without
        // its secret, which only the lost answer held; the key is left for IAM's list instead.
        let _ = step;
        let made = call(
            ctx,
            &format!("creating IAM Access Key for user {user}"),
            ctx.iam.create_access_key().user_name(user).send(),
        );
        let key = match made.map(|o| o.access_key().cloned()) {
            Ok(Some(key)) => key,
            Ok(None) => {
                return ApplyOutcome::failed(ProviderError::new(
                    "InvalidResponse",
                    format!("creating IAM Access Key for user {user}: IAM returned no key"),
                ))
            }
            Err(e) => return ApplyOutcome::failed(e),
        };
        let id = key.access_key_id().to_string();
        let secret = key.secret_access_key().to_string();
        let smtp = ses_smtp_password_v4(&secret, &ctx.region);
        let mut st = into_state(planned);
        st.put("id", id.as_str());
        st.put("user", user);
        st.put(
            "create_date",
            key.create_date()
                .and_then(|d| d.fmt(aws_smithy_types::date_time::Format::DateTime).ok()),
        );
        match pgp {
            Some(pgp) => {
                let sealed = crate::support::pgp::encrypt(&pgp, secret.as_bytes())
                    .and_then(|(s, f)| crate::support::pgp::encrypt(&pgp, smtp.as_bytes()).map(|(m, _)| (s, m, f)));
                match sealed {
                    Ok((secret, smtp, fingerprint)) => {
                        st.put("secret", Value::Null);
                        st.put("ses_smtp_password_v4", Value::Null);
                        st.put("encrypted_secret", secret);
                        st.put("encrypted_ses_smtp_password_v4", smtp);
                        st.put("key_fingerprint", fingerprint);
                    }
                    // The key exists but its secret cannot be kept: delete it rather than leave
                    // a key no one can use.
                    Err(message) => {
                        let _ = ctx.block_on(ctx.iam.delete_access_key().user_name(user).access_key_id(&id).send());
                        return ApplyOutcome::failed(ProviderError::new("InvalidInput", message));
                    }
                }
            }
            None => {
                st.put("secret", Value::string(secret).mark_sensitive());
                st.put("ses_smtp_password_v4", Value::string(smtp).mark_sensitive());
                for key in ["encrypted_secret", "encrypted_ses_smtp_password_v4", "key_fingerprint"] {
                    st.put(key, Value::Null);
                }
            }
        }
        let state = finish(&self.schema(), st);
        if sref(planned, "status") == Some("Inactive") {
            if let Err(e) = self.set_status(ctx, user, &id, "Inactive") {
                return ApplyOutcome::partial(state, e);
            }
        }
        ApplyOutcome::Done(state)
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let (user, id) = (
            sref(prior, "user").unwrap_or_default(),
            sref(prior, "id").unwrap_or_default(),
        );
        let status = sref(planned, "status").unwrap_or("Active");
        match self.set_status(ctx, user, id, status) {
            Ok(()) => {
                let mut st = into_state(prior);
                st.put("status", status);
                ApplyOutcome::Done(Value::Map(st.into()))
            }
            Err(e) => ApplyOutcome::partial(prior.clone(), e),
        }
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let (Some(user), Some(id)) = (sref(prior, "user"), sref(prior, "id")) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting IAM Access Key ({id})"),
            ctx.iam.delete_access_key().user_name(user).access_key_id(id).send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let (Some(user), Some(id)) = (sref(prior, "user"), sref(prior, "id")) else {
            return Ok(None);
        };
        Ok(self.find(ctx, user, id)?.map(|k| self.state(&k, prior)))
    }

    /// Import ID: the access key ID (its user is looked up); the secret is not imported.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let used = found(call(
            ctx,
            &format!("finding the user of IAM Access Key ({id})"),
            ctx.iam.get_access_key_last_used().access_key_id(id).send(),
        ))?;
        let Some(user) = used.and_then(|u| u.user_name().map(str::to_string)) else {
            return Ok(None);
        };
        Ok(self.find(ctx, &user, id)?.map(|k| self.state(&k, &Value::Null)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smtp_password_is_awss_documented_derivation() {
        // RFC 4231 test case 2 checks the HMAC the derivation is built from.
        let mac = hmac(b"Jefe", b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        // A password starts with the version byte 4 and holds the 32-byte signature.
        let password = ses_smtp_password_v4("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&password)
            .expect("base64");
        assert_eq!(bytes.len(), 33);
        assert_eq!(bytes[0], 4);
        assert_ne!(
            password,
            ses_smtp_password_v4("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "eu-west-1"),
            "the region is part of it"
        );
    }
}
