//! aws_cloudwatch_log_data_protection_policy_document: a data protection policy written as
//! blocks, rendered locally exactly as the AWS provider renders it (its key order, its set
//! order for data identifiers, Go's escapes and final newline), so its `json` and `id` are
//! Terraform's.

use crate::resource::{Ctx, DataType};
use crate::support::attrs::{
    block_items, first_block, go_html_escape, invalid, sdk_set_order, set_of_strings, sref, string_set,
};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;
use serde_json::{json, Map, Value as Json};

pub(super) struct ProtectionDocument;

fn required(key: &str) -> Schema {
    Schema::new().attr(key, Attribute::required(Type::String))
}

/// A non-empty string field.
fn text(v: &Value, key: &str) -> Option<String> {
    sref(v, key).filter(|s| !s.is_empty()).map(str::to_string)
}

fn statement(s: &Value) -> Json {
    let mut out = Map::new();
    if let Some(sid) = text(s, "sid") {
        out.insert("Sid".into(), Json::String(sid));
    }
    let ids = sdk_set_order(&string_set(&s.get("data_identifiers")));
    out.insert(
        "DataIdentifier".into(),
        Json::Array(ids.into_iter().map(Json::String).collect()),
    );
    let operation = first_block(s, "operation");
    let mut op = Map::new();
    if let Some(audit) = block_items(&operation, "audit").first() {
        let destination = first_block(audit, "findings_destination");
        let mut d = Map::new();
        for (block, key, field, name) in [
            ("cloudwatch_logs", "log_group", "CloudWatchLogs", "LogGroup"),
            ("firehose", "delivery_stream", "Firehose", "DeliveryStream"),
            ("s3", "bucket", "S3", "Bucket"),
        ] {
            if let Some(b) = block_items(&destination, block).first() {
                let mut inner = Map::new();
                if let Some(v) = text(b, key) {
                    inner.insert(name.into(), Json::String(v));
                }
                d.insert(field.into(), Json::Object(inner));
            }
        }
        op.insert("Audit".into(), json!({ "FindingsDestination": Json::Object(d) }));
    }
    if !block_items(&operation, "deidentify").is_empty() {
        op.insert("Deidentify".into(), json!({ "MaskConfig": {} }));
    }
    out.insert("Operation".into(), Json::Object(op));
    Json::Object(out)
}

fn render(config: &Value) -> Result<String, ProviderError> {
    let statements = block_items(config, "statement");
    if statements.len() != 2 {
        return Err(invalid(
            "a data protection policy has exactly two statements: the first audits, the second de-identifies",
        ));
    }
    let has = |s: &Value, op: &str| !block_items(&first_block(s, "operation"), op).is_empty();
    if !has(&statements[0], "audit") || has(&statements[0], "deidentify") {
        return Err(invalid(
            "the first policy statement must contain only the audit operation",
        ));
    }
    if has(&statements[1], "audit") || !has(&statements[1], "deidentify") {
        return Err(invalid(
            "the second policy statement must contain only the deidentify operation",
        ));
    }
    let mut doc = Map::new();
    if let Some(c) = block_items(config, "configuration").first() {
        let mut configuration = Map::new();
        let identifiers: Vec<Json> = block_items(c, "custom_data_identifier")
            .iter()
            .map(|i| {
                json!({
                    "Name": sref(i, "name").unwrap_or_default(),
                    "Regex": sref(i, "regex").unwrap_or_default(),
                })
            })
            .collect();
        if !identifiers.is_empty() {
            configuration.insert("CustomDataIdentifier".into(), Json::Array(identifiers));
        }
        doc.insert("Configuration".into(), Json::Object(configuration));
    }
    if let Some(d) = text(config, "description") {
        doc.insert("Description".into(), Json::String(d));
    }
    if let Some(n) = text(config, "name") {
        doc.insert("Name".into(), Json::String(n));
    }
    doc.insert(
        "Statement".into(),
        Json::Array(statements.iter().map(statement).collect()),
    );
    let version = match config.get("version") {
        Value::Null => Some("2021-06-01".to_string()),
        v => v.as_str().filter(|s| !s.is_empty()).map(str::to_string),
    };
    if let Some(v) = version {
        doc.insert("Version".into(), Json::String(v));
    }
    let pretty = serde_json::to_string_pretty(&Json::Object(doc)).map_err(|e| invalid(e.to_string()))?;
    // Go's encoder ends what it writes with a newline.
    Ok(format!("{}\n", go_html_escape(&pretty)))
}

impl DataType for ProtectionDocument {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_log_data_protection_policy_document"
    }

    fn schema(&self) -> Schema {
        let destination = Schema::new()
            .block("cloudwatch_logs", Nesting::Single, required("log_group"))
            .block("firehose", Nesting::Single, required("delivery_stream"))
            .block("s3", Nesting::Single, required("bucket"));
        let operation = Schema::new()
            .block(
                "audit",
                Nesting::Single,
                Schema::new().block_min("findings_destination", Nesting::Single, destination, 1),
            )
            .block(
                "deidentify",
                Nesting::Single,
                Schema::new().block_min("mask_config", Nesting::Single, Schema::new(), 1),
            );
        Schema::new()
            .attr("name", Attribute::required(Type::String))
            .attr("description", Attribute::optional(Type::String))
            .attr("version", Attribute::optional(Type::String))
            .attr("json", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .block(
                "configuration",
                Nesting::Single,
                Schema::new().block(
                    "custom_data_identifier",
                    Nesting::List,
                    Schema::new()
                        .attr("name", Attribute::required(Type::String))
                        .attr("regex", Attribute::required(Type::String)),
                ),
            )
            .block_min(
                "statement",
                Nesting::List,
                Schema::new()
                    .attr("sid", Attribute::optional(Type::String))
                    .attr("data_identifiers", Attribute::required(set_of_strings()))
                    .block_min("operation", Nesting::Single, operation, 1),
                2,
            )
    }

    fn read(&self, _ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        if sref(config, "name").is_none_or(str::is_empty) {
            return Err(invalid("name must not be empty"));
        }
        let custom = block_items(&first_block(config, "configuration"), "custom_data_identifier");
        if custom.len() > 10 {
            return Err(invalid("at most 10 custom data identifiers"));
        }
        let json = render(config)?;
        let mut out = crate::support::attrs::into_state(config);
        out.insert(
            "id".into(),
            Value::string(crate::support::number::crc32(json.as_bytes()).to_string()),
        );
        out.insert("json".into(), Value::string(json));
        if config.get("version").is_null() {
            out.insert("version".into(), Value::string("2021-06-01"));
        }
        Ok(Value::Map(out.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::core::value::map;

    fn statement_block(sid: &str, ids: &[&str], operation: Value) -> Value {
        map([
            ("sid", if sid.is_empty() { Value::Null } else { Value::from(sid) }),
            (
                "data_identifiers",
                Value::List(ids.iter().map(|i| Value::from(*i)).collect::<Vec<_>>().into()),
            ),
            ("operation", Value::List(vec![operation].into())),
        ])
    }

    fn one(v: Value) -> Value {
        Value::List(vec![v].into())
    }

    /// The document and id the AWS provider 5.100 rendered for the least a policy can say
    /// (recorded from Terraform with that provider).
    #[test]
    fn the_smallest_policy_renders_byte_for_byte_as_terraform_does() {
        let email = "arn:aws:dataprotection::aws:data-identifier/EmailAddress";
        let config = map([
            ("name", Value::from("Test")),
            (
                "statement",
                Value::List(
                    vec![
                        statement_block(
                            "",
                            &[email],
                            map([(
                                "audit",
                                one(map([("findings_destination", one(Value::Map(Default::default())))])),
                            )]),
                        ),
                        statement_block(
                            "",
                            &[email],
                            map([(
                                "deidentify",
                                one(map([("mask_config", one(Value::Map(Default::default())))])),
                            )]),
                        ),
                    ]
                    .into(),
                ),
            ),
        ]);
        let out = ProtectionDocument.read_offline(&config);
        let expected = "{\n  \"Name\": \"Test\",\n  \"Statement\": [\n    {\n      \"DataIdentifier\": [\n        \"arn:aws:dataprotection::aws:data-identifier/EmailAddress\"\n      ],\n      \"Operation\": {\n        \"Audit\": {\n          \"FindingsDestination\": {}\n        }\n      }\n    },\n    {\n      \"DataIdentifier\": [\n        \"arn:aws:dataprotection::aws:data-identifier/EmailAddress\"\n      ],\n      \"Operation\": {\n        \"Deidentify\": {\n          \"MaskConfig\": {}\n        }\n      }\n    }\n  ],\n  \"Version\": \"2021-06-01\"\n}\n";
        assert_eq!(out.get("json"), Value::from(expected));
        assert_eq!(out.get("id"), Value::from("3778592996"));
    }

    #[test]
    fn data_identifiers_are_listed_in_the_providers_set_order() {
        let ids = ["b", "a", "c", "B"].map(String::from);
        assert_eq!(sdk_set_order(&ids), ["a", "b", "c", "B"]);
    }

    #[test]
    fn a_first_statement_that_does_not_audit_is_refused_with_the_providers_words() {
        let config = map([
            ("name", Value::from("Test")),
            (
                "statement",
                Value::List(
                    vec![
                        statement_block(
                            "",
                            &["x"],
                            map([(
                                "deidentify",
                                one(map([("mask_config", one(Value::Map(Default::default())))])),
                            )]),
                        ),
                        statement_block(
                            "",
                            &["x"],
                            map([(
                                "deidentify",
                                one(map([("mask_config", one(Value::Map(Default::default())))])),
                            )]),
                        ),
                    ]
                    .into(),
                ),
            ),
        ]);
        let e = render(&config).expect_err("refused");
        assert_eq!(
            e.message,
            "the first policy statement must contain only the audit operation"
        );
    }

    impl ProtectionDocument {
        fn read_offline(&self, config: &Value) -> Value {
            let json = render(config).expect("render");
            map([
                (
                    "id",
                    Value::string(crate::support::number::crc32(json.as_bytes()).to_string()),
                ),
                ("json", Value::string(json)),
            ])
        }
    }
}
