//! `data "aws_kms_key"` and `data "aws_kms_alias"`: an existing key (by ID, ARN or alias) and an
//! alias, such as the customer managed key a subscriber's bucket is encrypted with.

use crate::kms::{describe_key, find_alias};
use crate::resource::{Ctx, DataType};
use crate::support::attrs::{finish, sref, State};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct KeyData;

impl DataType for KeyData {
    fn type_name(&self) -> &'static str {
        "aws_kms_key"
    }

    fn schema(&self) -> Schema {
        let mut s = Schema::new().attr("key_id", Attribute::required(Type::String));
        for computed in [
            "id",
            "arn",
            "aws_account_id",
            "description",
            "key_state",
            "key_usage",
            "key_manager",
            "customer_master_key_spec",
            "key_spec",
            "origin",
            "creation_date",
        ] {
            s = s.attr(computed, Attribute::computed(Type::String));
        }
        s.attr("enabled", Attribute::computed(Type::Bool))
            .attr("multi_region", Attribute::computed(Type::Bool))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let key_id = sref(config, "key_id").unwrap_or_default().to_string();
        let meta = describe_key(ctx, &key_id)?.ok_or_else(|| {
            ProviderError::new(
                "NotFoundException",
                format!("no KMS key {key_id:?} (ID, ARN, alias/NAME or alias ARN)"),
            )
        })?;
        let text = |v: Option<&str>| v.map(Value::string).unwrap_or(Value::Null);
        let mut st = State::new();
        st.insert("key_id".into(), Value::string(&key_id));
        st.insert("id".into(), Value::string(meta.key_id()));
        st.insert("arn".into(), text(meta.arn()));
        st.insert("aws_account_id".into(), text(meta.aws_account_id()));
        st.insert("description".into(), text(meta.description()));
        st.insert("key_state".into(), text(meta.key_state().map(|s| s.as_str())));
        st.insert("key_usage".into(), text(meta.key_usage().map(|s| s.as_str())));
        st.insert("key_manager".into(), text(meta.key_manager().map(|s| s.as_str())));
        st.insert("key_spec".into(), text(meta.key_spec().map(|s| s.as_str())));
        st.insert(
            "customer_master_key_spec".into(),
            text(meta.key_spec().map(|s| s.as_str())),
        );
        st.insert("origin".into(), text(meta.origin().map(|s| s.as_str())));
        st.insert(
            "creation_date".into(),
            meta.creation_date()
                .map(crate::support::dates::rfc3339)
                .unwrap_or(Value::Null),
        );
        st.insert("enabled".into(), Value::Bool(meta.enabled()));
        st.insert("multi_region".into(), Value::Bool(meta.multi_region().unwrap_or(false)));
        Ok(finish(&self.schema(), st))
    }
}

pub(super) struct AliasData;

impl DataType for AliasData {
    fn type_name(&self) -> &'static str {
        "aws_kms_alias"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("target_key_id", Attribute::computed(Type::String))
            .attr("target_key_arn", Attribute::computed(Type::String))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let name = sref(config, "name").unwrap_or_default().to_string();
        let entry = find_alias(ctx, &name)?
            .ok_or_else(|| ProviderError::new("NotFoundException", format!("no KMS alias {name:?}")))?;
        let mut st = State::new();
        st.insert("name".into(), Value::string(&name));
        st.insert("id".into(), Value::string(&entry.arn));
        st.insert("arn".into(), Value::string(&entry.arn));
        st.insert("target_key_id".into(), Value::string(&entry.target_key_id));
        let key_arn = match entry.arn.rsplit_once(":alias/") {
            Some((base, _)) => Value::string(format!("{base}:key/{}", entry.target_key_id)),
            None => Value::Null,
        };
        st.insert("target_key_arn".into(), key_arn);
        Ok(finish(&self.schema(), st))
    }
}
