//! The `null` provider, as public modules use it: `null_resource` (an object with nothing
//! behind it, replaced when its `triggers` change, which modules use to order steps and to run
//! provisioners) and the `null_data_source` data source (its `inputs` again as `outputs`).
//!
//! As in Terraform's null provider, a resource's `id` is a random decimal number drawn at
//! create, a read keeps what state has, and an import takes any ID.

use engine::core::provider::{
    ApplyRequest, ApplyResponse, ImportRequest, PlanRequest, PlanResponse, Provider, ProviderError, ReadDataRequest,
    ReadRequest,
};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

/// The provider name.
pub const NAME: &str = "null";

const RESOURCE: &str = "null_resource";
const DATA_SOURCE: &str = "null_data_source";

/// The provider block takes nothing.
pub fn config_schema() -> Schema {
    Schema::new()
}

fn string_map() -> Type {
    Type::Map(Box::new(Type::String))
}

/// Resource type schemas.
pub fn resource_schema(type_name: &str) -> Option<Schema> {
    (type_name == RESOURCE).then(|| {
        Schema::new()
            .attr("triggers", Attribute::optional(string_map()).force_new())
            .attr("id", Attribute::computed(Type::String))
    })
}

/// Every resource type.
pub fn resource_types() -> Vec<String> {
    vec![RESOURCE.to_string()]
}

/// Data source schemas.
pub fn data_schema(type_name: &str) -> Option<Schema> {
    (type_name == DATA_SOURCE).then(|| {
        Schema::new()
            .attr("inputs", Attribute::optional(string_map()))
            .attr("outputs", Attribute::computed(string_map()))
            .attr("has_computed_default", Attribute::optional_computed(Type::String))
            .attr("random", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    })
}

/// Every data source type.
pub fn data_types() -> Vec<String> {
    vec![DATA_SOURCE.to_string()]
}

/// Builds the provider (no configuration).
pub fn configure(_: &Value) -> Result<std::sync::Arc<dyn Provider>, ProviderError> {
    Ok(std::sync::Arc::new(Null))
}

struct Null;

fn invalid(message: impl Into<String>) -> ProviderError {
    ProviderError::new("InvalidArgument", message)
}

/// A random non-negative 63-bit number in decimal, as Go's `rand.Int()` gives the provider.
fn random_decimal() -> Result<String, ProviderError> {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).map_err(|e| invalid(format!("no randomness available: {e}")))?;
    Ok((u64::from_le_bytes(bytes) >> 1).to_string())
}

impl Provider for Null {
    fn plan(&self, req: PlanRequest<'_>) -> Result<PlanResponse, ProviderError> {
        Ok(PlanResponse::planned(req.proposed.clone()))
    }

    fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        let result = match (req.prior, req.planned) {
            (_, None) => Ok(None),
            (None, Some(planned)) => random_decimal().map(|id| {
                let mut m = planned.as_map().cloned().unwrap_or_default();
                m.insert("id".into(), Value::string(id));
                Some(Value::Map(m.into()))
            }),
            // `triggers` forces a new object; nothing is left to update.
            (Some(prior), Some(_)) => Ok(Some(prior.clone())),
        };
        ApplyResponse::finished(req.prior, result)
    }

    fn read(&self, req: ReadRequest<'_>) -> Result<Option<Value>, ProviderError> {
        Ok(Some(req.prior.clone()))
    }

    /// `null_data_source`: the inputs as outputs, a random number, and the default of
    /// `has_computed_default` ("default"), as the deprecated data source of Terraform's.
    fn read_data(&self, req: ReadDataRequest<'_>) -> Result<Value, ProviderError> {
        if req.type_name != DATA_SOURCE {
            return Err(invalid(format!(
                "the null provider has no data source {:?}",
                req.type_name
            )));
        }
        let mut m = req.config.as_map().cloned().unwrap_or_default();
        let inputs = req.config.get("inputs");
        m.insert(
            "outputs".into(),
            if inputs.is_null() { Value::empty_map() } else { inputs },
        );
        if req.config.get("has_computed_default").is_null() {
            m.insert("has_computed_default".into(), Value::string("default"));
        }
        m.insert("random".into(), Value::string(random_decimal()?));
        m.insert("id".into(), Value::string("static"));
        Ok(Value::Map(m.into()))
    }

    /// Any ID: the object has nothing behind it.
    fn import(&self, req: ImportRequest<'_>) -> Result<Option<Value>, ProviderError> {
        Ok(Some(engine::core::value::map([
            ("id", Value::string(req.id)),
            ("triggers", Value::Null),
        ])))
    }
}
