//! infinstor's first state format (`format_version: 1`), read so that an existing state is
//! upgraded to Terraform's format: its backend rewrites it once, keeping the old file beside
//! it as `<state>.format1.backup`.
//!
//! The first format differed in its names (`format_version`, a provider's local name, an
//! `address` per resource, `tainted`, sensitive attributes by name, the replaced object inside
//! its instance) and in one form: `terraform_data`'s dynamic attributes were recorded as bare
//! values, where Terraform records a dynamic value with its type.

use crate::contents::{invalid, json_type, Contents};
use crate::crypt::Header;
use crate::error::StateError;
use crate::model::{InstanceState, Intent, OutputState};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The last version of the first format.
const LEGACY_VERSION: u32 = 1;

#[derive(Deserialize)]
struct LegacyState {
    serial: u64,
    lineage: String,
    #[serde(default)]
    outputs: BTreeMap<String, OutputState>,
    #[serde(default)]
    resources: Vec<LegacyResource>,
    #[serde(default)]
    intents: Vec<Intent>,
    #[serde(default)]
    encryption: Option<Header>,
}

#[derive(Deserialize)]
struct LegacyResource {
    address: String,
    instances: Vec<LegacyInstance>,
}

#[derive(Deserialize)]
struct LegacyInstance {
    #[serde(default)]
    index_key: Option<serde_json::Value>,
    #[serde(flatten)]
    instance: InstanceState,
}

/// The instances of a file in the first format.
pub(crate) fn contents(bytes: &[u8], version: u32) -> Result<Contents, StateError> {
    if version > LEGACY_VERSION {
        return Err(invalid(format!(
            "format_version {version} is newer than this infinstor understands ({LEGACY_VERSION}); upgrade infinstor"
        )));
    }
    let file: LegacyState = serde_json::from_slice(bytes).map_err(|e| invalid(e.to_string()))?;
    let mut instances = Vec::new();
    for resource in file.resources {
        for inst in resource.instances {
            let address = match &inst.index_key {
                None => resource.address.clone(),
                Some(key) => format!("{}[{}]", resource.address, key),
            };
            instances.push((address, inst.instance));
        }
    }
    Ok(Contents {
        lineage: file.lineage,
        serial: file.serial,
        instances,
        outputs: file.outputs,
        intents: file.intents,
        encryption: file.encryption,
        check_results: None,
    })
}

/// Gives an instance of the first format the forms Terraform records (after its values were
/// decrypted, so that each is wrapped whole).
pub(crate) fn upgrade_attributes(type_: &str, instance: &mut InstanceState) {
    if type_ != "terraform_data" {
        return;
    }
    for name in ["input", "output", "triggers_replace"] {
        if let Some(v) = instance.attributes.get_mut(name).filter(|v| !v.is_null()) {
            let value = v.take();
            *v = serde_json::json!({"value": value, "type": json_type(&value)});
        }
    }
}
