//! The `random` provider: values generated once and kept in state (`random_password`,
//! `random_string`, `random_id`, `random_pet`), such as seed 003's external ID. As in
//! Terraform's random provider, every argument forces a new value (`keepers` exists for that),
//! a read keeps what was generated, and destroying forgets it.

mod words;

use engine::core::provider::{
    ApplyRequest, ApplyResponse, ImportRequest, PlanRequest, PlanResponse, Provider, ProviderError, ReadDataRequest,
    ReadRequest, ValidateProblem, ValidateRequest,
};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

/// The provider name.
pub const NAME: &str = "random";

const PASSWORD: &str = "random_password";
const STRING: &str = "random_string";
const ID: &str = "random_id";
const PET: &str = "random_pet";

/// The provider block takes nothing.
pub fn config_schema() -> Schema {
    Schema::new()
}

fn keepers() -> Attribute {
    Attribute::optional(Type::Map(Box::new(Type::String))).force_new()
}

fn string_schema(sensitive: bool) -> Schema {
    let result = Attribute::computed(Type::String);
    let mut s = Schema::new()
        .attr("length", Attribute::required(Type::Number).force_new())
        .attr("keepers", keepers())
        .attr("override_special", Attribute::optional(Type::String).force_new())
        .attr("id", Attribute::computed(Type::String))
        .attr("result", if sensitive { result.sensitive() } else { result });
    for flag in ["special", "upper", "lower", "numeric"] {
        s = s.attr(flag, Attribute::optional_computed(Type::Bool).force_new());
    }
    for min in ["min_special", "min_upper", "min_lower", "min_numeric"] {
        s = s.attr(min, Attribute::optional_computed(Type::Number).force_new());
    }
    s
}

/// Resource type schemas.
pub fn resource_schema(type_name: &str) -> Option<Schema> {
    match type_name {
        PASSWORD => Some(string_schema(true)),
        STRING => Some(string_schema(false)),
        ID => Some(
            Schema::new()
                .attr("byte_length", Attribute::required(Type::Number).force_new())
                .attr("prefix", Attribute::optional(Type::String).force_new())
                .attr("keepers", keepers())
                .attr("id", Attribute::computed(Type::String))
                .attr("b64_url", Attribute::computed(Type::String))
                .attr("b64_std", Attribute::computed(Type::String))
                .attr("hex", Attribute::computed(Type::String))
                .attr("dec", Attribute::computed(Type::String)),
        ),
        PET => Some(
            Schema::new()
                .attr("length", Attribute::optional_computed(Type::Number).force_new())
                .attr("prefix", Attribute::optional(Type::String).force_new())
                .attr("separator", Attribute::optional_computed(Type::String).force_new())
                .attr("keepers", keepers())
                .attr("id", Attribute::computed(Type::String)),
        ),
        _ => None,
    }
}

/// Ephemeral resource types: `random_password`, generated anew in each plan and apply and kept
/// nowhere (for a write-only argument).
pub fn ephemeral_types() -> Vec<String> {
    vec![PASSWORD.to_string()]
}

/// The schema of an ephemeral resource type: the managed one's arguments, without `keepers`
/// (nothing is kept to replace) and `id`, and with `bcrypt_hash`.
pub fn ephemeral_schema(type_name: &str) -> Option<Schema> {
    (type_name == PASSWORD).then(|| {
        let mut s = string_schema(true);
        s.attributes.remove("keepers");
        s.attributes.remove("id");
        s.attr("bcrypt_hash", Attribute::computed(Type::String).sensitive())
    })
}

/// Every resource type.
pub fn resource_types() -> Vec<String> {
    [PASSWORD, STRING, ID, PET].iter().map(|t| t.to_string()).collect()
}

/// Builds the provider (no configuration).
pub fn configure(_: &Value) -> Result<std::sync::Arc<dyn Provider>, ProviderError> {
    Ok(std::sync::Arc::new(Random))
}

struct Random;

fn invalid(message: impl Into<String>) -> ProviderError {
    ProviderError::new("InvalidArgument", message)
}

use crate::support::secret::below;

const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const NUMERIC: &str = "0123456789";
const SPECIAL: &str = "!@#$%&*()-_=+[]{}<>:?";

/// The string settings with Terraform's defaults filled in.
fn settings(config: &Value) -> std::collections::BTreeMap<String, Value> {
    let mut m = config.as_map().cloned().unwrap_or_default();
    for flag in ["special", "upper", "lower", "numeric"] {
        if m.get(flag).is_none_or(|v| v.is_null() || v.is_unknown()) {
            m.insert(flag.into(), Value::Bool(true));
        }
    }
    for min in ["min_special", "min_upper", "min_lower", "min_numeric"] {
        if m.get(min).is_none_or(|v| v.is_null() || v.is_unknown()) {
            m.insert(min.into(), Value::from(0.0));
        }
    }
    m
}

fn generate_string(m: &std::collections::BTreeMap<String, Value>) -> Result<String, ProviderError> {
    let num = |k: &str| m.get(k).and_then(|v| v.as_f64()).unwrap_or(0.0) as usize;
    let flag = |k: &str| m.get(k).and_then(|v| v.as_bool()).unwrap_or(true);
    let length = num("length");
    let special = m
        .get("override_special")
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .unwrap_or_else(|| SPECIAL.to_string());
    let classes: Vec<(bool, usize, String)> = vec![
        (flag("upper"), num("min_upper"), UPPER.to_string()),
        (flag("lower"), num("min_lower"), LOWER.to_string()),
        (flag("numeric"), num("min_numeric"), NUMERIC.to_string()),
        (flag("special"), num("min_special"), special),
    ];
    let pool: Vec<char> = classes
        .iter()
        .filter(|(on, _, _)| *on)
        .flat_map(|(_, _, s)| s.chars())
        .collect();
    if pool.is_empty() {
        return Err(invalid(
            "every character class is turned off: allow at least one of upper, lower, numeric, special",
        ));
    }
    let mut out: Vec<char> = Vec::with_capacity(length);
    for (on, min, chars) in &classes {
        let chars: Vec<char> = chars.chars().collect();
        for _ in 0..if *on { *min } else { 0 } {
            out.push(chars[below(chars.len())?]);
        }
    }
    if out.len() > length {
        return Err(invalid(format!(
            "length {length} is shorter than the sum of the minimums ({})",
            out.len()
        )));
    }
    while out.len() < length {
        out.push(pool[below(pool.len())?]);
    }
    // Shuffled, so the required characters are not all at the front.
    crate::support::secret::shuffle(&mut out)?;
    Ok(out.into_iter().collect())
}

impl Random {
    /// The new object for a planned create.
    fn create(&self, type_name: &str, planned: &Value) -> Result<Value, ProviderError> {
        let mut m = planned.as_map().cloned().unwrap_or_default();
        match type_name {
            PASSWORD | STRING => {
                m = settings(&Value::Map(m.into()));
                let result = generate_string(&m)?;
                m.insert(
                    "id".into(),
                    Value::string(if type_name == PASSWORD {
                        "none".to_string()
                    } else {
                        result.clone()
                    }),
                );
                let result = Value::string(&result);
                m.insert(
                    "result".into(),
                    if type_name == PASSWORD {
                        result.mark_sensitive()
                    } else {
                        result
                    },
                );
            }
            ID => {
                use base64::Engine as _;
                let n = m.get("byte_length").and_then(|v| v.as_f64()).unwrap_or(0.0) as usize;
                let mut bytes = vec![0u8; n];
                getrandom::getrandom(&mut bytes)
                    .map_err(|e| ProviderError::new("RandomnessUnavailable", e.to_string()))?;
                let prefix = m.get("prefix").and_then(|v| v.as_str()).unwrap_or_default().to_string();
                let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes);
                let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                let dec = crate::support::number::decimal(&bytes);
                m.insert("id".into(), Value::string(&url));
                m.insert("b64_url".into(), Value::string(format!("{prefix}{url}")));
                m.insert(
                    "b64_std".into(),
                    Value::string(format!(
                        "{prefix}{}",
                        base64::engine::general_purpose::STANDARD.encode(&bytes)
                    )),
                );
                m.insert("hex".into(), Value::string(format!("{prefix}{hex}")));
                m.insert("dec".into(), Value::string(format!("{prefix}{dec}")));
            }
            PET => {
                let length = m.get("length").and_then(|v| v.as_f64()).unwrap_or(2.0) as usize;
                let separator = m.get("separator").and_then(|v| v.as_str()).unwrap_or("-").to_string();
                let mut parts = Vec::new();
                if let Some(p) = m.get("prefix").and_then(|v| v.as_str()) {
                    parts.push(p.to_string());
                }
                for i in 0..length {
                    let list = if i + 1 == length {
                        words::ANIMALS
                    } else {
                        words::ADJECTIVES
                    };
                    parts.push(list[below(list.len())?].to_string());
                }
                m.insert("length".into(), Value::from(length as i64));
                m.insert("separator".into(), Value::string(&separator));
                m.insert("id".into(), Value::string(parts.join(&separator)));
            }
            other => return Err(invalid(format!("the random provider has no resource type {other:?}"))),
        }
        Ok(Value::Map(m.into()))
    }
}

/// Checks a configuration beyond its schema ([`engine::core::provider::ProviderFactory::validate`]).
pub fn validate(req: ValidateRequest<'_>) -> Vec<ValidateProblem> {
    let mut out = Vec::new();
    let positive = |key: &str, out: &mut Vec<ValidateProblem>| {
        if let Some(n) = req.config.get(key).as_f64() {
            if n < 1.0 || n.fract() != 0.0 {
                out.push(ValidateProblem {
                    not_yet: false,
                    attribute: Some(key.into()),
                    message: format!("{key} must be a whole number of at least 1"),
                });
            }
        }
    };
    match req.type_name {
        PASSWORD | STRING | PET => positive("length", &mut out),
        ID => positive("byte_length", &mut out),
        _ => {}
    }
    out
}

impl Provider for Random {
    fn plan(&self, req: PlanRequest<'_>) -> Result<PlanResponse, ProviderError> {
        let mut planned = match req.type_name {
            PASSWORD | STRING => settings(req.proposed),
            _ => req.proposed.as_map().cloned().unwrap_or_default(),
        };
        if req.type_name == PET {
            for (key, default) in [("length", Value::from(2.0)), ("separator", Value::string("-"))] {
                if planned.get(key).is_none_or(|v| v.is_null() || v.is_unknown()) {
                    planned.insert(key.into(), default);
                }
            }
        }
        Ok(PlanResponse::planned(Value::Map(planned.into())))
    }

    fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        let result = match (req.prior, req.planned) {
            (_, None) => Ok(None),
            (None, Some(planned)) => self.create(req.type_name, planned).map(Some),
            // Every argument forces a new value; what is left to update changes nothing.
            (Some(prior), Some(_)) => Ok(Some(prior.clone())),
        };
        ApplyResponse::finished(req.prior, result)
    }

    fn read(&self, req: ReadRequest<'_>) -> Result<Option<Value>, ProviderError> {
        Ok(Some(req.prior.clone()))
    }

    fn read_data(&self, req: ReadDataRequest<'_>) -> Result<Value, ProviderError> {
        Err(invalid(format!(
            "the random provider has no data source {:?}",
            req.type_name
        )))
    }

    fn open_ephemeral(&self, req: ReadDataRequest<'_>) -> Result<Value, ProviderError> {
        if req.type_name != PASSWORD {
            return Err(invalid(format!(
                "the random provider has no ephemeral resource {:?}",
                req.type_name
            )));
        }
        if req.config.get("length").as_f64().is_none_or(|n| n < 1.0) {
            return Err(invalid("length must be at least 1"));
        }
        let mut m = settings(req.config);
        let result = generate_string(&m)?;
        let hash =
            bcrypt::hash(&result, bcrypt::DEFAULT_COST).map_err(|e| ProviderError::new("HashFailed", e.to_string()))?;
        m.insert("bcrypt_hash".into(), Value::string(hash).mark_sensitive());
        m.insert("result".into(), Value::string(result).mark_sensitive());
        Ok(Value::Map(m.into()))
    }

    /// Import ID: the value itself (random_string, random_password), as Terraform's provider.
    fn import(&self, req: ImportRequest<'_>) -> Result<Option<Value>, ProviderError> {
        match req.type_name {
            STRING | PASSWORD => {
                let mut m = settings(&Value::empty_map());
                m.insert("length".into(), Value::Number((req.id.chars().count() as f64).into()));
                m.insert(
                    "id".into(),
                    Value::string(if req.type_name == PASSWORD { "none" } else { req.id }),
                );
                m.insert("result".into(), Value::string(req.id));
                Ok(Some(Value::Map(m.into())))
            }
            other => Err(invalid(format!("{other} cannot be imported"))),
        }
    }
}
