//! Templates: parsing (JSON or YAML), comparing, and checking parameters against the
//! Parameters section at plan time.

use crate::cloudformation::{scalar_string, yaml};
use crate::resource::Ctx;
use crate::support::attrs::problem;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::value::Value;
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// Parses a template: JSON when it starts with `{`, YAML (the subset of [`yaml`]) otherwise.
/// A template is a mapping: anything else (a bare string, say) is not a template.
pub(super) fn parse_template(body: &str) -> Result<Json, String> {
    let parsed = if body.trim_start().starts_with('{') {
        serde_json::from_str(body).map_err(|e| format!("the template is not valid JSON: {e}"))?
    } else {
        yaml::parse(body)?
    };
    match parsed {
        Json::Object(_) => Ok(parsed),
        _ => Err("the template must be a JSON object or a YAML mapping".to_string()),
    }
}

/// True when two template bodies mean the same (key order, whitespace, comments and JSON
/// versus YAML notation do not matter).
pub(super) fn templates_equivalent(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (parse_template(a), parse_template(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// The template body to record after reading `remote`: the prior string when it means the same,
/// so that formatting never shows as drift. A body that cannot be parsed at all cannot be
/// compared and keeps the prior too, rather than showing a change nobody made.
pub(super) fn keep_prior_template(prior: &Value, remote: &str) -> Value {
    match prior.as_str() {
        Some(p) if templates_equivalent(p, remote) => Value::string(p),
        Some(p) if parse_template(remote).is_err() && parse_template(p).is_ok() => Value::string(p),
        _ => Value::string(remote),
    }
}

pub(super) fn json_scalar_string(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(
            n.as_f64()
                .map(engine::core::value::format_number)
                .unwrap_or_else(|| n.to_string()),
        ),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(super) fn json_number(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The `Parameters` section of a template, when the template can be read.
pub(super) fn template_parameters(body: &str) -> Option<serde_json::Map<String, Json>> {
    let template = parse_template(body).ok()?;
    match template.get("Parameters") {
        Some(Json::Object(p)) => Some(p.clone()),
        _ => Some(serde_json::Map::new()),
    }
}

/// Checks configured stack parameters against the template's `Parameters` section.
pub(super) fn check_parameters(declared: &serde_json::Map<String, Json>, params: &Value) -> Vec<ValidateProblem> {
    let mut out = Vec::new();
    if params.is_unknown() {
        return out;
    }
    let empty = BTreeMap::new();
    let given = params.as_map().unwrap_or(&empty);
    let names: Vec<&str> = declared.keys().map(String::as_str).collect();
    for name in given.keys() {
        if declared.contains_key(name) {
            continue;
        }
        let known = if names.is_empty() {
            "the template declares no parameters".to_string()
        } else {
            format!("the template declares: {}", names.join(", "))
        };
        let hint = names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(name))
            .map(|n| format!("; did you mean \"{n}\"?"))
            .unwrap_or_default();
        out.push(problem(
            &format!("parameters.{name}"),
            format!("parameter \"{name}\" is not declared in the template's Parameters section ({known}){hint}"),
        ));
    }
    for (name, decl) in declared {
        match given.get(name) {
            None => {
                if decl.get("Default").is_none() {
                    out.push(problem(
                        &format!("parameters.{name}"),
                        format!(
                            "parameter \"{name}\" is required: the template gives it no Default, so set it in \
                             `parameters` ({name} = \"...\")"
                        ),
                    ));
                }
            }
            Some(v) if v.contains_unknown() => {}
            Some(v) => {
                let Some(text) = scalar_string(v) else {
                    out.push(problem(
                        &format!("parameters.{name}"),
                        format!("parameter \"{name}\" must be a string, number or list of strings"),
                    ));
                    continue;
                };
                let secret = v.contains_sensitive()
                    || decl
                        .get("NoEcho")
                        .and_then(json_scalar_string)
                        .is_some_and(|s| s.eq_ignore_ascii_case("true"));
                if let Some(message) = check_parameter_value(name, decl, &text, secret) {
                    out.push(problem(&format!("parameters.{name}"), message));
                }
            }
        }
    }
    out
}

/// The first constraint of a parameter declaration that `value` breaks, as a message.
pub(super) fn check_parameter_value(name: &str, decl: &Json, value: &str, secret: bool) -> Option<String> {
    let ty = decl.get("Type").and_then(Json::as_str).unwrap_or("String");
    // The value of an SSM parameter type is the SSM parameter's name, not the value the
    // constraints are about.
    if ty.starts_with("AWS::SSM::Parameter") {
        return None;
    }
    let is_list = ty == "CommaDelimitedList" || ty.starts_with("List<");
    let is_number = ty == "Number" || ty == "List<Number>";
    let shown = |item: &str| {
        if secret {
            "the value".to_string()
        } else {
            format!("{item:?}")
        }
    };
    let constraint = decl
        .get("ConstraintDescription")
        .and_then(Json::as_str)
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    let items: Vec<&str> = if is_list {
        value.split(',').map(str::trim).collect()
    } else {
        vec![value]
    };
    for item in &items {
        if is_number && item.parse::<f64>().is_err() {
            return Some(format!(
                "parameter \"{name}\" has type {ty}, but {} is not a number{constraint}",
                shown(item)
            ));
        }
        if let Some(Json::Array(allowed)) = decl.get("AllowedValues") {
            let allowed: Vec<String> = allowed.iter().filter_map(json_scalar_string).collect();
            let ok = allowed.iter().any(|a| {
                a == item
                    || (is_number && a.parse::<f64>().ok() == item.parse::<f64>().ok() && a.parse::<f64>().is_ok())
            });
            if !ok {
                return Some(format!(
                    "parameter \"{name}\": {} is not one of the allowed values ({}){constraint}",
                    shown(item),
                    allowed.join(", ")
                ));
            }
        }
        if let Some(pattern) = decl.get("AllowedPattern").and_then(Json::as_str) {
            // CloudFormation matches the whole value; a pattern the regex crate cannot read
            // (Java-only syntax) is left to CloudFormation.
            if let Ok(re) = regex::Regex::new(&format!("^(?:{pattern})$")) {
                if !re.is_match(item) {
                    return Some(format!(
                        "parameter \"{name}\": {} does not match the allowed pattern {pattern}{constraint}",
                        shown(item)
                    ));
                }
            }
        }
        if is_number {
            let n = item.parse::<f64>().unwrap_or(f64::NAN);
            if let Some(min) = decl.get("MinValue").and_then(json_number) {
                if n < min {
                    return Some(format!(
                        "parameter \"{name}\": {} is less than the minimum value {}{constraint}",
                        shown(item),
                        engine::core::value::format_number(min)
                    ));
                }
            }
            if let Some(max) = decl.get("MaxValue").and_then(json_number) {
                if n > max {
                    return Some(format!(
                        "parameter \"{name}\": {} is greater than the maximum value {}{constraint}",
                        shown(item),
                        engine::core::value::format_number(max)
                    ));
                }
            }
        }
    }
    if !is_number {
        let len = value.chars().count() as f64;
        if let Some(min) = decl.get("MinLength").and_then(json_number) {
            if len < min {
                return Some(format!(
                    "parameter \"{name}\": {} is {} characters long, shorter than the minimum length {}{constraint}",
                    shown(value),
                    len,
                    engine::core::value::format_number(min)
                ));
            }
        }
        if let Some(max) = decl.get("MaxLength").and_then(json_number) {
            if len > max {
                return Some(format!(
                    "parameter \"{name}\": {} is {} characters long, longer than the maximum length {}{constraint}",
                    shown(value),
                    len,
                    engine::core::value::format_number(max)
                ));
            }
        }
    }
    None
}

/// The bucket and key of an S3 URL in any of its forms (`https://s3.amazonaws.com/B/K`,
/// `https://s3.REGION.amazonaws.com/B/K`, `https://B.s3.amazonaws.com/K`,
/// `https://B.s3.REGION.amazonaws.com/K`).
pub(super) fn s3_location(url: &str) -> Option<(String, String)> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/')?;
    let host = host.to_ascii_lowercase();
    if !host.ends_with(".amazonaws.com") {
        return None;
    }
    let path = urlencoding::decode(path).ok()?.into_owned();
    if host.starts_with("s3.") || host.starts_with("s3-") {
        let (bucket, key) = path.split_once('/')?;
        return Some((bucket.to_string(), key.to_string()));
    }
    let (bucket, _) = host.split_once(".s3")?;
    Some((bucket.to_string(), path))
}

/// The template a `template_url` names: read through S3 for an S3 URL (with the provider's
/// credentials, as CloudFormation reads it), over HTTPS otherwise.
pub(super) fn fetch_template(ctx: &Ctx, url: &str) -> Result<String, ProviderError> {
    let bytes = match s3_location(url) {
        Some((bucket, key)) => {
            let read = async {
                let out = ctx.s3.get_object().bucket(&bucket).key(&key).send().await?;
                Ok::<_, aws_sdk_s3::error::SdkError<_>>(out.body.collect().await.map(|b| b.into_bytes().to_vec()))
            };
            match ctx.block_on(read) {
                Ok(Ok(bytes)) => bytes,
                Ok(Err(e)) => {
                    return Err(ProviderError::new(
                        "TemplateUnreadable",
                        format!("reading template_url {url}: {e}"),
                    ))
                }
                Err(e) => {
                    // The AWS code and message only: the SDK's full context is a raw response dump.
                    let cause = crate::support::error::from_sdk(&format!("s3://{bucket}/{key}"), e);
                    return Err(ProviderError::new(
                        "TemplateUnreadable",
                        format!(
                            "cannot read template_url {url} ({}). Check the URL (the build number in it) and that these credentials may read it",
                            cause.message
                        ),
                    ));
                }
            }
        }
        None => {
            let response = engine::http::get(url, None).map_err(|e| ProviderError::new("TemplateUnreadable", e))?;
            if response.status != 200 {
                return Err(ProviderError::new(
                    "TemplateUnreadable",
                    format!("template_url {url} answered {}; check the URL", response.status),
                ));
            }
            response.body
        }
    };
    String::from_utf8(bytes)
        .map_err(|_| ProviderError::new("TemplateUnreadable", format!("template_url {url} is not text")))
}

/// Checks the parameters against the template a `template_url` names, as `validate` does for
/// a `template_body`.
pub(super) fn check_url_parameters(ctx: &Ctx, url: &str, params: &Value) -> Result<(), ProviderError> {
    let body = fetch_template(ctx, url)?;
    let declared = template_parameters(&body).ok_or_else(|| {
        ProviderError::new(
            "InvalidTemplate",
            format!("template_url {url} does not hold a CloudFormation template"),
        )
    })?;
    let problems = check_parameters(&declared, params);
    if problems.is_empty() {
        return Ok(());
    }
    Err(ProviderError::new(
        "InvalidParameters",
        format!(
            "the parameters do not match the template at {url}: {}",
            problems
                .iter()
                .map(|p| p.message.clone())
                .collect::<Vec<_>>()
                .join("; ")
        ),
    ))
}
