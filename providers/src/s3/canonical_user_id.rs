//! `data "aws_canonical_user_id"`: the account's canonical user ID, which S3 ACL grants name.

use crate::resource::Ctx;
use crate::resource::DataType;
use crate::s3::string_type;
use crate::support::attrs::{call, finish};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct CanonicalUserId;

impl DataType for CanonicalUserId {
    fn type_name(&self) -> &'static str {
        "aws_canonical_user_id"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(string_type()))
            .attr("display_name", Attribute::computed(string_type()))
    }

    fn read(&self, ctx: &Ctx, _config: &Value) -> Result<Value, ProviderError> {
        let out = call(
            ctx,
            "reading the canonical user ID (ListBuckets)",
            ctx.s3.list_buckets().send(),
        )?;
        let owner = out.owner().ok_or_else(|| {
            ProviderError::new(
                "NotFound",
                "reading the canonical user ID: ListBuckets named no owner; the credentials may lack s3:ListAllMyBuckets",
            )
        })?;
        let mut m = BTreeMap::new();
        m.insert("id".to_string(), owner.id().map(Value::from).into());
        m.insert("display_name".to_string(), owner.display_name().map(Value::from).into());
        Ok(finish(&self.schema(), m))
    }
}
