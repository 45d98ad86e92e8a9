//! The `archive` provider: `archive_file`, as a data source (built while planning) and as a
//! resource (built when applied and again at each refresh), writing the zip archive
//! Terraform's archive provider writes byte for byte — Go's deflate at its zip level, its
//! headers and its entry order — so that a function's `source_code_hash` is the same whichever
//! tool built the zip.

mod flate;
mod sources;
mod zip;

use crate::support::digest::Digests;
use engine::core::provider::{
    ApplyRequest, ApplyResponse, ImportRequest, PlanRequest, PlanResponse, Provider, ProviderError, ReadDataRequest,
    ReadRequest, ValidateProblem, ValidateRequest,
};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;
use sources::Entry;
use std::collections::BTreeMap;
use std::path::Path;

/// The provider name.
pub const NAME: &str = "archive";

const TYPE: &str = "archive_file";

/// What an archive's checksums are called.
const OUTPUTS: [&str; 8] = [
    "id",
    "output_size",
    "output_md5",
    "output_sha",
    "output_sha256",
    "output_base64sha256",
    "output_sha512",
    "output_base64sha512",
];

/// The provider block takes nothing.
pub fn config_schema() -> Schema {
    Schema::new()
}

fn schema(resource: bool) -> Schema {
    // Every argument of the resource replaces it, as in the archive provider.
    let arg = |ty: Type| {
        let a = Attribute::optional(ty);
        if resource {
            a.force_new()
        } else {
            a
        }
    };
    let required = |ty: Type| {
        let a = Attribute::required(ty);
        if resource {
            a.force_new()
        } else {
            a
        }
    };
    let mut s = Schema::new()
        .attr("type", required(Type::String).one_of(&["zip", "tar.gz"]))
        .attr("source_content", arg(Type::String))
        .attr("source_content_filename", arg(Type::String))
        .attr("source_file", arg(Type::String))
        .attr("source_dir", arg(Type::String))
        .attr("excludes", arg(Type::Set(Box::new(Type::String))))
        .attr("exclude_symlink_directories", arg(Type::Bool))
        .attr("output_path", required(Type::String))
        .attr("output_file_mode", arg(Type::String));
    let source = Schema::new()
        .attr("content", required(Type::String))
        .attr("filename", required(Type::String));
    s = if resource {
        s.block_force_new("source", Nesting::Set, source)
    } else {
        s.block("source", Nesting::Set, source)
    };
    for key in OUTPUTS {
        let ty = if key == "output_size" {
            Type::Number
        } else {
            Type::String
        };
        s = s.attr(key, Attribute::computed(ty));
    }
    s
}

/// Resource type schemas.
pub fn resource_schema(type_name: &str) -> Option<Schema> {
    (type_name == TYPE).then(|| schema(true))
}

/// Data source schemas.
pub fn data_schema(type_name: &str) -> Option<Schema> {
    (type_name == TYPE).then(|| schema(false))
}

/// Every resource type.
pub fn resource_types() -> Vec<String> {
    vec![TYPE.to_string()]
}

/// Every data source type.
pub fn data_types() -> Vec<String> {
    vec![TYPE.to_string()]
}

fn problem(attribute: &str, message: impl Into<String>) -> ValidateProblem {
    ValidateProblem {
        not_yet: false,
        attribute: Some(attribute.to_string()),
        message: message.into(),
    }
}

/// Checks beyond the schema: exactly one kind of source, a known archive type, an octal mode.
pub fn validate(req: ValidateRequest<'_>) -> Vec<ValidateProblem> {
    let config = req.config;
    let given = |k: &str| !config.get(k).is_null();
    let sources = !crate::support::attrs::block_items(config, "source").is_empty() || config.get("source").is_unknown();
    let mut out = Vec::new();
    let kinds = [
        sources,
        given("source_content_filename"),
        given("source_file"),
        given("source_dir"),
    ];
    match kinds.iter().filter(|k| **k).count() {
        0 => out.push(ValidateProblem {
not_yet: false,
            attribute: None,
            message: "At least one of these attributes must be configured: [source,source_content_filename,source_file,source_dir]".into(),
        }),
        1 => {}
        _ => out.push(ValidateProblem {
not_yet: false,
            attribute: None,
            message: "give one kind of source: source blocks, source_content with source_content_filename, source_file, or source_dir".into(),
        }),
    }
    if given("source_content") && (given("source_file") || given("source_dir")) {
        out.push(problem(
            "source_content",
            "source_content goes with source_content_filename, not with source_file or source_dir",
        ));
    }
    if given("excludes") && !given("source_dir") && !config.get("excludes").is_unknown() {
        out.push(problem("excludes", "excludes apply to source_dir only"));
    }
    if config.get("type").as_str() == Some("tar.gz") {
        out.push(problem(
            "type",
            "tar.gz archives are not supported yet: use type = \"zip\" (Lambda and most AWS services take zip)",
        ));
    }
    if let Some(mode) = config.get("output_file_mode").as_str() {
        if parse_mode(mode).is_none() {
            out.push(problem(
                "output_file_mode",
                format!("{mode:?} is not an octal mode such as \"0644\""),
            ));
        }
    }
    out
}

/// Go's `strconv.ParseUint(mode, 0, 32)`: `0644` is octal, `0x1a4` hexadecimal, `420` decimal.
fn parse_mode(text: &str) -> Option<u32> {
    let (digits, radix) = if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        (hex, 16)
    } else if let Some(bin) = text.strip_prefix("0b").or_else(|| text.strip_prefix("0B")) {
        (bin, 2)
    } else if let Some(oct) = text.strip_prefix("0o").or_else(|| text.strip_prefix("0O")) {
        (oct, 8)
    } else if text.len() > 1 && text.starts_with('0') {
        (&text[1..], 8)
    } else {
        (text, 10)
    };
    u32::from_str_radix(digits, radix).ok()
}

/// Configures the provider (it takes nothing).
pub fn configure(_: &Value) -> Result<std::sync::Arc<dyn Provider>, ProviderError> {
    Ok(std::sync::Arc::new(Archive))
}

struct Archive;

fn failed(message: impl Into<String>) -> ProviderError {
    ProviderError::new("ArchiveCreationError", message)
}

/// Builds the archive the configuration describes, writes it to `output_path` (making its
/// folder) and returns its checksums.
fn build(config: &Value) -> Result<BTreeMap<String, Value>, ProviderError> {
    let config = config.deep_unmark();
    let text = |k: &str| config.get(k).as_str().map(str::to_string);
    let mode = match text("output_file_mode") {
        // Go's os.FileMode keeps only the permission bits of a number given this way.
        Some(m) => {
            Some(parse_mode(&m).ok_or_else(|| failed(format!("error parsing output_file_mode value: {m}")))? & 0o777)
        }
        None => None,
    };
    let entries: Vec<Entry> = if let Some(dir) = text("source_dir") {
        let excludes = crate::support::attrs::string_set(&config.get("excludes"));
        let skip = config.get("exclude_symlink_directories").as_bool().unwrap_or(false);
        sources::directory(Path::new(&dir), &sources::Excludes::new(&excludes)?, skip, mode)?
    } else if let Some(file) = text("source_file") {
        let path = Path::new(&file);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or(file.clone());
        vec![sources::file(path, &name, mode)?]
    } else if let Some(name) = text("source_content_filename") {
        vec![Entry::Content {
            name,
            content: text("source_content").unwrap_or_default().into_bytes(),
        }]
    } else {
        // Several contents, by file name (the last of a name wins, as in a Go map).
        let mut by_name: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        for s in crate::support::attrs::block_items(&config, "source") {
            by_name.insert(
                s.get("filename").as_str().unwrap_or_default().to_string(),
                s.get("content").as_str().unwrap_or_default().as_bytes().to_vec(),
            );
        }
        by_name
            .into_iter()
            .map(|(name, content)| Entry::Content { name, content })
            .collect()
    };
    let mut writer = zip::ZipWriter::new();
    for entry in &entries {
        match entry {
            Entry::Content { name, content } => writer.add_content(name, content),
            Entry::File { name, content, mode } => writer.add_file(name, content, *mode),
        }
    }
    let bytes = writer.try_finish().map_err(|e| failed(e.to_string()))?;
    let output = text("output_path").ok_or_else(|| failed("output_path must be known"))?;
    let output = Path::new(&output);
    if let Some(folder) = output.parent().filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
        std::fs::create_dir_all(folder).map_err(|e| failed(format!("error creating output path: {e}")))?;
    }
    std::fs::write(output, &bytes).map_err(|e| failed(format!("error writing {}: {e}", output.display())))?;
    Ok(checksums(&bytes))
}

fn checksums(bytes: &[u8]) -> BTreeMap<String, Value> {
    let d = Digests::of(bytes);
    BTreeMap::from([
        ("id".to_string(), Value::string(&d.sha1)),
        ("output_size".to_string(), Value::from(bytes.len() as i64)),
        ("output_md5".to_string(), Value::string(d.md5)),
        ("output_sha".to_string(), Value::string(d.sha1)),
        ("output_sha256".to_string(), Value::string(d.sha256)),
        ("output_base64sha256".to_string(), Value::string(d.sha256_base64)),
        ("output_sha512".to_string(), Value::string(d.sha512)),
        ("output_base64sha512".to_string(), Value::string(d.sha512_base64)),
    ])
}

fn with_outputs(base: &Value, outputs: BTreeMap<String, Value>) -> Value {
    let mut m = base.as_map().cloned().unwrap_or_default();
    m.extend(outputs);
    Value::Map(m.into())
}

impl Provider for Archive {
    fn plan(&self, req: PlanRequest<'_>) -> Result<PlanResponse, ProviderError> {
        let mut planned = req.proposed.as_map().cloned().unwrap_or_default();
        // Built when applied: what it holds is known then.
        if req.prior.is_none() {
            for key in OUTPUTS {
                planned.insert(key.to_string(), Value::UNKNOWN);
            }
        }
        Ok(PlanResponse::planned(Value::Map(planned.into())))
    }

    fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        let result = match req.planned {
            // As in the archive provider, a destroy leaves the file where it is.
            None => Ok(None),
            Some(planned) => build(planned).map(|outputs| Some(with_outputs(planned, outputs))),
        };
        ApplyResponse::finished(req.prior, result)
    }

    fn read(&self, req: ReadRequest<'_>) -> Result<Option<Value>, ProviderError> {
        // Each refresh builds the archive again from its sources, as the archive provider does.
        build(req.prior).map(|outputs| Some(with_outputs(req.prior, outputs)))
    }

    fn read_data(&self, req: ReadDataRequest<'_>) -> Result<Value, ProviderError> {
        build(req.config).map(|outputs| with_outputs(req.config, outputs))
    }

    fn import(&self, req: ImportRequest<'_>) -> Result<Option<Value>, ProviderError> {
        Err(ProviderError::new(
            "ImportNotSupported",
            format!(
                "{} cannot be imported: declare it and apply, which builds the archive",
                req.type_name
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn modes_are_read_as_go_reads_them() {
        assert_eq!(super::parse_mode("0666"), Some(0o666));
        assert_eq!(super::parse_mode("0x1a4"), Some(0o644));
        assert_eq!(super::parse_mode("420"), Some(0o644));
        assert_eq!(super::parse_mode("rw"), None);
    }
}
