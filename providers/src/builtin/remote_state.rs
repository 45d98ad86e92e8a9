//! `data "terraform_remote_state"`: the root outputs of another configuration's state, read
//! from its backend (`s3` or `local`), as seed 004's service layer reads the data layer's.

use crate::resource::{Ctx, DataType};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use state::backend::{S3Settings, DEFAULT_WORKSPACE};
use state::Location;
use std::collections::BTreeMap;

pub(super) struct RemoteState;

fn invalid(message: impl Into<String>) -> ProviderError {
    ProviderError::new("InvalidRemoteState", message)
}

/// The backend that holds the other configuration's state.
fn location(backend: &str, config: &serde_json::Map<String, serde_json::Value>) -> Result<Location, ProviderError> {
    match backend {
        "s3" => S3Settings::from_map(config)
            .map(Location::S3)
            .map_err(|e| invalid(format!("config: {}", e.message))),
        "local" => {
            if let Some(k) = config.keys().find(|k| *k != "path") {
                return Err(invalid(format!(
                    "config: the local backend has no argument \"{k}\"; it takes path"
                )));
            }
            let path = config
                .get("path")
                .and_then(|p| p.as_str())
                .unwrap_or(engine::ops::DEFAULT_STATE_FILE);
            Ok(Location::Local(path.into()))
        }
        other => Err(invalid(format!(
            "backend \"{other}\" is not available; terraform_remote_state reads the \"s3\" and \"local\" backends"
        ))),
    }
}

impl DataType for RemoteState {
    fn type_name(&self) -> &'static str {
        "terraform_remote_state"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("backend", Attribute::required(Type::String))
            .attr("config", Attribute::optional(Type::Any))
            .attr("workspace", Attribute::optional(Type::String))
            .attr("defaults", Attribute::optional(Type::Any))
            .attr("outputs", Attribute::computed(Type::Any))
    }

    fn read(&self, _ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let plain = config.deep_unmark();
        let backend = plain.get("backend").as_str().unwrap_or_default().to_string();
        let settings = match plain.get("config").to_json() {
            Some(serde_json::Value::Object(m)) => m,
            Some(serde_json::Value::Null) | None => serde_json::Map::new(),
            Some(other) => return Err(invalid(format!("config must be an object, not {other}"))),
        };
        let workspace = plain.get("workspace").as_str().unwrap_or(DEFAULT_WORKSPACE).to_string();
        let location = location(&backend, &settings)?;
        // An encrypted state is read with the key this process has, as the state itself is.
        let env: Vec<(String, String)> = std::env::vars().collect();
        let key = state::crypt::KeySource::from_env(&env, false).map_err(|e| invalid(e.to_string()))?;
        let store = location.open(&workspace, key).map_err(|e| invalid(e.to_string()))?;
        let found = store.read().map_err(|e| invalid(e.to_string()))?;
        let mut outputs: BTreeMap<String, Value> = match config.get("defaults") {
            Value::Map(m) => m.clone().into(),
            _ => BTreeMap::new(),
        };
        match found {
            Some(st) => {
                for (name, out) in st.outputs() {
                    outputs.insert(name.clone(), Value::from_json(&out.value).mark_if(out.sensitive));
                }
            }
            None if outputs.is_empty() => {
                return Err(invalid(format!(
                    "there is no state at {} (workspace \"{workspace}\"). Apply that configuration first, or give defaults = {{ ... }}.",
                    store.describe()
                )))
            }
            None => {}
        }
        let mut m = config.as_map().cloned().unwrap_or_default();
        m.insert("outputs".into(), Value::Map(outputs.into()));
        Ok(Value::Map(m.into()))
    }
}
