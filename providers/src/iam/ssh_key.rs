//! aws_iam_user_ssh_key: an SSH public key of a user (for CodeCommit); only `status` changes
//! in place.

use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, finish, into_state, invalid, sref, Put, State};
use crate::support::error::found;
use aws_sdk_iam::types::{EncodingType, SshPublicKey, StatusType};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct SshKey;

impl SshKey {
    fn get(&self, ctx: &Ctx, user: &str, id: &str, encoding: &str) -> Result<Option<SshPublicKey>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading IAM User SSH Key ({user}:{id})"),
            ctx.iam
                .get_ssh_public_key()
                .user_name(user)
                .ssh_public_key_id(id)
                .encoding(EncodingType::from(encoding))
                .send(),
        ))?;
        Ok(out.and_then(|o| o.ssh_public_key().cloned()))
    }

    fn state(&self, key: &SshPublicKey, encoding: &str, prior: &Value) -> Value {
        let mut st: State = into_state(prior);
        st.put("username", key.user_name());
        st.put("ssh_public_key_id", key.ssh_public_key_id());
        st.put("id", key.ssh_public_key_id());
        st.put("fingerprint", key.fingerprint());
        st.put("status", key.status().as_str());
        st.put("encoding", encoding);
        // IAM answers the key in the encoding asked for; the configured text stays as written.
        if sref(prior, "public_key").is_none() {
            st.put("public_key", key.ssh_public_key_body());
        }
        finish(&self.schema(), st)
    }

    fn set_status(&self, ctx: &Ctx, user: &str, id: &str, status: &str) -> Result<(), ProviderError> {
        call(
            ctx,
            &format!("setting the status of IAM User SSH Key ({user}:{id}) to {status}"),
            ctx.iam
                .update_ssh_public_key()
                .user_name(user)
                .ssh_public_key_id(id)
                .status(StatusType::from(status))
                .send(),
        )
        .map(drop)
    }
}

impl ResourceType for SshKey {
    fn type_name(&self) -> &'static str {
        "aws_iam_user_ssh_key"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("username", Attribute::required(Type::String).force_new())
            .attr("public_key", Attribute::required(Type::String).force_new())
            .attr(
                "encoding",
                Attribute::required(Type::String).force_new().one_of(&["SSH", "PEM"]),
            )
            .attr(
                "status",
                Attribute::optional_computed(Type::String).one_of(&["Active", "Inactive"]),
            )
            .attr("ssh_public_key_id", Attribute::computed(Type::String))
            .attr("fingerprint", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if st.get("status").is_none_or(|v| v.is_null() || v.is_unknown()) {
            st.insert("status".into(), Value::string("Active"));
        }
        if prior.is_none() {
            for key in ["ssh_public_key_id", "fingerprint", "id"] {
                st.insert(key.into(), Value::UNKNOWN);
            }
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (Some(user), Some(body), Some(encoding)) = (
            sref(planned, "username"),
            sref(planned, "public_key"),
            sref(planned, "encoding"),
        ) else {
            return ApplyOutcome::failed(invalid(
                "uploading IAM User SSH Key: username, public_key and encoding must be known",
            ));
        };
        // Uploading the same key again is refused (DuplicateSSHPublicKey): nothing is made twice.
        let _ = step;
        let made = call(
            ctx,
            &format!("uploading IAM User SSH Key for user {user}"),
            ctx.iam
                .upload_ssh_public_key()
                .user_name(user)
                .ssh_public_key_body(body)
                .send(),
        );
        let key = match made.map(|o| o.ssh_public_key().cloned()) {
            Ok(Some(key)) => key,
            Ok(None) => {
                return ApplyOutcome::failed(ProviderError::new(
                    "InvalidResponse",
                    format!("uploading IAM User SSH Key for user {user}: IAM returned no key"),
                ))
            }
            Err(e) => return ApplyOutcome::failed(e),
        };
        let state = self.state(&key, encoding, planned);
        let id = key.ssh_public_key_id().to_string();
        if sref(planned, "status") == Some("Inactive") {
            if let Err(e) = self.set_status(ctx, user, &id, "Inactive") {
                return ApplyOutcome::partial(state, e);
            }
            let mut st = into_state(&state);
            st.put("status", "Inactive");
            return ApplyOutcome::Done(Value::Map(st.into()));
        }
        ApplyOutcome::Done(state)
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let (user, id) = (
            sref(prior, "username").unwrap_or_default(),
            sref(prior, "ssh_public_key_id").unwrap_or_default(),
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
        let (Some(user), Some(id)) = (sref(prior, "username"), sref(prior, "ssh_public_key_id")) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting IAM User SSH Key ({user}:{id})"),
            ctx.iam
                .delete_ssh_public_key()
                .user_name(user)
                .ssh_public_key_id(id)
                .send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let (Some(user), Some(id)) = (sref(prior, "username"), sref(prior, "ssh_public_key_id")) else {
            return Ok(None);
        };
        let encoding = sref(prior, "encoding").unwrap_or("SSH");
        Ok(self
            .get(ctx, user, id, encoding)?
            .map(|k| self.state(&k, encoding, prior)))
    }

    /// Import ID: `USERNAME:SSH_PUBLIC_KEY_ID:ENCODING`.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let parts: Vec<&str> = id.split(':').collect();
        let [user, key, encoding] = parts[..] else {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!("import ID {id:?} of aws_iam_user_ssh_key: write it as USERNAME:SSH_PUBLIC_KEY_ID:ENCODING (SSH or PEM)"),
            ));
        };
        Ok(self
            .get(ctx, user, key, encoding)?
            .map(|k| self.state(&k, encoding, &Value::Null)))
    }
}
