//! The `local` provider: files on the machine that runs infinstor (`local_file`,
//! `local_sensitive_file`), such as a Metaflow configuration rendered from stack outputs.
//!
//! As in Terraform's local provider, a file's `id` is the SHA-1 of its content; a file that is
//! gone or whose content changed on disk is planned again; every argument forces a new file.

use crate::support::digest::{sha1_hex, Digests};
use engine::core::provider::{
    ApplyRequest, ApplyResponse, ImportRequest, PlanRequest, PlanResponse, Provider, ProviderError, ReadDataRequest,
    ReadRequest, ValidateProblem, ValidateRequest,
};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

/// The provider name.
pub const NAME: &str = "local";

const FILE: &str = "local_file";
const SENSITIVE_FILE: &str = "local_sensitive_file";

/// The content digests a file exports, besides its `id`.
const DIGESTS: [&str; 6] = [
    "content_md5",
    "content_sha1",
    "content_sha256",
    "content_sha512",
    "content_base64sha256",
    "content_base64sha512",
];

/// The provider block takes nothing.
pub fn config_schema() -> Schema {
    Schema::new()
}

/// Resource type schemas.
pub fn resource_schema(type_name: &str) -> Option<Schema> {
    let sensitive = match type_name {
        FILE => false,
        SENSITIVE_FILE => true,
        _ => return None,
    };
    let content = Attribute::optional(Type::String).force_new();
    let content = if sensitive { content.sensitive() } else { content };
    let mut schema = Schema::new()
        .attr("filename", Attribute::required(Type::String).force_new())
        .attr("content", content)
        .attr("content_base64", {
            let b64 = Attribute::optional(Type::String).force_new();
            if sensitive {
                b64.sensitive()
            } else {
                b64
            }
        })
        .attr("source", Attribute::optional(Type::String).force_new())
        .attr(
            "file_permission",
            Attribute::optional_computed(Type::String).force_new(),
        )
        .attr(
            "directory_permission",
            Attribute::optional_computed(Type::String).force_new(),
        )
        .attr("id", Attribute::computed(Type::String));
    for digest in DIGESTS {
        schema = schema.attr(digest, Attribute::computed(Type::String));
    }
    Some(schema)
}

/// Every resource type.
pub fn resource_types() -> Vec<String> {
    vec![FILE.to_string(), SENSITIVE_FILE.to_string()]
}

/// Builds the provider (no configuration).
pub fn configure(_: &Value) -> Result<std::sync::Arc<dyn Provider>, ProviderError> {
    Ok(std::sync::Arc::new(Local))
}

struct Local;

fn invalid(message: impl Into<String>) -> ProviderError {
    ProviderError::new("InvalidArgument", message)
}

/// The bytes a configuration asks for, when they are known.
fn bytes_of(config: &Value) -> Result<Option<Vec<u8>>, ProviderError> {
    let plain = config.deep_unmark();
    let content = plain.get("content");
    let b64 = plain.get("content_base64");
    let source = plain.get("source");
    if [&content, &b64, &source].iter().any(|v| v.is_unknown()) {
        return Ok(None);
    }
    match (content.as_str(), b64.as_str(), source.as_str()) {
        (Some(c), None, None) => Ok(Some(c.as_bytes().to_vec())),
        (None, Some(b), None) => {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD
                .decode(b)
                .map(Some)
                .map_err(|e| invalid(format!("content_base64 is not base64: {e}")))
        }
        (None, None, Some(path)) => std::fs::read(path)
            .map(Some)
            .map_err(|e| invalid(format!("cannot read source {path}: {e}"))),
        _ => Err(invalid("set exactly one of content, content_base64 and source")),
    }
}

/// The content digests Terraform's local provider exports, and the id (SHA-1).
fn digests(bytes: &[u8], m: &mut std::collections::BTreeMap<String, Value>) {
    let d = Digests::of(bytes);
    m.insert("id".into(), Value::string(&d.sha1));
    m.insert("content_sha1".into(), Value::string(&d.sha1));
    m.insert("content_md5".into(), Value::string(d.md5));
    m.insert("content_sha256".into(), Value::string(d.sha256));
    m.insert("content_sha512".into(), Value::string(d.sha512));
    m.insert("content_base64sha256".into(), Value::string(d.sha256_base64));
    m.insert("content_base64sha512".into(), Value::string(d.sha512_base64));
}

fn mode(text: &str, what: &str) -> Result<u32, ProviderError> {
    u32::from_str_radix(text, 8)
        .ok()
        .filter(|m| *m <= 0o7777 && text.len() >= 3)
        .ok_or_else(|| invalid(format!("{what} {text:?} is not an octal mode such as \"0644\"")))
}

/// Checks a configuration beyond its schema ([`engine::core::provider::ProviderFactory::validate`]).
pub fn validate(req: ValidateRequest<'_>) -> Vec<ValidateProblem> {
    let mut out = Vec::new();
    for key in ["file_permission", "directory_permission"] {
        if let Some(text) = req.config.get(key).as_str() {
            if let Err(e) = mode(text, key) {
                out.push(ValidateProblem {
                    not_yet: false,
                    attribute: Some(key.to_string()),
                    message: e.message,
                });
            }
        }
    }
    out
}

impl Provider for Local {
    fn plan(&self, req: PlanRequest<'_>) -> Result<PlanResponse, ProviderError> {
        let mut planned = req.proposed.as_map().cloned().unwrap_or_default();
        for (key, default) in [("file_permission", "0777"), ("directory_permission", "0777")] {
            if planned.get(key).is_none_or(|v| v.is_null() || v.is_unknown()) {
                planned.insert(key.to_string(), Value::string(default));
            }
        }
        match bytes_of(req.config)? {
            Some(bytes) => digests(&bytes, &mut planned),
            None => {
                for k in std::iter::once("id").chain(DIGESTS) {
                    planned.insert(k.to_string(), Value::UNKNOWN);
                }
            }
        }
        Ok(PlanResponse::planned(Value::Map(planned.into())))
    }

    fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        let result = match (req.prior, req.planned) {
            (Some(prior), None) => {
                let path = prior.get("filename").deep_unmark();
                match path.as_str().map(std::fs::remove_file) {
                    Some(Err(e)) if e.kind() != std::io::ErrorKind::NotFound => Err(invalid(format!(
                        "cannot remove {}: {e}",
                        path.as_str().unwrap_or_default()
                    ))),
                    _ => Ok(None),
                }
            }
            (_, Some(planned)) => write(planned).map(Some),
            (None, None) => Ok(None),
        };
        ApplyResponse::finished(req.prior, result)
    }

    fn read(&self, req: ReadRequest<'_>) -> Result<Option<Value>, ProviderError> {
        let plain = req.prior.deep_unmark();
        let Some(path) = plain.get("filename").as_str().map(str::to_string) else {
            return Ok(None);
        };
        match std::fs::read(&path) {
            // Gone, or changed on disk: planned again, as Terraform's local provider does.
            Ok(bytes) if Some(sha1_hex(&bytes).as_str()) == plain.get("id").as_str() => Ok(Some(req.prior.clone())),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(invalid(format!("cannot read {path}: {e}"))),
        }
    }

    fn read_data(&self, req: ReadDataRequest<'_>) -> Result<Value, ProviderError> {
        Err(ProviderError::new(
            "UnsupportedType",
            format!("the local provider has no data source {:?} in infinstor", req.type_name),
        ))
    }

    fn import(&self, req: ImportRequest<'_>) -> Result<Option<Value>, ProviderError> {
        Err(ProviderError::new(
            "ImportNotSupported",
            format!(
                "{} cannot be imported: declare the file and apply, which writes it",
                req.type_name
            ),
        ))
    }
}

/// Writes the file (and its folder) with the planned content and modes.
fn write(planned: &Value) -> Result<Value, ProviderError> {
    let bytes = bytes_of(planned)?.ok_or_else(|| invalid("the file's content is not known"))?;
    let plain = planned.deep_unmark();
    let path = std::path::PathBuf::from(plain.get("filename").as_str().unwrap_or_default());
    let file_mode = mode(
        plain.get("file_permission").as_str().unwrap_or("0777"),
        "file_permission",
    )?;
    let dir_mode = mode(
        plain.get("directory_permission").as_str().unwrap_or("0777"),
        "directory_permission",
    )?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        std::fs::create_dir_all(dir).map_err(|e| invalid(format!("cannot create {}: {e}", dir.display())))?;
        set_mode(dir, dir_mode)?;
    }
    std::fs::write(&path, &bytes).map_err(|e| invalid(format!("cannot write {}: {e}", path.display())))?;
    set_mode(&path, file_mode)?;
    let mut m = planned.as_map().cloned().unwrap_or_default();
    digests(&bytes, &mut m);
    Ok(Value::Map(m.into()))
}

#[cfg(unix)]
fn set_mode(path: &std::path::Path, mode: u32) -> Result<(), ProviderError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| invalid(format!("cannot set the mode of {}: {e}", path.display())))
}

#[cfg(not(unix))]
fn set_mode(_: &std::path::Path, _: u32) -> Result<(), ProviderError> {
    Ok(())
}
