//! What a state file holds, whichever format it is in, before its encrypted values are opened:
//! the common ground of [`crate::file`] (Terraform's format) and [`crate::legacy`] (infinstor's
//! first one).

use crate::crypt::Header;
use crate::error::StateError;
use crate::model::{InstanceState, Intent, OutputState};
use std::collections::BTreeMap;

/// A file that cannot be read, and why (the caller names the file).
pub(crate) fn invalid(message: String) -> StateError {
    StateError::Invalid {
        path: std::path::PathBuf::new(),
        message,
    }
}

/// What either format holds.
pub(crate) struct Contents {
    pub(crate) lineage: String,
    pub(crate) serial: u64,
    pub(crate) instances: Vec<(String, InstanceState)>,
    pub(crate) outputs: BTreeMap<String, OutputState>,
    pub(crate) intents: Vec<Intent>,
    pub(crate) encryption: Option<Header>,
    pub(crate) check_results: Option<serde_json::Value>,
}

/// The type of a JSON value as Terraform writes types, read from the value alone (arrays are
/// tuples, objects objects): what a literal with this value has.
pub(crate) fn json_type(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::{json, Value as J};
    match v {
        J::Null => J::from("dynamic"),
        J::Bool(_) => J::from("bool"),
        J::Number(_) => J::from("number"),
        J::String(_) => J::from("string"),
        J::Array(items) => json!(["tuple", items.iter().map(json_type).collect::<Vec<_>>()]),
        J::Object(m) => json!([
            "object",
            m.iter()
                .map(|(k, v)| (k.clone(), json_type(v)))
                .collect::<serde_json::Map<_, _>>()
        ]),
    }
}
