//! S3 Control: `aws_s3_account_public_access_block`, the account-wide switch that blocks
//! public access to every bucket, whatever each bucket's own settings say.

use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, default_to, finish, into_state, invalid, sref, State};
use crate::support::error::found;
use aws_sdk_s3control::types::PublicAccessBlockConfiguration;
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

/// Every S3 Control resource type.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![Box::new(AccountPublicAccessBlock)]
}

const FLAGS: [&str; 4] = [
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
];

struct AccountPublicAccessBlock;

impl AccountPublicAccessBlock {
    /// The account the block belongs to: the configured one, else the credentials'.
    fn account(&self, ctx: &Ctx, value: &Value) -> Result<String, ProviderError> {
        match sref(value, "account_id") {
            Some(a) => Ok(a.to_string()),
            None => ctx.caller_account().map(|(account, _)| account),
        }
    }

    fn fetch(&self, ctx: &Ctx, account: &str) -> Result<Option<Value>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading S3 Account Public Access Block ({account})"),
            ctx.s3control.get_public_access_block().account_id(account).send(),
        ))?;
        let Some(c) = out.and_then(|o| o.public_access_block_configuration().cloned()) else {
            return Ok(None);
        };
        let mut st = State::new();
        st.insert("account_id".into(), Value::string(account));
        st.insert("id".into(), Value::string(account));
        let values = [
            c.block_public_acls(),
            c.block_public_policy(),
            c.ignore_public_acls(),
            c.restrict_public_buckets(),
        ];
        for (flag, value) in FLAGS.iter().zip(values) {
            st.insert((*flag).to_string(), Value::Bool(value.unwrap_or(false)));
        }
        Ok(Some(finish(&self.schema(), st)))
    }

    fn put(&self, ctx: &Ctx, account: &str, planned: &Value) -> Result<(), ProviderError> {
        let flag = |name: &str| planned.get(name).as_bool().unwrap_or(false);
        let configuration = PublicAccessBlockConfiguration::builder()
            .block_public_acls(flag("block_public_acls"))
            .block_public_policy(flag("block_public_policy"))
            .ignore_public_acls(flag("ignore_public_acls"))
            .restrict_public_buckets(flag("restrict_public_buckets"))
            .build();
        call(
            ctx,
            &format!("putting S3 Account Public Access Block ({account})"),
            ctx.s3control
                .put_public_access_block()
                .account_id(account)
                .public_access_block_configuration(configuration)
                .send(),
        )
        .map(|_| ())
    }

    fn applied(&self, ctx: &Ctx, account: &str, planned: &Value) -> ApplyOutcome {
        if let Err(e) = self.put(ctx, account, planned) {
            return ApplyOutcome::failed(e);
        }
        match self.fetch(ctx, account) {
            Ok(Some(state)) => ApplyOutcome::Done(state),
            Ok(None) => ApplyOutcome::failed(ProviderError::new(
                "NotFound",
                format!("putting S3 Account Public Access Block ({account}): not found after putting it"),
            )),
            Err(e) => {
                let mut st = into_state(planned);
                st.insert("account_id".into(), Value::string(account));
                st.insert("id".into(), Value::string(account));
                ApplyOutcome::partial(finish(&self.schema(), st), e)
            }
        }
    }
}

impl ResourceType for AccountPublicAccessBlock {
    fn type_name(&self) -> &'static str {
        "aws_s3_account_public_access_block"
    }

    fn schema(&self) -> Schema {
        let mut schema = Schema::new()
            .attr("account_id", Attribute::optional_computed(Type::String).force_new())
            .attr("id", Attribute::computed(Type::String));
        for flag in FLAGS {
            schema = schema.attr(flag, Attribute::optional_computed(Type::Bool));
        }
        schema
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        for flag in FLAGS {
            default_to(&mut st, flag, Value::Bool(false));
        }
        if prior.is_none() {
            let id = st.get("account_id").cloned().unwrap_or(Value::UNKNOWN);
            st.insert("id".into(), if id.is_null() { Value::UNKNOWN } else { id });
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let account = match self.account(ctx, planned) {
            Ok(a) => a,
            Err(e) => return ApplyOutcome::failed(e),
        };
        (step.intent)(&account);
        self.applied(ctx, &account, planned)
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(account) = sref(prior, "account_id").or_else(|| sref(prior, "id")) else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating S3 Account Public Access Block: the state has no account ID"),
            );
        };
        match self.applied(ctx, account, planned) {
            // The prior state stands when the change left nothing new to record.
            ApplyOutcome::Failed { recorded: None, error } => ApplyOutcome::partial(prior.clone(), error),
            ApplyOutcome::Gone => ApplyOutcome::Done(prior.clone()),
            outcome => outcome,
        }
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(account) = sref(prior, "account_id").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting S3 Account Public Access Block ({account})"),
            ctx.s3control.delete_public_access_block().account_id(account).send(),
        ))
        .map(|_| ())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(account) = sref(prior, "account_id").or_else(|| sref(prior, "id")) else {
            return Ok(None);
        };
        self.fetch(ctx, account)
    }

    /// Import ID: the account ID.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id)
    }
}
