//! The state file format and its atomic write.
//!
//! The format is Terraform's state format version 4, so that Terraform and infinstor read
//! each other's state: `version`, `terraform_version`, `serial`, `lineage`, `outputs` with
//! their types, `resources` by module, mode, type and name with the provider's address, and
//! their `instances` (`index_key`, `status`, `deposed`, `schema_version`, `attributes`,
//! `sensitive_attributes` as paths, `private`, `dependencies`, `create_before_destroy`), then
//! `check_results`. What only infinstor keeps is in top-level fields Terraform ignores:
//! `infinstor_version`, the create `intents` of an interrupted apply, and the `encryption`
//! header of a state whose sensitive values are encrypted.
//!
//! Everything is sorted, so equal states give byte-identical files. Files of infinstor's first
//! format (`format_version: 1`) are read too ([`crate::legacy`]); a backend rewrites them in
//! this format.

use crate::addr::{module_path_string, InstanceAddr, InstanceKey, Mode};
use crate::contents::{invalid, json_type, Contents};
use crate::crypt::{is_envelope, Header, Sealer};
use crate::error::StateError;
use crate::model::InstanceState;
use crate::model::Intent;
use crate::model::OutputState;
use crate::model::State;
use crate::provider_addr;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// The version of Terraform's state format this build writes.
pub const FORMAT_VERSION: u32 = 4;

/// The Terraform release whose behaviour infinstor follows, written as `terraform_version`
/// (Terraform reads a state written by any release of its format).
pub const TERRAFORM_VERSION: &str = "1.11.4";

/// The deposed key of the one replaced object infinstor keeps per instance.
const DEPOSED_KEY: &str = "00000001";

#[derive(Serialize, Deserialize)]
struct FileState {
    /// Terraform's format version; absent in infinstor's first format.
    #[serde(default)]
    version: Option<u32>,
    #[serde(default)]
    terraform_version: String,
    serial: u64,
    lineage: String,
    #[serde(default)]
    outputs: BTreeMap<String, OutputState>,
    #[serde(default)]
    resources: Vec<FileResource>,
    #[serde(default)]
    check_results: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    infinstor_version: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    intents: Vec<Intent>,
    /// How the sensitive values are encrypted; absent when they are not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    encryption: Option<Header>,
}

#[derive(Serialize, Deserialize)]
struct FileResource {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    module: String,
    mode: String,
    #[serde(rename = "type")]
    type_: String,
    name: String,
    provider: String,
    instances: Vec<FileInstance>,
}

#[derive(Serialize, Deserialize)]
struct FileInstance {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    index_key: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    deposed: Option<String>,
    #[serde(default)]
    schema_version: u64,
    #[serde(default)]
    attributes: Option<serde_json::Value>,
    #[serde(default)]
    sensitive_attributes: Vec<serde_json::Value>,
    /// infinstor's own marks (see [`InstanceState::derived_sensitive`]), where Terraform
    /// ignores them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    infinstor_sensitive: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    private: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    dependencies: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    create_before_destroy: bool,
}

/// Which format a file is in, read without decoding the rest.
#[derive(Deserialize)]
struct Versions {
    #[serde(default)]
    version: Option<u32>,
    #[serde(default)]
    format_version: Option<u32>,
}

/// A state file decoded: the state, the sealer of its encrypted values, and whether it was in
/// infinstor's first format (its backend rewrites it in this one).
pub struct Decoded {
    /// The state.
    pub state: State,
    /// The sealer that opened its encrypted values, if any.
    pub sealer: Option<std::sync::Arc<Sealer>>,
    /// Written in infinstor's first format.
    pub legacy: bool,
}

/// Serialises a state to its file bytes (sorted, pretty, newline-terminated), sensitive values
/// in clear (as Terraform writes them).
pub fn encode(state: &State) -> Vec<u8> {
    // Without a sealer nothing can fail.
    encode_sealed(state, None).unwrap_or_default()
}

/// Applies `f` to each sensitive value of an instance (attributes and the deposed object's),
/// with the place its encryption is bound to.
pub(crate) fn each_sensitive(
    address: &str,
    instance: &mut InstanceState,
    f: &mut dyn FnMut(&mut serde_json::Value, &str) -> Result<(), StateError>,
) -> Result<(), StateError> {
    let names = instance.sensitive_attributes.clone();
    for name in &names {
        if let Some(v) = instance.attributes.get_mut(name).filter(|v| !v.is_null()) {
            f(v, &format!("{address}/{name}"))?;
        }
        if let Some(v) = instance
            .deposed
            .as_mut()
            .and_then(|d| d.get_mut(name))
            .filter(|v| !v.is_null())
        {
            f(v, &format!("{address}/deposed/{name}"))?;
        }
    }
    Ok(())
}

/// A sensitive attribute as Terraform records its path.
fn sensitive_path(name: &str) -> serde_json::Value {
    serde_json::json!([{"type": "get_attr", "value": name}])
}

/// The attribute a recorded sensitive path starts at: a deeper path (an element, an
/// attribute of a block) marks its whole top-level attribute, which hides no less.
fn sensitive_name(path: &serde_json::Value) -> Option<String> {
    match path {
        serde_json::Value::String(name) => Some(name.clone()),
        serde_json::Value::Array(steps) => steps
            .first()
            .filter(|s| s["type"] == "get_attr")
            .and_then(|s| s["value"].as_str())
            .map(str::to_string),
        _ => None,
    }
}

/// Serialises a state, each sensitive value encrypted by `sealer` when there is one.
pub fn encode_sealed(state: &State, sealer: Option<&Sealer>) -> Result<Vec<u8>, StateError> {
    let mut seal = |v: &mut serde_json::Value, place: &str| -> Result<(), StateError> {
        if let Some(sealer) = sealer {
            *v = sealer.seal_value(v, place)?;
        }
        Ok(())
    };
    // Files are ordered by address text, so that equal states are byte-identical.
    let mut texts: Vec<(String, &InstanceAddr, &InstanceState)> =
        state.instances.iter().map(|(a, i)| (a.to_string(), a, i)).collect();
    texts.sort_by(|a, b| a.0.cmp(&b.0));
    let mut resources: BTreeMap<String, FileResource> = BTreeMap::new();
    for (address, addr, instance) in texts {
        let entry = resources.entry(addr.resource_string()).or_insert_with(|| FileResource {
            module: module_path_string(&addr.module),
            mode: match addr.resource.mode {
                Mode::Managed => "managed".to_string(),
                Mode::Data => "data".to_string(),
                // Never in a state; written as Terraform names the mode, should one reach it.
                Mode::Ephemeral => "ephemeral".to_string(),
            },
            type_: addr.resource.type_.clone(),
            name: addr.resource.name.clone(),
            provider: provider_addr::to_terraform(&instance.provider),
            instances: Vec::new(),
        });
        let mut instance = instance.clone();
        instance.sensitive_attributes.sort();
        instance.derived_sensitive.sort();
        instance.dependencies.sort();
        each_sensitive(&address, &mut instance, &mut seal)?;
        let index_key = match &addr.key {
            InstanceKey::None => None,
            InstanceKey::Int(i) => Some(serde_json::Value::from(*i)),
            InstanceKey::Str(k) => Some(serde_json::Value::String(k.clone())),
        };
        let paths: Vec<serde_json::Value> = instance
            .sensitive_attributes
            .iter()
            .filter(|n| !instance.derived_sensitive.contains(n))
            .map(|n| sensitive_path(n))
            .collect();
        let deposed = instance.deposed.take().map(|attributes| FileInstance {
            index_key: index_key.clone(),
            status: None,
            deposed: Some(DEPOSED_KEY.to_string()),
            schema_version: instance.schema_version,
            attributes: Some(attributes),
            sensitive_attributes: paths.clone(),
            infinstor_sensitive: instance.derived_sensitive.clone(),
            private: None,
            dependencies: instance.dependencies.clone(),
            create_before_destroy: instance.create_before_destroy,
        });
        entry.instances.push(FileInstance {
            index_key,
            status: instance.tainted.then(|| "tainted".to_string()),
            deposed: None,
            schema_version: instance.schema_version,
            attributes: Some(instance.attributes),
            sensitive_attributes: paths,
            infinstor_sensitive: instance.derived_sensitive,
            private: instance.private,
            dependencies: instance.dependencies,
            create_before_destroy: instance.create_before_destroy,
        });
        entry.instances.extend(deposed);
    }
    let mut outputs = state.outputs.clone();
    for (name, output) in outputs.iter_mut() {
        if output.type_.is_none() {
            output.type_ = Some(json_type(&output.value));
        }
        if output.sensitive && !output.value.is_null() {
            seal(&mut output.value, &format!("output.{name}"))?;
        }
    }
    let file = FileState {
        version: Some(FORMAT_VERSION),
        terraform_version: TERRAFORM_VERSION.to_string(),
        serial: state.serial,
        lineage: state.lineage.clone(),
        outputs,
        resources: resources.into_values().collect(),
        check_results: state.check_results.clone(),
        infinstor_version: Some(env!("CARGO_PKG_VERSION").to_string()),
        intents: state.intents.clone(),
        encryption: sealer.map(|s| s.header().clone()),
    };
    // Serialising plain JSON values into a Vec cannot fail.
    let mut bytes = serde_json::to_vec_pretty(&file).unwrap_or_default();
    bytes.push(b'\n');
    Ok(bytes)
}

/// Parses state file bytes whose sensitive values are in clear; an encrypted state is an
/// error here (read it through its backend, which has the key).
pub fn decode(bytes: &[u8]) -> Result<State, String> {
    decode_sealed(bytes, &mut |_| {
        Err(StateError::Key(format!(
            "its sensitive values are encrypted; set {} (or {}) to read it",
            crate::crypt::PASSPHRASE_ENV,
            crate::crypt::KMS_KEY_ENV
        )))
    })
    .map(|d| d.state)
    .map_err(|e| match e {
        StateError::Invalid { message, .. } => message,
        other => other.to_string(),
    })
}

/// Parses state file bytes of either format, decrypting sensitive values with the sealer
/// `open` finds for the file's encryption header.
pub fn decode_sealed(
    bytes: &[u8],
    open: &mut dyn FnMut(&Header) -> Result<std::sync::Arc<Sealer>, StateError>,
) -> Result<Decoded, StateError> {
    // A file in Terraform's format, the usual one, is parsed once; only another one has its
    // versions looked at to say which it is.
    let parsed: Result<FileState, _> = serde_json::from_slice(bytes);
    let (contents, legacy) = match parsed {
        Ok(file) if file.version == Some(FORMAT_VERSION) => (contents(file)?, false),
        parsed => other_format(bytes, parsed.err())?,
    };
    let sealer = contents.encryption.as_ref().map(&mut *open).transpose()?;
    let mut unseal = |v: &mut serde_json::Value, place: &str| -> Result<(), StateError> {
        if let (Some(sealer), true) = (&sealer, is_envelope(v)) {
            *v = sealer.unseal_value(v, place)?;
        }
        Ok(())
    };
    let mut instances = BTreeMap::new();
    for (address, mut instance) in contents.instances {
        let addr: InstanceAddr = address.parse().map_err(|e: crate::addr::AddrError| {
            invalid(format!(
                "{e}. Restore the state from its .backup, or correct the entry's module, type, name and index_key"
            ))
        })?;
        if !instance.attributes.is_object() {
            return Err(invalid(format!("the attributes of {address} are not a JSON object")));
        }
        each_sensitive(&address, &mut instance, &mut unseal)?;
        if legacy {
            crate::legacy::upgrade_attributes(&addr.resource.type_, &mut instance);
        }
        if instances.insert(addr, instance).is_some() {
            return Err(invalid(format!("{address} is recorded twice")));
        }
    }
    let mut outputs = contents.outputs;
    for (name, output) in outputs.iter_mut() {
        if output.sensitive {
            unseal(&mut output.value, &format!("output.{name}"))?;
        }
        if output.type_.is_none() {
            // infinstor's first format kept no types: the value's own is what it had.
            output.type_ = Some(json_type(&output.value));
        }
    }
    Ok(Decoded {
        state: State {
            lineage: contents.lineage,
            serial: contents.serial,
            instances,
            outputs,
            intents: contents.intents,
            check_results: contents.check_results,
        },
        sealer,
        legacy,
    })
}

/// Reads a file that is not in Terraform's format version 4 (or did not parse as one): infinstor's
/// first format, or an error naming the version it is in.
fn other_format(bytes: &[u8], parse_error: Option<serde_json::Error>) -> Result<(Contents, bool), StateError> {
    let versions: Versions = serde_json::from_slice(bytes).map_err(|e| invalid(e.to_string()))?;
    match (versions.version, versions.format_version) {
        (Some(v), _) if v > FORMAT_VERSION => Err(invalid(format!(
            "it is in version {v} of Terraform's state format, newer than this infinstor reads ({FORMAT_VERSION}); upgrade infinstor"
        ))),
        (Some(FORMAT_VERSION), _) => Err(invalid(parse_error.map(|e| e.to_string()).unwrap_or_default())),
        (Some(v), _) => Err(invalid(format!(
            "it is in version {v} of Terraform's state format, which Terraform 0.12 and later upgrade to {FORMAT_VERSION}; run `terraform plan` once with Terraform, or `terraform state pull`, to upgrade it"
        ))),
        (None, Some(v)) => Ok((crate::legacy::contents(bytes, v)?, true)),
        (None, None) => Err(invalid(
            "it has neither \"version\" (Terraform's state format) nor \"format_version\"".to_string(),
        )),
    }
}

/// The instances of a file in Terraform's format, each deposed object joined to its current one.
fn contents(file: FileState) -> Result<Contents, StateError> {
    let mut current: Vec<(String, InstanceState)> = Vec::new();
    let mut deposed: Vec<(String, serde_json::Value)> = Vec::new();
    for resource in file.resources {
        let provider = provider_addr::from_terraform(&resource.provider).map_err(invalid)?;
        let mut base = String::new();
        if !resource.module.is_empty() {
            base.push_str(&resource.module);
            base.push('.');
        }
        match resource.mode.as_str() {
            "managed" => {}
            "data" => base.push_str("data."),
            other => {
                return Err(invalid(format!(
                    "the resource {}.{} has mode {other:?}; Terraform writes \"managed\" or \"data\"",
                    resource.type_, resource.name
                )))
            }
        }
        base.push_str(&format!("{}.{}", resource.type_, resource.name));
        for inst in resource.instances {
            let address = match &inst.index_key {
                None => base.clone(),
                Some(key) => format!("{base}[{key}]"),
            };
            let attributes = inst.attributes.ok_or_else(|| {
                invalid(format!(
                    "{address} has no \"attributes\" (a state of a provider from before Terraform 0.12 keeps \"attributes_flat\"); run `terraform apply` once with a current Terraform and AWS provider to rewrite it"
                ))
            })?;
            if inst.deposed.is_some() {
                deposed.push((address, attributes));
                continue;
            }
            let mut sensitive: Vec<String> = inst.sensitive_attributes.iter().filter_map(sensitive_name).collect();
            sensitive.extend(inst.infinstor_sensitive.iter().cloned());
            sensitive.sort();
            sensitive.dedup();
            current.push((
                address,
                InstanceState {
                    provider: provider.clone(),
                    attributes,
                    sensitive_attributes: sensitive,
                    derived_sensitive: inst.infinstor_sensitive,
                    dependencies: inst.dependencies,
                    tainted: inst.status.as_deref() == Some("tainted"),
                    private: inst.private,
                    deposed: None,
                    schema_version: inst.schema_version,
                    create_before_destroy: inst.create_before_destroy,
                },
            ));
        }
    }
    for (address, attributes) in deposed {
        let Some((_, instance)) = current.iter_mut().find(|(a, _)| *a == address) else {
            return Err(invalid(format!(
                "{address} has a deposed object (left by an interrupted create_before_destroy replacement) but no current object; run `terraform apply` to destroy it first"
            )));
        };
        if instance.deposed.is_some() {
            return Err(invalid(format!(
                "{address} has more than one deposed object; run `terraform apply` to destroy them first"
            )));
        }
        instance.deposed = Some(attributes);
    }
    Ok(Contents {
        lineage: file.lineage,
        serial: file.serial,
        instances: current,
        outputs: file.outputs,
        intents: file.intents,
        encryption: file.encryption,
        check_results: file.check_results,
    })
}

/// Counts the sensitive values a state holds (what encryption protects).
pub fn sensitive_values(state: &State) -> usize {
    let mut n = 0;
    for (address, instance) in &state.instances {
        let mut instance = instance.clone();
        let _ = each_sensitive(&address.to_string(), &mut instance, &mut |_, _| {
            n += 1;
            Ok(())
        });
    }
    n + state
        .outputs
        .values()
        .filter(|o| o.sensitive && !o.value.is_null())
        .count()
}

/// Writes `bytes` to `path` so that a crash leaves either the old or the new file, never a
/// torn one: temp file in the same directory, fsync, the old file becomes `.backup` (by a hard
/// link renamed into place, so the backup is never half written either), rename. Writes happen
/// only under the state lock, so any other temporary file of this state is a leftover of a
/// killed run and is removed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StateError> {
    let io = |action: &'static str| {
        let path = path.to_path_buf();
        move |source| StateError::Io { action, path, source }
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "state".to_string());
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp).map_err(io("create a temporary file for"))?;
        f.write_all(bytes).map_err(io("write"))?;
        f.sync_all().map_err(io("fsync"))
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    if path.exists() {
        let mut backup = path.as_os_str().to_owned();
        backup.push(".backup");
        let mut backup_tmp = backup.clone();
        backup_tmp.push(format!(".{}.tmp", std::process::id()));
        let _ = std::fs::remove_file(&backup_tmp);
        if std::fs::hard_link(path, &backup_tmp).is_err() {
            // A file system without hard links: a copy, made durable before it is renamed.
            std::fs::copy(path, &backup_tmp).map_err(io("back up"))?;
            std::fs::File::open(&backup_tmp)
                .and_then(|f| f.sync_all())
                .map_err(io("back up"))?;
        }
        std::fs::rename(&backup_tmp, &backup).map_err(io("back up"))?;
    }
    std::fs::rename(&tmp, path).map_err(io("rename the temporary file over"))?;
    if let Ok(d) = std::fs::File::open(&dir) {
        // Persist the rename itself; failure here only weakens durability, not correctness.
        let _ = d.sync_all();
    }
    remove_leftovers(&dir, &file_name);
    Ok(())
}

/// Removes temporary files of this state left by killed runs (`.NAME.PID.tmp`,
/// `NAME.backup.PID.tmp`).
fn remove_leftovers(dir: &Path, file_name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let temp = format!(".{file_name}.");
    let backup = format!("{file_name}.backup.");
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".tmp") && (name.starts_with(&temp) || name.starts_with(&backup)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(text: &str) -> InstanceAddr {
        text.parse().expect(text)
    }

    #[test]
    fn resources_are_grouped_with_their_module_mode_and_key() {
        let mut s = State::new();
        s.set_instance(
            &addr(r#"module.dns.data.aws_route53_zone.z["a.b"]"#),
            InstanceState::new("aws", serde_json::json!({"id": "z"})),
        );
        let file: serde_json::Value = serde_json::from_slice(&encode(&s)).expect("json");
        assert_eq!(file["version"], 4);
        let r = &file["resources"][0];
        assert_eq!(r["provider"], r#"provider["registry.terraform.io/hashicorp/aws"]"#);
        assert_eq!(r["module"], "module.dns");
        assert_eq!(r["mode"], "data");
        assert_eq!(r["type"], "aws_route53_zone");
        assert_eq!(r["instances"][0]["index_key"], "a.b");
    }

    #[test]
    fn an_entry_that_is_not_an_address_is_an_error() {
        let bytes = br#"{"format_version": 1, "infinstor_version": "0.1.0", "serial": 1, "lineage": "l",
            "resources": [{"address": "aws_s3_bucket", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
            "provider": "aws", "instances": [{"provider": "aws", "attributes": {}}]}]}"#;
        let err = decode(bytes).expect_err("not an address");
        assert!(err.contains("\"aws_s3_bucket\"") && err.contains(".backup"), "{err}");
    }

    #[test]
    fn round_trip_is_byte_identical() {
        let mut s = State::new();
        s.set_instance(
            &addr("aws_s3_bucket.b[1]"),
            InstanceState::new("aws", serde_json::json!({"id": "y"})),
        );
        s.set_instance(
            &addr("aws_s3_bucket.b[0]"),
            InstanceState::new("aws", serde_json::json!({"id": "x"})),
        );
        s.set_instance(
            &addr(r#"module.m.aws_iam_role.r["k"]"#),
            InstanceState::new("aws", serde_json::json!({"id": "r"})),
        );
        let bytes = encode(&s);
        let back = decode(&bytes).expect("decode");
        assert_eq!(back, s);
        assert_eq!(encode(&back), bytes);
    }

    #[test]
    fn terraforms_forms_are_written_and_read_back() {
        let mut s = State::new();
        let mut i = InstanceState::new("aws.west", serde_json::json!({"id": "r", "password": "p"}));
        i.sensitive_attributes = vec!["password".into(), "policy".into()];
        i.derived_sensitive = vec!["policy".into()];
        i.tainted = true;
        i.schema_version = 2;
        i.create_before_destroy = true;
        i.deposed = Some(serde_json::json!({"id": "old", "password": "q"}));
        i.dependencies = vec!["aws_kms_key.k".into()];
        s.set_instance(&addr("aws_db_instance.d[0]"), i);
        s.set_outputs(BTreeMap::from([(
            "o".to_string(),
            OutputState {
                value: serde_json::json!(["a"]),
                type_: Some(serde_json::json!(["list", "string"])),
                sensitive: false,
            },
        )]));
        let bytes = encode(&s);
        let file: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
        let r = &file["resources"][0];
        assert_eq!(r["provider"], r#"provider["registry.terraform.io/hashicorp/aws"].west"#);
        let current = &r["instances"][0];
        assert_eq!(current["status"], "tainted");
        assert_eq!(current["schema_version"], 2);
        assert_eq!(current["create_before_destroy"], true);
        assert_eq!(
            current["sensitive_attributes"],
            serde_json::json!([[{"type": "get_attr", "value": "password"}]])
        );
        assert_eq!(current["infinstor_sensitive"], serde_json::json!(["policy"]));
        let deposed = &r["instances"][1];
        assert_eq!(deposed["deposed"], DEPOSED_KEY);
        assert_eq!(deposed["index_key"], 0);
        assert_eq!(deposed["attributes"]["id"], "old");
        assert_eq!(file["outputs"]["o"]["type"], serde_json::json!(["list", "string"]));
        assert_eq!(file["check_results"], serde_json::Value::Null);
        assert_eq!(decode(&bytes).expect("decode"), s);
    }

    #[test]
    fn a_first_format_file_reads_as_the_same_state() {
        let bytes = br#"{"format_version": 1, "infinstor_version": "0.1.0", "serial": 7, "lineage": "l",
            "outputs": {"o": {"value": 1, "sensitive": false}},
            "resources": [{"address": "module.m.terraform_data.t", "module": "module.m", "mode": "managed",
              "type": "terraform_data", "name": "t", "provider": "terraform",
              "instances": [{"index_key": "k", "provider": "terraform", "tainted": true,
                "attributes": {"id": "x", "input": [1, "a"], "output": [1, "a"], "triggers_replace": null},
                "sensitive_attributes": ["input"], "deposed": {"id": "old", "input": null}}]}]}"#;
        let mut open = |_: &Header| -> Result<std::sync::Arc<Sealer>, StateError> { Err(invalid("no key".into())) };
        let decoded = decode_sealed(bytes, &mut open).expect("legacy");
        assert!(decoded.legacy);
        let state = decoded.state;
        assert_eq!(state.serial(), 7);
        let t = state
            .instance(&addr(r#"module.m.terraform_data.t["k"]"#))
            .expect("instance");
        assert!(t.tainted);
        assert_eq!(t.provider, "terraform");
        assert_eq!(t.sensitive_attributes, vec!["input".to_string()]);
        assert_eq!(
            t.attributes["input"],
            serde_json::json!({"value": [1, "a"], "type": ["tuple", ["number", "string"]]})
        );
        assert_eq!(t.attributes["triggers_replace"], serde_json::Value::Null);
        assert_eq!(
            t.deposed.as_ref().map(|d| d["id"].clone()),
            Some(serde_json::json!("old"))
        );
        let again = decode_sealed(&encode(&state), &mut open).expect("v4");
        assert!(!again.legacy);
        assert_eq!(again.state, state);
    }

    #[test]
    fn a_terraform_state_with_deeper_sensitive_paths_marks_the_attribute() {
        let bytes = br#"{"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "l", "outputs": {},
            "resources": [{"mode": "managed", "type": "aws_db_instance", "name": "d",
              "provider": "module.x.provider[\"registry.terraform.io/hashicorp/aws\"]",
              "instances": [{"schema_version": 2, "attributes": {"id": "d", "tags": {"a": "b"}},
                "sensitive_attributes": [[{"type": "get_attr", "value": "tags"}, {"type": "index", "value": {"value": "a", "type": "string"}}]],
                "private": "eyJ9"}]}],
            "check_results": [{"object_kind": "resource"}]}"#;
        let state = decode(bytes).expect("terraform's");
        let d = state.instance(&addr("aws_db_instance.d")).expect("instance");
        assert_eq!(d.sensitive_attributes, vec!["tags".to_string()]);
        assert_eq!(d.provider, "aws");
        assert_eq!(d.schema_version, 2);
        assert_eq!(d.private.as_deref(), Some("eyJ9"));
    }

    #[test]
    fn what_cannot_be_read_says_why() {
        let state = |version: &str, instances: &str| {
            format!(
                r#"{{{version}, "serial": 1, "lineage": "l", "resources": [{{"mode": "managed", "type": "t_x", "name": "n",
                    "provider": "provider[\"registry.terraform.io/hashicorp/t\"]", "instances": {instances}}}]}}"#
            )
        };
        for (text, expected) in [
            (state(r#""version": 5"#, "[]"), "newer than this infinstor reads"),
            (state(r#""version": 3"#, "[]"), "terraform plan"),
            (state(r#""serial2": 1"#, "[]"), "neither"),
            (
                state(r#""version": 4"#, r#"[{"attributes_flat": {"id": "x"}}]"#),
                "attributes_flat",
            ),
            (
                state(r#""version": 4"#, r#"[{"deposed": "0a", "attributes": {}}]"#),
                "no current object",
            ),
        ] {
            let err = decode(text.as_bytes()).expect_err(&text);
            assert!(err.contains(expected), "{err}");
        }
    }

    #[test]
    fn backup_is_the_previous_file_and_leftovers_go() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s.json");
        // A killed run left its temporary files behind.
        std::fs::write(dir.path().join(".s.json.999999.tmp"), "torn").expect("leftover");
        std::fs::write(dir.path().join("s.json.backup.999999.tmp"), "torn").expect("leftover");
        write_atomic(&path, b"one").expect("first");
        write_atomic(&path, b"two").expect("second");
        assert_eq!(std::fs::read(&path).expect("state"), b"two");
        let mut backup = path.as_os_str().to_owned();
        backup.push(".backup");
        assert_eq!(std::fs::read(&backup).expect("backup"), b"one");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
    }

    #[test]
    fn malformed_instances_are_errors_not_merged() {
        let state = |resources: &str| {
            format!(
                r#"{{"format_version": 1, "infinstor_version": "0.1.0", "serial": 1, "lineage": "l", "outputs": {{}}, "resources": {resources}}}"#
            )
        };
        let not_object = state(
            r#"[{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "provider": "aws",
                "instances": [{"provider": "aws", "attributes": "x"}]}]"#,
        );
        let err = decode(not_object.as_bytes()).expect_err("attributes must be an object");
        assert!(
            err.contains("aws_s3_bucket.b") && err.contains("not a JSON object"),
            "{err}"
        );
        let twice = state(
            r#"[{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "provider": "aws", "instances": [{"provider": "aws", "attributes": {}}]},
                {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "provider": "aws", "instances": [{"provider": "aws", "attributes": {}}]}]"#,
        );
        let err = decode(twice.as_bytes()).expect_err("duplicates");
        assert!(err.contains("recorded twice"), "{err}");
    }
}
