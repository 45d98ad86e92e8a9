//! `data "aws_iam_policy_document"`, computed locally without an AWS call.
//!
//! It reproduces the Terraform AWS provider's output byte for byte (statement field order,
//! collapsing of one-element lists, reverse-sorted sets, Go's HTML-safe escaping, the CRC-32
//! `id`), so that documents and anything derived from them (hashes, plans against state written
//! by Terraform) stay identical.

use crate::resource::{Ctx, DataType};
use crate::support::attrs::{finish, list_of_strings, set_of_strings, string_set};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;

/// The configuration as a mutable map, for adding computed attributes.
fn config_map(config: &Value) -> BTreeMap<String, Value> {
    config.deep_unmark().as_map().cloned().unwrap_or_default()
}

fn invalid(message: impl Into<String>) -> ProviderError {
    ProviderError::new("InvalidPolicyDocument", message)
}

/// `data "aws_iam_policy_document"`.
pub(super) struct PolicyDocument;

/// A string or a list of strings, as Terraform's model keeps them (`interface{}` in Go).
#[derive(Debug, Clone, PartialEq)]
enum StrOrList {
    Str(String),
    List(Vec<String>),
}

#[derive(Debug, Clone)]
struct Principal {
    ty: String,
    ids: StrOrList,
}

#[derive(Debug, Clone)]
struct Condition {
    test: String,
    variable: String,
    values: StrOrList,
}

/// One statement in Terraform's intermediate model. Action and resource fields hold JSON as
/// given: source documents keep their own shape, configured ones are already collapsed.
#[derive(Debug, Clone, Default)]
struct Statement {
    sid: String,
    effect: String,
    actions: Option<Json>,
    not_actions: Option<Json>,
    resources: Option<Json>,
    not_resources: Option<Json>,
    principals: Vec<Principal>,
    not_principals: Vec<Principal>,
    conditions: Vec<Condition>,
}

#[derive(Debug, Clone, Default)]
struct Doc {
    version: String,
    id: String,
    statements: Vec<Statement>,
}

impl Doc {
    /// Terraform's `IAMPolicyDoc.Merge`: statements with a Sid replace the existing statement
    /// with that Sid, all others are appended; a later document may raise the version.
    fn merge(&mut self, new: Doc) {
        if !new.id.is_empty() {
            self.id = new.id;
        }
        if new.version > self.version {
            self.version = new.version;
        }
        for stmt in new.statements {
            if !stmt.sid.is_empty() {
                if let Some(existing) = self.statements.iter_mut().find(|s| s.sid == stmt.sid) {
                    *existing = stmt;
                    continue;
                }
            }
            self.statements.push(stmt);
        }
    }

    fn to_json(&self) -> Json {
        let mut out = Map::new();
        if !self.version.is_empty() {
            out.insert("Version".into(), Json::String(self.version.clone()));
        }
        if !self.id.is_empty() {
            out.insert("Id".into(), Json::String(self.id.clone()));
        }
        if !self.statements.is_empty() {
            out.insert(
                "Statement".into(),
                Json::Array(self.statements.iter().map(Statement::to_json).collect()),
            );
        }
        Json::Object(out)
    }
}

impl Statement {
    fn to_json(&self) -> Json {
        let mut out = Map::new();
        if !self.sid.is_empty() {
            out.insert("Sid".into(), Json::String(self.sid.clone()));
        }
        if !self.effect.is_empty() {
            out.insert("Effect".into(), Json::String(self.effect.clone()));
        }
        for (key, value) in [
            ("Action", &self.actions),
            ("NotAction", &self.not_actions),
            ("Resource", &self.resources),
            ("NotResource", &self.not_resources),
        ] {
            if let Some(v) = value {
                if !v.is_null() {
                    out.insert(key.into(), v.clone());
                }
            }
        }
        if !self.principals.is_empty() {
            out.insert("Principal".into(), principals_json(&self.principals));
        }
        if !self.not_principals.is_empty() {
            out.insert("NotPrincipal".into(), principals_json(&self.not_principals));
        }
        if !self.conditions.is_empty() {
            out.insert("Condition".into(), conditions_json(&self.conditions));
        }
        Json::Object(out)
    }
}

fn reverse_sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort_by(|a, b| b.cmp(a));
    v
}

fn str_or_list_json(v: &StrOrList) -> Json {
    match v {
        StrOrList::Str(s) => Json::String(s.clone()),
        StrOrList::List(l) => Json::Array(l.iter().cloned().map(Json::String).collect()),
    }
}

/// Terraform's `policyDecodeConfigStringList`: one element becomes a string, more become a
/// list in reverse-sorted order.
fn decode_string_list(items: Vec<String>) -> StrOrList {
    if items.len() == 1 {
        StrOrList::Str(items.into_iter().next().unwrap_or_default())
    } else {
        StrOrList::List(reverse_sorted(items))
    }
}

/// Terraform's `IAMPolicyStatementPrincipalSet.MarshalJSON`.
fn principals_json(ps: &[Principal]) -> Json {
    if let [p] = ps {
        let star = match &p.ids {
            StrOrList::Str(s) => s == "*",
            StrOrList::List(l) => l.len() == 1 && l[0] == "*",
        };
        if p.ty == "*" && star {
            return Json::String("*".into());
        }
    }
    let mut raw: BTreeMap<String, StrOrList> = BTreeMap::new();
    for p in ps {
        match &p.ids {
            StrOrList::List(ids) => {
                let mut list = match raw.remove(&p.ty) {
                    None => Vec::new(),
                    Some(StrOrList::Str(s)) => vec![s],
                    Some(StrOrList::List(l)) => l,
                };
                list.extend(reverse_sorted(ids.clone()));
                raw.insert(p.ty.clone(), StrOrList::List(list));
            }
            StrOrList::Str(id) => {
                let next = match raw.remove(&p.ty) {
                    None => StrOrList::Str(id.clone()),
                    Some(StrOrList::Str(s)) => StrOrList::List(vec![s, id.clone()]),
                    Some(StrOrList::List(mut l)) => {
                        l.push(id.clone());
                        StrOrList::List(l)
                    }
                };
                raw.insert(p.ty.clone(), next);
            }
        }
    }
    Json::Object(raw.iter().map(|(k, v)| (k.clone(), str_or_list_json(v))).collect())
}

/// Terraform's `IAMPolicyStatementConditionSet.MarshalJSON`: values keep their order (it
/// matters to some operators) and one-element lists are flattened.
fn conditions_json(cs: &[Condition]) -> Json {
    let mut raw: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for c in cs {
        let values = raw
            .entry(c.test.clone())
            .or_default()
            .entry(c.variable.clone())
            .or_default();
        match &c.values {
            StrOrList::Str(s) => values.push(s.clone()),
            StrOrList::List(l) => values.extend(l.iter().cloned()),
        }
    }
    Json::Object(
        raw.into_iter()
            .map(|(test, vars)| {
                let vars = vars
                    .into_iter()
                    .map(|(var, mut values)| {
                        let v = if values.len() == 1 {
                            Json::String(values.remove(0))
                        } else {
                            Json::Array(values.into_iter().map(Json::String).collect())
                        };
                        (var, v)
                    })
                    .collect();
                (test, Json::Object(vars))
            })
            .collect(),
    )
}

/// Terraform's `&{var}` escape for IAM policy variables, which HCL would otherwise interpolate.
fn replace_vars(s: &str, version: &str) -> Result<String, ProviderError> {
    if version == "2008-10-17" && s.contains("&{") {
        return Err(invalid(format!(
            "found &{{ sequence in ({s}), which is not supported in document version 2008-10-17"
        )));
    }
    Ok(s.replace("&{", "${"))
}

fn replace_vars_in(v: StrOrList, version: &str) -> Result<StrOrList, ProviderError> {
    Ok(match v {
        StrOrList::Str(s) => StrOrList::Str(replace_vars(&s, version)?),
        StrOrList::List(l) => StrOrList::List(l.iter().map(|s| replace_vars(s, version)).collect::<Result<_, _>>()?),
    })
}

fn blocks(v: &Value) -> &[Value] {
    v.as_list().unwrap_or(&[])
}

/// One `statement` block of the configuration.
fn config_statement(block: &Value, version: &str) -> Result<Statement, ProviderError> {
    let mut stmt = Statement {
        sid: block.get("sid").as_str().unwrap_or("").to_string(),
        effect: block.get("effect").as_str().unwrap_or("Allow").to_string(),
        ..Statement::default()
    };
    let set = |key: &str| {
        let items = string_set(&block.get(key));
        (!items.is_empty()).then(|| decode_string_list(items))
    };
    stmt.actions = set("actions").map(|v| str_or_list_json(&v));
    stmt.not_actions = set("not_actions").map(|v| str_or_list_json(&v));
    if let Some(v) = set("resources") {
        stmt.resources = Some(str_or_list_json(&replace_vars_in(v, version)?));
    }
    if let Some(v) = set("not_resources") {
        stmt.not_resources = Some(str_or_list_json(&replace_vars_in(v, version)?));
    }
    let principals = |key: &str| -> Result<Vec<Principal>, ProviderError> {
        blocks(&block.get(key))
            .iter()
            .map(|p| {
                Ok(Principal {
                    ty: p.get("type").as_str().unwrap_or("").to_string(),
                    ids: replace_vars_in(decode_string_list(string_set(&p.get("identifiers"))), version)?,
                })
            })
            .collect()
    };
    stmt.principals = principals("principals")?;
    stmt.not_principals = principals("not_principals")?;
    for c in blocks(&block.get("condition")) {
        let values: Vec<String> = c
            .get("values")
            .as_list()
            .unwrap_or(&[])
            .iter()
            .map(|v| v.to_template_string().unwrap_or_default())
            .collect();
        let values = match replace_vars_in(StrOrList::List(values), version)? {
            StrOrList::List(l) if l.len() == 1 => StrOrList::Str(l[0].clone()),
            other => other,
        };
        stmt.conditions.push(Condition {
            test: c.get("test").as_str().unwrap_or("").to_string(),
            variable: c.get("variable").as_str().unwrap_or("").to_string(),
            values,
        });
    }
    Ok(stmt)
}

/// A string or list of strings from a JSON document.
fn json_strings(v: &Json) -> Option<StrOrList> {
    match v {
        Json::String(s) => Some(StrOrList::Str(s.clone())),
        Json::Array(items) => Some(StrOrList::List(
            items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()?,
        )),
        _ => None,
    }
}

/// A document given in `source_policy_documents` or `override_policy_documents`, read the way
/// Terraform's `json.Unmarshal` into its model does.
fn parse_document(text: &str, what: &str) -> Result<Doc, ProviderError> {
    let json: Json = serde_json::from_str(text).map_err(|e| invalid(format!("{what}: not valid JSON: {e}")))?;
    let Json::Object(top) = json else {
        return Err(invalid(format!("{what}: a policy document must be a JSON object")));
    };
    let text_of = |v: Option<&Json>| v.and_then(Json::as_str).unwrap_or("").to_string();
    let mut doc = Doc {
        version: text_of(top.get("Version")),
        id: text_of(top.get("Id")),
        statements: Vec::new(),
    };
    let statements = match top.get("Statement") {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(items)) => items.clone(),
        Some(obj @ Json::Object(_)) => vec![obj.clone()],
        Some(_) => return Err(invalid(format!("{what}: \"Statement\" must be a list of objects"))),
    };
    for (i, s) in statements.iter().enumerate() {
        let Json::Object(s) = s else {
            return Err(invalid(format!("{what}: statement {i} is not a JSON object")));
        };
        let field = |k: &str| s.get(k).filter(|v| !v.is_null()).cloned();
        let mut stmt = Statement {
            sid: text_of(s.get("Sid")),
            effect: text_of(s.get("Effect")),
            actions: field("Action"),
            not_actions: field("NotAction"),
            resources: field("Resource"),
            not_resources: field("NotResource"),
            ..Statement::default()
        };
        stmt.principals = parse_principals(s.get("Principal"), what)?;
        stmt.not_principals = parse_principals(s.get("NotPrincipal"), what)?;
        if let Some(Json::Object(tests)) = s.get("Condition") {
            for (test, vars) in tests {
                let Json::Object(vars) = vars else {
                    return Err(invalid(format!("{what}: condition {test:?} must be an object")));
                };
                for (var, values) in vars {
                    let values = match values {
                        Json::String(v) => StrOrList::List(vec![v.clone()]),
                        Json::Bool(b) => StrOrList::Str(b.to_string()),
                        Json::Number(n) => StrOrList::Str(n.to_string()),
                        Json::Array(items) => StrOrList::List(
                            items
                                .iter()
                                .map(|i| match i {
                                    Json::String(s) => s.clone(),
                                    other => other.to_string(),
                                })
                                .collect(),
                        ),
                        _ => continue,
                    };
                    stmt.conditions.push(Condition {
                        test: test.clone(),
                        variable: var.clone(),
                        values,
                    });
                }
            }
        }
        doc.statements.push(stmt);
    }
    Ok(doc)
}

fn parse_principals(v: Option<&Json>, what: &str) -> Result<Vec<Principal>, ProviderError> {
    match v {
        None | Some(Json::Null) => Ok(Vec::new()),
        Some(Json::String(_)) => Ok(vec![Principal {
            ty: "*".into(),
            ids: StrOrList::List(vec!["*".into()]),
        }]),
        Some(Json::Object(map)) => map
            .iter()
            .map(|(ty, ids)| {
                let ids = match json_strings(ids) {
                    Some(StrOrList::List(mut l)) => {
                        l.sort();
                        StrOrList::List(l)
                    }
                    Some(s) => s,
                    None => {
                        return Err(invalid(format!(
                            "{what}: principal {ty:?} must be a string or list of strings"
                        )))
                    }
                };
                Ok(Principal { ty: ty.clone(), ids })
            })
            .collect(),
        Some(_) => Err(invalid(format!("{what}: \"Principal\" must be \"*\" or an object"))),
    }
}

/// Builds the document from a configuration: (pretty JSON, minified JSON).
fn render_policy_document(config: &Value) -> Result<(String, String), ProviderError> {
    let version = config.get("version").as_str().unwrap_or("2012-10-17").to_string();
    if version != "2012-10-17" && version != "2008-10-17" {
        return Err(invalid(format!(
            "version {version:?} is not supported: use \"2012-10-17\" (or the legacy \"2008-10-17\")"
        )));
    }
    let mut merged = Doc::default();
    let mut source_sids = std::collections::BTreeSet::new();
    for (i, src) in blocks(&config.get("source_policy_documents")).iter().enumerate() {
        let Some(text) = src.as_str() else { continue };
        let doc = parse_document(text, &format!("source_policy_documents[{i}]"))?;
        for (j, stmt) in doc.statements.iter().enumerate() {
            if !stmt.sid.is_empty() && !source_sids.insert(stmt.sid.clone()) {
                return Err(invalid(format!(
                    "merging source document {i}: duplicate Sid ({}) in source_policy_documents \
                     (statement {j}). Remove the Sid or ensure Sids are unique.",
                    stmt.sid
                )));
            }
        }
        merged.merge(doc);
    }
    let mut doc = Doc {
        version: version.clone(),
        id: config.get("policy_id").as_str().unwrap_or("").to_string(),
        statements: Vec::new(),
    };
    let mut sids = std::collections::BTreeSet::new();
    for block in blocks(&config.get("statement")) {
        let stmt = config_statement(block, &version)?;
        if !stmt.sid.is_empty() && !sids.insert(stmt.sid.clone()) {
            return Err(invalid(format!(
                "duplicate Sid ({}). Remove the Sid or ensure the Sid is unique.",
                stmt.sid
            )));
        }
        doc.statements.push(stmt);
    }
    merged.merge(doc);
    for (i, over) in blocks(&config.get("override_policy_documents")).iter().enumerate() {
        let Some(text) = over.as_str() else { continue };
        merged.merge(parse_document(text, &format!("override_policy_documents[{i}]"))?);
    }
    let json = merged.to_json();
    let pretty = serde_json::to_string_pretty(&json).map_err(|e| invalid(e.to_string()))?;
    let minified = serde_json::to_string(&json).map_err(|e| invalid(e.to_string()))?;
    Ok((
        crate::support::attrs::go_html_escape(&pretty),
        crate::support::attrs::go_html_escape(&minified),
    ))
}

/// A set of strings as state keeps it: sorted, without duplicates.
fn sorted_set(v: &Value) -> Value {
    match v.as_list() {
        Some(_) => Value::List(string_set(v).into_iter().map(Value::String).collect()),
        None => v.clone(),
    }
}

/// A `statement` block with its set attributes (and those of its principals) sorted.
fn sorted_statement(block: &Value) -> Value {
    let Some(m) = block.as_map() else { return block.clone() };
    let mut m = m.clone();
    for key in ["actions", "not_actions", "resources", "not_resources"] {
        if let Some(v) = m.get(key) {
            let sorted = sorted_set(v);
            m.insert(key.to_string(), sorted);
        }
    }
    for key in ["principals", "not_principals"] {
        if let Some(items) = m.get(key).and_then(Value::as_list) {
            let items = items
                .iter()
                .map(|p| match p.as_map() {
                    Some(pm) => {
                        let mut pm = pm.clone();
                        if let Some(ids) = pm.get("identifiers") {
                            let sorted = sorted_set(ids);
                            pm.insert("identifiers".into(), sorted);
                        }
                        Value::Map(pm.into())
                    }
                    None => p.clone(),
                })
                .collect();
            m.insert(key.to_string(), Value::List(items));
        }
    }
    Value::Map(m.into())
}

impl DataType for PolicyDocument {
    fn type_name(&self) -> &'static str {
        "aws_iam_policy_document"
    }

    fn schema(&self) -> Schema {
        let principals = Schema::new()
            .attr("type", Attribute::required(Type::String))
            .attr("identifiers", Attribute::required(set_of_strings()));
        let condition = Schema::new()
            .attr("test", Attribute::required(Type::String))
            .attr("variable", Attribute::required(Type::String))
            .attr("values", Attribute::required(list_of_strings()));
        let statement = Schema::new()
            .attr("sid", Attribute::optional(Type::String))
            .attr("effect", Attribute::optional(Type::String))
            .attr("actions", Attribute::optional(set_of_strings()))
            .attr("not_actions", Attribute::optional(set_of_strings()))
            .attr("resources", Attribute::optional(set_of_strings()))
            .attr("not_resources", Attribute::optional(set_of_strings()))
            .block("principals", Nesting::Set, principals.clone())
            .block("not_principals", Nesting::Set, principals)
            .block("condition", Nesting::Set, condition);
        Schema::new()
            .attr("version", Attribute::optional(Type::String))
            .attr("policy_id", Attribute::optional(Type::String))
            .attr("source_policy_documents", Attribute::optional(list_of_strings()))
            .attr("override_policy_documents", Attribute::optional(list_of_strings()))
            .attr("json", Attribute::computed(Type::String))
            .attr("minified_json", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .block("statement", Nesting::List, statement)
    }

    fn read(&self, _ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let (json, minified) = render_policy_document(config)?;
        let mut out = config_map(config);
        if let Some(statements) = out.get("statement").and_then(Value::as_list) {
            let sorted = statements.iter().map(sorted_statement).collect();
            out.insert("statement".into(), Value::List(sorted));
        }
        out.entry("version".into())
            .and_modify(|v| {
                if v.is_null() {
                    *v = Value::string("2012-10-17");
                }
            })
            .or_insert_with(|| Value::string("2012-10-17"));
        out.insert(
            "id".into(),
            Value::string(crate::support::number::crc32(json.as_bytes()).to_string()),
        );
        out.insert("json".into(), Value::String(json));
        out.insert("minified_json".into(), Value::String(minified));
        Ok(finish(&self.schema(), out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::core::value::map;

    fn stmt(pairs: Vec<(&str, Value)>) -> Value {
        map(pairs)
    }

    #[test]
    fn trust_policy_like_terraform() {
        let config = map([(
            "statement",
            Value::List(
                vec![stmt(vec![
                    ("actions", Value::from(vec!["sts:AssumeRole"])),
                    (
                        "principals",
                        Value::List(
                            vec![map([
                                ("type", Value::from("AWS")),
                                ("identifiers", Value::from(vec!["arn:aws:iam::697756613082:root"])),
                            ])]
                            .into(),
                        ),
                    ),
                    (
                        "condition",
                        Value::List(
                            vec![map([
                                ("test", Value::from("StringEquals")),
                                ("variable", Value::from("sts:ExternalId")),
                                ("values", Value::from(vec!["abc"])),
                            ])]
                            .into(),
                        ),
                    ),
                ])]
                .into(),
            ),
        )]);
        let (json, minified) = render_policy_document(&config).expect("renders");
        let expected = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Principal": {
        "AWS": "arn:aws:iam::697756613082:root"
      },
      "Condition": {
        "StringEquals": {
          "sts:ExternalId": "abc"
        }
      }
    }
  ]
}"#;
        assert_eq!(json, expected);
        assert_eq!(
            minified,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"arn:aws:iam::697756613082:root"},"Condition":{"StringEquals":{"sts:ExternalId":"abc"}}}]}"#
        );
    }

    #[test]
    fn sets_reverse_sorted_and_variables_replaced() {
        let config = map([(
            "statement",
            Value::List(
                vec![stmt(vec![
                    ("sid", Value::from("S")),
                    (
                        "actions",
                        Value::from(vec!["s3:GetObject", "s3:PutObject", "s3:GetObject"]),
                    ),
                    ("resources", Value::from(vec!["arn:aws:s3:::b/&{aws:username}/*"])),
                    (
                        "condition",
                        Value::List(
                            vec![map([
                                ("test", Value::from("StringLike")),
                                ("variable", Value::from("s3:prefix")),
                                ("values", Value::from(vec!["z", "a"])),
                            ])]
                            .into(),
                        ),
                    ),
                ])]
                .into(),
            ),
        )]);
        let (_, minified) = render_policy_document(&config).expect("renders");
        assert_eq!(
            minified,
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"StringLike":{"s3:prefix":["z","a"]}}}]}"#
        );
    }

    #[test]
    fn source_and_override_documents_merge_by_sid() {
        let source = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"a:*","Resource":"*"},{"Sid":"B","Effect":"Allow","Action":["b:2","b:1"],"Resource":"*","Principal":"*"}]}"#;
        let over = r#"{"Statement":{"Sid":"B","Effect":"Deny","Action":"b:*","Resource":"*"}}"#;
        let config = map([
            ("source_policy_documents", Value::from(vec![source])),
            ("override_policy_documents", Value::from(vec![over])),
            (
                "statement",
                Value::List(
                    vec![stmt(vec![
                        ("sid", Value::from("A")),
                        ("effect", Value::from("Deny")),
                        ("actions", Value::from(vec!["a:x"])),
                    ])]
                    .into(),
                ),
            ),
        ]);
        let (_, minified) = render_policy_document(&config).expect("renders");
        assert_eq!(
            minified,
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","Action":"a:x"},{"Sid":"B","Effect":"Deny","Action":"b:*","Resource":"*"}]}"#
        );
    }

    #[test]
    fn star_principal_and_html_escaping() {
        let config = map([(
            "statement",
            Value::List(
                vec![stmt(vec![
                    ("actions", Value::from(vec!["s3:*"])),
                    (
                        "principals",
                        Value::List(
                            vec![map([
                                ("type", Value::from("*")),
                                ("identifiers", Value::from(vec!["*"])),
                            ])]
                            .into(),
                        ),
                    ),
                    (
                        "condition",
                        Value::List(
                            vec![map([
                                ("test", Value::from("StringEquals")),
                                ("variable", Value::from("k")),
                                ("values", Value::from(vec!["a&b<c>"])),
                            ])]
                            .into(),
                        ),
                    ),
                ])]
                .into(),
            ),
        )]);
        let (_, minified) = render_policy_document(&config).expect("renders");
        assert_eq!(
            minified,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Principal":"*","Condition":{"StringEquals":{"k":"a\u0026b\u003cc\u003e"}}}]}"#
        );
    }

    #[test]
    fn duplicate_sids_are_rejected() {
        let s = stmt(vec![("sid", Value::from("X"))]);
        let config = map([("statement", Value::List(vec![s.clone(), s].into()))]);
        assert!(render_policy_document(&config).is_err());
    }
}
