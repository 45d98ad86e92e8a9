//! `data "aws_partition"`: the partition, DNS suffix and reverse DNS prefix of the region.

use crate::resource::{Ctx, DataType};
use crate::support::attrs::finish;
use crate::support::partition::partition_of;
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct Partition;

impl DataType for Partition {
    fn type_name(&self) -> &'static str {
        "aws_partition"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("partition", Attribute::computed(Type::String))
            .attr("dns_suffix", Attribute::computed(Type::String))
            .attr("reverse_dns_prefix", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn read(&self, ctx: &Ctx, _config: &Value) -> Result<Value, ProviderError> {
        let (partition, dns_suffix, reverse) = partition_of(&ctx.region);
        let mut m = BTreeMap::new();
        m.insert("partition".to_string(), Value::string(partition));
        m.insert("id".to_string(), Value::string(partition));
        m.insert("dns_suffix".to_string(), Value::string(dns_suffix));
        m.insert("reverse_dns_prefix".to_string(), Value::string(reverse));
        Ok(finish(&self.schema(), m))
    }
}
