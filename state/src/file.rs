//! The state file format and its atomic write.
//!
//! Instances are grouped by resource, like Terraform's state v4, and everything is sorted, so
//! equal states give byte-identical files.

use crate::addr::{module_path_string, InstanceAddr, InstanceKey, Mode};
use crate::crypt::{is_envelope, Header, Sealer};
use crate::error::StateError;
use crate::model::InstanceState;
use crate::model::Intent;
use crate::model::OutputState;
use crate::model::State;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// The version of the file format written by this build.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct FileState {
    format_version: u32,
    infinstor_version: String,
    serial: u64,
    lineage: String,
    #[serde(default)]
    outputs: BTreeMap<String, OutputState>,
    #[serde(default)]
    resources: Vec<FileResource>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    intents: Vec<Intent>,
    /// How the sensitive values are encrypted; absent when they are not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    encryption: Option<Header>,
}

#[derive(Serialize, Deserialize)]
struct FileResource {
    address: String,
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
    #[serde(flatten)]
    instance: InstanceState,
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

/// Serialises a state, each sensitive value encrypted by `sealer` when there is one.
pub fn encode_sealed(state: &State, sealer: Option<&Sealer>) -> Result<Vec<u8>, StateError> {
    let mut seal = |v: &mut serde_json::Value, place: &str| -> Result<(), StateError> {
        if let Some(sealer) = sealer {
            *v = sealer.seal_value(v, place)?;
        }
        Ok(())
    };
    // Files are ordered by address text, as they always were, so that files written before
    // and after stay byte-identical for equal states.
    let mut texts: Vec<(String, &InstanceAddr, &InstanceState)> =
        state.instances.iter().map(|(a, i)| (a.to_string(), a, i)).collect();
    texts.sort_by(|a, b| a.0.cmp(&b.0));
    let mut resources: BTreeMap<String, FileResource> = BTreeMap::new();
    for (address, addr, instance) in texts {
        let resource = addr.resource_string();
        let entry = resources.entry(resource.clone()).or_insert_with(|| FileResource {
            address: resource,
            module: module_path_string(&addr.module),
            mode: match addr.resource.mode {
                Mode::Managed => "managed".to_string(),
                Mode::Data => "data".to_string(),
            },
            type_: addr.resource.type_.clone(),
            name: addr.resource.name.clone(),
            provider: instance.provider.clone(),
            instances: Vec::new(),
        });
        let mut instance = instance.clone();
        instance.sensitive_attributes.sort();
        instance.dependencies.sort();
        each_sensitive(&address, &mut instance, &mut seal)?;
        let index_key = match &addr.key {
            InstanceKey::None => None,
            InstanceKey::Int(i) => Some(serde_json::Value::from(*i)),
            InstanceKey::Str(k) => Some(serde_json::Value::String(k.clone())),
        };
        entry.instances.push(FileInstance { index_key, instance });
    }
    let mut outputs = state.outputs.clone();
    for (name, output) in outputs.iter_mut().filter(|(_, o)| o.sensitive && !o.value.is_null()) {
        seal(&mut output.value, &format!("output.{name}"))?;
    }
    let file = FileState {
        format_version: FORMAT_VERSION,
        infinstor_version: env!("CARGO_PKG_VERSION").to_string(),
        serial: state.serial,
        lineage: state.lineage.clone(),
        outputs,
        resources: resources.into_values().collect(),
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
    .map(|(state, _)| state)
    .map_err(|e| match e {
        StateError::Invalid { message, .. } => message,
        other => other.to_string(),
    })
}

/// Parses state file bytes, decrypting sensitive values with the sealer `open` finds for the
/// file's encryption header; returns that sealer too.
pub fn decode_sealed(
    bytes: &[u8],
    open: &mut dyn FnMut(&Header) -> Result<std::sync::Arc<Sealer>, StateError>,
) -> Result<(State, Option<std::sync::Arc<Sealer>>), StateError> {
    let invalid = |message: String| StateError::Invalid {
        path: std::path::PathBuf::new(),
        message,
    };
    let file: FileState = serde_json::from_slice(bytes).map_err(|e| invalid(e.to_string()))?;
    if file.format_version > FORMAT_VERSION {
        return Err(invalid(format!(
            "format_version {} is newer than this infinstor understands ({FORMAT_VERSION}); upgrade infinstor",
            file.format_version
        )));
    }
    let sealer = file.encryption.as_ref().map(&mut *open).transpose()?;
    let mut unseal = |v: &mut serde_json::Value, place: &str| -> Result<(), StateError> {
        if let (Some(sealer), true) = (&sealer, is_envelope(v)) {
            *v = sealer.unseal_value(v, place)?;
        }
        Ok(())
    };
    let mut instances = BTreeMap::new();
    for resource in file.resources {
        for mut inst in resource.instances {
            let address = match &inst.index_key {
                None => resource.address.clone(),
                Some(key) => format!("{}[{}]", resource.address, key),
            };
            let addr: InstanceAddr = address.parse().map_err(|e: crate::addr::AddrError| {
                invalid(format!(
                    "{e}. Restore the state from its .backup, or correct the entry's \"address\" and \"index_key\""
                ))
            })?;
            if !inst.instance.attributes.is_object() {
                return Err(invalid(format!("the attributes of {address} are not a JSON object")));
            }
            each_sensitive(&address, &mut inst.instance, &mut unseal)?;
            if instances.insert(addr, inst.instance).is_some() {
                return Err(invalid(format!("{address} is recorded twice")));
            }
        }
    }
    let mut outputs = file.outputs;
    for (name, output) in outputs.iter_mut().filter(|(_, o)| o.sensitive) {
        unseal(&mut output.value, &format!("output.{name}"))?;
    }
    Ok((
        State {
            lineage: file.lineage,
            serial: file.serial,
            instances,
            outputs,
            intents: file.intents,
        },
        sealer,
    ))
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
        let r = &file["resources"][0];
        assert_eq!(r["address"], "module.dns.data.aws_route53_zone.z");
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
