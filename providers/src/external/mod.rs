//! The `external` provider: the `external` data source runs a program on the machine that runs
//! infinstor and reads its answer, as Terraform's external provider does. The program gets
//! `query` as a JSON object of strings on its standard input and must print a JSON object of
//! strings (`result`); a program that exits with an error fails the read with what it wrote to
//! standard error. Like any data source it runs while planning, so a plan runs it.

use engine::core::provider::{
    ApplyRequest, ApplyResponse, ImportRequest, PlanRequest, PlanResponse, Provider, ProviderError, ReadDataRequest,
    ReadRequest,
};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::io::Write as _;

/// The provider name.
pub const NAME: &str = "external";

const DATA_SOURCE: &str = "external";

/// The provider block takes nothing.
pub fn config_schema() -> Schema {
    Schema::new()
}

/// Data source schemas.
pub fn data_schema(type_name: &str) -> Option<Schema> {
    let strings = || Type::Map(Box::new(Type::String));
    (type_name == DATA_SOURCE).then(|| {
        Schema::new()
            .attr("program", Attribute::required(Type::List(Box::new(Type::String))))
            .attr("query", Attribute::optional(strings()))
            .attr("working_dir", Attribute::optional(Type::String))
            .attr("result", Attribute::computed(strings()))
            .attr("id", Attribute::computed(Type::String))
    })
}

/// Every data source type.
pub fn data_types() -> Vec<String> {
    vec![DATA_SOURCE.to_string()]
}

/// Builds the provider (no configuration).
pub fn configure(_: &Value) -> Result<std::sync::Arc<dyn Provider>, ProviderError> {
    Ok(std::sync::Arc::new(External))
}

struct External;

fn failed(message: impl Into<String>) -> ProviderError {
    ProviderError::new("ExternalProgramFailed", message)
}

/// Runs `program` with `query` on its standard input; its standard output as a map of strings.
fn run(program: &[String], query: &serde_json::Value, dir: Option<&str>) -> Result<Value, ProviderError> {
    let (name, args) = program
        .split_first()
        .ok_or_else(|| failed("program is empty: give the command and its arguments, e.g. [\"python3\", \"x.py\"]"))?;
    let mut command = std::process::Command::new(name);
    command
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let mut child = command.spawn().map_err(|e| {
        failed(format!(
            "cannot run {name:?}: {e}. Check that it is installed and on PATH."
        ))
    })?;
    if let Some(mut stdin) = child.stdin.take() {
        // A program that does not read its input closes the pipe; that is not an error.
        let _ = stdin.write_all(query.to_string().as_bytes());
    }
    let out = child
        .wait_with_output()
        .map_err(|e| failed(format!("{name:?} did not finish: {e}")))?;
    if !out.status.success() {
        return Err(failed(format!(
            "{name:?} exited with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        failed(format!(
            "{name:?} must print a JSON object of strings; its output is not JSON ({e})"
        ))
    })?;
    let serde_json::Value::Object(fields) = parsed else {
        return Err(failed(format!(
            "{name:?} must print a JSON object of strings, not {parsed}"
        )));
    };
    let mut result = std::collections::BTreeMap::new();
    for (k, v) in fields {
        match v {
            serde_json::Value::String(s) => {
                result.insert(k, Value::String(s));
            }
            other => {
                return Err(failed(format!(
                    "{name:?} must print a JSON object of strings; {k:?} is {other}"
                )))
            }
        }
    }
    Ok(Value::Map(result.into()))
}

impl Provider for External {
    fn plan(&self, req: PlanRequest<'_>) -> Result<PlanResponse, ProviderError> {
        Ok(PlanResponse::planned(req.proposed.clone()))
    }

    fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        ApplyResponse {
            new_state: req.prior.cloned(),
            error: Some(failed("the external provider has no resource types")),
        }
    }

    fn read(&self, req: ReadRequest<'_>) -> Result<Option<Value>, ProviderError> {
        Ok(Some(req.prior.clone()))
    }

    fn read_data(&self, req: ReadDataRequest<'_>) -> Result<Value, ProviderError> {
        let config = req.config.deep_unmark();
        let program: Vec<String> = config
            .get("program")
            .as_list()
            .map(|items| items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        let query: serde_json::Map<String, serde_json::Value> = config
            .get("query")
            .as_map()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            serde_json::Value::String(v.as_str().unwrap_or_default().to_string()),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let result = run(
            &program,
            &serde_json::Value::Object(query),
            config.get("working_dir").as_str(),
        )?;
        let mut m = req.config.as_map().cloned().unwrap_or_default();
        m.insert("result".into(), result);
        m.insert("id".into(), Value::string("-"));
        Ok(Value::Map(m.into()))
    }

    fn import(&self, _: ImportRequest<'_>) -> Result<Option<Value>, ProviderError> {
        Err(failed("the external provider has no resource types to import"))
    }
}
