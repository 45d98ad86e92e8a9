//! aws_s3_bucket_website_configuration.

use crate::resource::Ctx;
use crate::s3::{bucket_propagating, known_str, send_retrying, string_type, BucketConfig, Target};
use crate::support::attrs::{block_items, blocks_unknown, call, invalid, problem};
use crate::support::error::found;
use crate::support::partition::partition_of;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct Website;

/// Regions whose website endpoints are `s3-website-REGION` rather than `s3-website.REGION`.
const DASHED_WEBSITE_REGIONS: &[&str] = &[
    "us-east-1",
    "us-west-1",
    "us-west-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "eu-west-1",
    "sa-east-1",
    "us-gov-west-1",
];

impl BucketConfig for Website {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_website_configuration"
    }

    fn what(&self) -> &'static str {
        "S3 Bucket Website Configuration"
    }

    fn body(&self) -> Schema {
        Schema::new()
            .block(
                "index_document",
                Nesting::Single,
                Schema::new().attr("suffix", Attribute::required(string_type())),
            )
            .block(
                "error_document",
                Nesting::Single,
                Schema::new().attr("key", Attribute::required(string_type())),
            )
            .block(
                "redirect_all_requests_to",
                Nesting::Single,
                Schema::new()
                    .attr("host_name", Attribute::required(string_type()))
                    .attr(
                        "protocol",
                        Attribute::optional(string_type()).one_of(&["http", "https"]),
                    ),
            )
            .block(
                "routing_rule",
                Nesting::List,
                Schema::new()
                    .block(
                        "condition",
                        Nesting::Single,
                        Schema::new()
                            .attr("http_error_code_returned_equals", Attribute::optional(string_type()))
                            .attr("key_prefix_equals", Attribute::optional(string_type())),
                    )
                    .block_min(
                        "redirect",
                        Nesting::Single,
                        Schema::new()
                            .attr("host_name", Attribute::optional(string_type()))
                            .attr("http_redirect_code", Attribute::optional(string_type()))
                            .attr(
                                "protocol",
                                Attribute::optional(string_type()).one_of(&["http", "https"]),
                            )
                            .attr("replace_key_prefix_with", Attribute::optional(string_type()))
                            .attr("replace_key_with", Attribute::optional(string_type())),
                        1,
                    ),
            )
            .attr("website_domain", Attribute::computed(string_type()))
            .attr("website_endpoint", Attribute::computed(string_type()))
            .attr("routing_rules", Attribute::optional(string_type()).json())
    }

    fn check(&self, config: &Value) -> Vec<ValidateProblem> {
        let has = |name: &str| !block_items(config, name).is_empty();
        if let Some(text) = config.get("routing_rules").as_str() {
            if has("routing_rule") {
                return vec![problem(
                    "routing_rules",
                    "routing_rules cannot be used together with routing_rule blocks: write the rules one way",
                )];
            }
            if let Err(e) = rules_from_json(text) {
                return vec![problem("routing_rules", e)];
            }
        }
        if blocks_unknown(
            config,
            &["redirect_all_requests_to", "index_document", "error_document"],
        ) {
            return Vec::new();
        }
        let redirect = has("redirect_all_requests_to");
        if redirect && (has("index_document") || has("error_document")) {
            return vec![problem(
                "redirect_all_requests_to",
                "redirect_all_requests_to cannot be used together with index_document or error_document",
            )];
        }
        if !redirect && !has("index_document") && !config.get("bucket").is_unknown() {
            return vec![problem(
                "index_document",
                "one of index_document or redirect_all_requests_to is required",
            )];
        }
        Vec::new()
    }

    fn derived(&self, ctx: &Ctx, bucket: &str) -> BTreeMap<String, Value> {
        let (_, suffix, _) = partition_of(&ctx.region);
        let domain = if DASHED_WEBSITE_REGIONS.contains(&ctx.region.as_str()) {
            format!("s3-website-{}.{suffix}", ctx.region)
        } else {
            format!("s3-website.{}.{suffix}", ctx.region)
        };
        BTreeMap::from([
            (
                "website_endpoint".to_string(),
                Value::from(format!("{bucket}.{domain}")),
            ),
            ("website_domain".to_string(), Value::from(domain)),
        ])
    }

    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, _prior: Option<&Value>) -> Result<(), ProviderError> {
        use aws_sdk_s3::types::{ErrorDocument, IndexDocument, Protocol, RedirectAllRequestsTo, WebsiteConfiguration};
        let op = format!("putting {} ({})", self.what(), target.bucket);
        let bad = |e: aws_smithy_types::error::operation::BuildError| invalid(format!("{op}: {e}"));
        let first = |name: &str| block_items(planned, name).into_iter().next();
        let mut website = WebsiteConfiguration::builder();
        if let Some(index) = first("index_document") {
            website = website.index_document(
                IndexDocument::builder()
                    .set_suffix(known_str(&index, "suffix"))
                    .build()
                    .map_err(bad)?,
            );
        }
        if let Some(error) = first("error_document") {
            website = website.error_document(
                ErrorDocument::builder()
                    .set_key(known_str(&error, "key"))
                    .build()
                    .map_err(bad)?,
            );
        }
        if let Some(redirect) = first("redirect_all_requests_to") {
            website = website.redirect_all_requests_to(
                RedirectAllRequestsTo::builder()
                    .set_host_name(known_str(&redirect, "host_name"))
                    .set_protocol(known_str(&redirect, "protocol").map(|p| Protocol::from(p.as_str())))
                    .build()
                    .map_err(bad)?,
            );
        }
        for rule in block_items(planned, "routing_rule") {
            website = website.routing_rules(routing_rule(&rule));
        }
        if let Some(text) = planned.get("routing_rules").as_str() {
            website =
                website.set_routing_rules(Some(rules_from_json(text).map_err(|e| invalid(format!("{op}: {e}")))?));
        }
        let website = website.build();
        let (website, op) = (&website, &op);
        ctx.block_on(send_retrying(
            op,
            || {
                ctx.s3
                    .put_bucket_website()
                    .bucket(&target.bucket)
                    .set_expected_bucket_owner(target.owner.clone())
                    .website_configuration(website.clone())
                    .send()
            },
            bucket_propagating,
        ))
    }

    fn get(&self, ctx: &Ctx, target: &Target, prior: &Value) -> Result<Option<BTreeMap<String, Value>>, ProviderError> {
        use engine::core::value::map;
        let op = format!("reading {} ({})", self.what(), target.bucket);
        let out = call(
            ctx,
            &op,
            ctx.s3
                .get_bucket_website()
                .bucket(&target.bucket)
                .set_expected_bucket_owner(target.owner.clone())
                .send(),
        );
        let Some(out) = found(out)? else {
            return Ok(None);
        };
        let one = |v: Option<Value>| Value::List(v.into_iter().collect());
        let mut attributes = BTreeMap::from([
            (
                "index_document".to_string(),
                one(out.index_document().map(|i| map([("suffix", Value::from(i.suffix()))]))),
            ),
            (
                "error_document".to_string(),
                one(out.error_document().map(|e| map([("key", Value::from(e.key()))]))),
            ),
            (
                "redirect_all_requests_to".to_string(),
                one(out.redirect_all_requests_to().map(|r| {
                    map([
                        ("host_name", Value::from(r.host_name())),
                        ("protocol", r.protocol().map(|p| Value::from(p.as_str())).into()),
                    ])
                })),
            ),
        ]);
        // The rules are recorded the way the configuration writes them: as JSON when
        // `routing_rules` was used, else as blocks.
        // (Terraform's provider records unused `routing_rules` as "".)
        if prior.get("routing_rules").as_str().is_some_and(|r| !r.is_empty()) {
            attributes.insert("routing_rule".into(), Value::List(Vec::new().into()));
            attributes.insert("routing_rules".into(), Value::from(rules_to_json(out.routing_rules())));
        } else {
            attributes.insert(
                "routing_rule".into(),
                Value::List(out.routing_rules().iter().map(routing_rule_value).collect()),
            );
            attributes.insert("routing_rules".into(), Value::Null);
        }
        attributes.extend(self.derived(ctx, &target.bucket));
        Ok(Some(attributes))
    }

    fn remove(&self, ctx: &Ctx, target: &Target, _prior: &Value) -> Result<(), ProviderError> {
        let op = format!("deleting {} ({})", self.what(), target.bucket);
        call(
            ctx,
            &op,
            ctx.s3
                .delete_bucket_website()
                .bucket(&target.bucket)
                .set_expected_bucket_owner(target.owner.clone())
                .send(),
        )
        .map(|_| ())
    }
}

/// One `routing_rule` block as the API's rule.
fn routing_rule(rule: &Value) -> aws_sdk_s3::types::RoutingRule {
    use aws_sdk_s3::types::{Condition, Protocol, Redirect, RoutingRule};
    let first = |name: &str| block_items(rule, name).into_iter().next();
    let condition = first("condition").map(|c| {
        Condition::builder()
            .set_http_error_code_returned_equals(known_str(&c, "http_error_code_returned_equals"))
            .set_key_prefix_equals(known_str(&c, "key_prefix_equals"))
            .build()
    });
    let r = first("redirect").unwrap_or(Value::Null);
    RoutingRule::builder()
        .set_condition(condition)
        .redirect(
            Redirect::builder()
                .set_host_name(known_str(&r, "host_name"))
                .set_http_redirect_code(known_str(&r, "http_redirect_code"))
                .set_protocol(known_str(&r, "protocol").map(|p| Protocol::from(p.as_str())))
                .set_replace_key_prefix_with(known_str(&r, "replace_key_prefix_with"))
                .set_replace_key_with(known_str(&r, "replace_key_with"))
                .build(),
        )
        .build()
}

/// One rule the API returns, as a `routing_rule` block.
fn routing_rule_value(rule: &aws_sdk_s3::types::RoutingRule) -> Value {
    use engine::core::value::map;
    let text = |s: Option<&str>| -> Value { s.map(Value::from).into() };
    let condition = rule.condition().map(|c| {
        map([
            (
                "http_error_code_returned_equals",
                text(c.http_error_code_returned_equals()),
            ),
            ("key_prefix_equals", text(c.key_prefix_equals())),
        ])
    });
    let redirect = rule.redirect().map(|r| {
        map([
            ("host_name", text(r.host_name())),
            ("http_redirect_code", text(r.http_redirect_code())),
            ("protocol", text(r.protocol().map(|p| p.as_str()))),
            ("replace_key_prefix_with", text(r.replace_key_prefix_with())),
            ("replace_key_with", text(r.replace_key_with())),
        ])
    });
    map([
        ("condition", Value::List(condition.into_iter().collect())),
        ("redirect", Value::List(redirect.into_iter().collect())),
    ])
}

/// The fields of a rule in the JSON form, as S3's API names them.
const CONDITION_FIELDS: &[&str] = &["HttpErrorCodeReturnedEquals", "KeyPrefixEquals"];
const REDIRECT_FIELDS: &[&str] = &[
    "HostName",
    "HttpRedirectCode",
    "Protocol",
    "ReplaceKeyPrefixWith",
    "ReplaceKeyWith",
];

/// `routing_rules`: a JSON array of rules in S3's API shape
/// (`[{"Condition": {"KeyPrefixEquals": "docs/"}, "Redirect": {"ReplaceKeyPrefixWith": "documents/"}}]`).
fn rules_from_json(text: &str) -> Result<Vec<aws_sdk_s3::types::RoutingRule>, String> {
    use aws_sdk_s3::types::{Condition, Protocol, Redirect, RoutingRule};
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("routing_rules is not valid JSON: {e}"))?;
    let rules = json
        .as_array()
        .ok_or("routing_rules must be a JSON array of rules, each {\"Condition\": {...}, \"Redirect\": {...}}")?;
    let mut out = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let at = format!("routing_rules[{i}]");
        let object = rule.as_object().ok_or(format!("{at} must be a JSON object"))?;
        if let Some(k) = object.keys().find(|k| !matches!(k.as_str(), "Condition" | "Redirect")) {
            return Err(format!("{at} has \"{k}\"; a rule has \"Condition\" and \"Redirect\""));
        }
        let part = |name: &str, fields: &[&str]| -> Result<Option<BTreeMap<String, String>>, String> {
            let Some(v) = object.get(name) else { return Ok(None) };
            let o = v.as_object().ok_or(format!("{at}.{name} must be a JSON object"))?;
            let mut m = BTreeMap::new();
            for (k, v) in o {
                if !fields.contains(&k.as_str()) {
                    return Err(format!("{at}.{name} has \"{k}\"; it takes {}", fields.join(", ")));
                }
                let text = match v {
                    serde_json::Value::String(s) => s.clone(),
                    // S3 documents codes as strings; a number is what people write.
                    serde_json::Value::Number(n) => n.to_string(),
                    _ => return Err(format!("{at}.{name}.{k} must be a string")),
                };
                m.insert(k.clone(), text);
            }
            Ok(Some(m))
        };
        let condition = part("Condition", CONDITION_FIELDS)?;
        let redirect = part("Redirect", REDIRECT_FIELDS)?.ok_or(format!("{at} needs a \"Redirect\""))?;
        let get = |m: &BTreeMap<String, String>, k: &str| m.get(k).cloned();
        if let Some(p) = redirect
            .get("Protocol")
            .filter(|p| !matches!(p.as_str(), "http" | "https"))
        {
            return Err(format!("{at}.Redirect.Protocol is \"{p}\"; use \"http\" or \"https\""));
        }
        out.push(
            RoutingRule::builder()
                .set_condition(condition.map(|c| {
                    Condition::builder()
                        .set_http_error_code_returned_equals(get(&c, "HttpErrorCodeReturnedEquals"))
                        .set_key_prefix_equals(get(&c, "KeyPrefixEquals"))
                        .build()
                }))
                .redirect(
                    Redirect::builder()
                        .set_host_name(get(&redirect, "HostName"))
                        .set_http_redirect_code(get(&redirect, "HttpRedirectCode"))
                        .set_protocol(get(&redirect, "Protocol").map(|p| Protocol::from(p.as_str())))
                        .set_replace_key_prefix_with(get(&redirect, "ReplaceKeyPrefixWith"))
                        .set_replace_key_with(get(&redirect, "ReplaceKeyWith"))
                        .build(),
                )
                .build(),
        );
    }
    Ok(out)
}

/// The rules S3 returns, in the JSON form (fields it does not report are left out).
fn rules_to_json(rules: &[aws_sdk_s3::types::RoutingRule]) -> String {
    let object = |pairs: Vec<(&str, Option<&str>)>| -> serde_json::Value {
        serde_json::Value::Object(
            pairs
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k.to_string(), serde_json::Value::from(v))))
                .collect(),
        )
    };
    let rules: Vec<serde_json::Value> = rules
        .iter()
        .map(|r| {
            let mut rule = serde_json::Map::new();
            if let Some(c) = r.condition() {
                rule.insert(
                    "Condition".into(),
                    object(vec![
                        ("HttpErrorCodeReturnedEquals", c.http_error_code_returned_equals()),
                        ("KeyPrefixEquals", c.key_prefix_equals()),
                    ]),
                );
            }
            if let Some(d) = r.redirect() {
                rule.insert(
                    "Redirect".into(),
                    object(vec![
                        ("HostName", d.host_name()),
                        ("HttpRedirectCode", d.http_redirect_code()),
                        ("Protocol", d.protocol().map(|p| p.as_str())),
                        ("ReplaceKeyPrefixWith", d.replace_key_prefix_with()),
                        ("ReplaceKeyWith", d.replace_key_with()),
                    ]),
                );
            }
            serde_json::Value::Object(rule)
        })
        .collect();
    serde_json::Value::Array(rules).to_string()
}
