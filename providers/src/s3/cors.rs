//! aws_s3_bucket_cors_configuration.

use crate::resource::Ctx;
use crate::s3::{bucket_propagating, optional_set_value, send_retrying, string_type, BucketConfig, Target};
use crate::support::attrs::{block_items, call, invalid, problem, set_of_strings, set_value, string_set};
use crate::support::error::found;
use aws_sdk_s3::types::{CorsConfiguration, CorsRule};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct Cors;

pub(super) const CORS_METHODS: &[&str] = &["GET", "PUT", "HEAD", "POST", "DELETE"];

impl BucketConfig for Cors {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_cors_configuration"
    }

    fn what(&self) -> &'static str {
        "S3 Bucket CORS Configuration"
    }

    fn body(&self) -> Schema {
        Schema::new().block_min(
            "cors_rule",
            Nesting::Set,
            Schema::new()
                .attr("allowed_headers", Attribute::optional(set_of_strings()))
                .attr(
                    "allowed_methods",
                    Attribute::required(set_of_strings()).one_of(CORS_METHODS),
                )
                .attr("allowed_origins", Attribute::required(set_of_strings()))
                .attr("expose_headers", Attribute::optional(set_of_strings()))
                .attr("id", Attribute::optional(string_type()))
                .attr("max_age_seconds", Attribute::optional(Type::Number)),
            1,
        )
    }

    fn check(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut problems = Vec::new();
        let rules = block_items(config, "cors_rule");
        if rules.len() > 100 {
            problems.push(problem("cors_rule", "at most 100 cors_rule blocks are allowed"));
        }
        for rule in &rules {
            if let Some(age) = rule.get("max_age_seconds").as_f64() {
                if age < 0.0 || age.fract() != 0.0 || age > f64::from(i32::MAX) {
                    problems.push(problem(
                        "cors_rule.max_age_seconds",
                        "max_age_seconds must be a whole number of seconds >= 0",
                    ));
                }
            }
        }
        problems
    }

    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, _prior: Option<&Value>) -> Result<(), ProviderError> {
        let op = format!("putting {} ({})", self.what(), target.bucket);
        let mut rules = Vec::new();
        for rule in block_items(planned, "cors_rule") {
            let non_empty = |v: Vec<String>| if v.is_empty() { None } else { Some(v) };
            let built = CorsRule::builder()
                .set_allowed_headers(non_empty(string_set(&rule.get("allowed_headers"))))
                .set_allowed_methods(Some(string_set(&rule.get("allowed_methods"))))
                .set_allowed_origins(Some(string_set(&rule.get("allowed_origins"))))
                .set_expose_headers(non_empty(string_set(&rule.get("expose_headers"))))
                .set_id(rule.get("id").as_str().filter(|s| !s.is_empty()).map(str::to_string))
                .set_max_age_seconds(rule.get("max_age_seconds").as_f64().map(|n| n as i32))
                .build()
                .map_err(|e| invalid(format!("{op}: {e}")))?;
            rules.push(built);
        }
        let cors = CorsConfiguration::builder()
            .set_cors_rules(Some(rules))
            .build()
            .map_err(|e| invalid(format!("{op}: {e}")))?;
        let (cors, op) = (&cors, &op);
        ctx.block_on(send_retrying(
            op,
            || {
                ctx.s3
                    .put_bucket_cors()
                    .bucket(&target.bucket)
                    .set_expected_bucket_owner(target.owner.clone())
                    .cors_configuration(cors.clone())
                    .send()
            },
            bucket_propagating,
        ))
    }

    fn get(
        &self,
        ctx: &Ctx,
        target: &Target,
        _prior: &Value,
    ) -> Result<Option<BTreeMap<String, Value>>, ProviderError> {
        let op = format!("reading {} ({})", self.what(), target.bucket);
        let out = call(
            ctx,
            &op,
            ctx.s3
                .get_bucket_cors()
                .bucket(&target.bucket)
                .set_expected_bucket_owner(target.owner.clone())
                .send(),
        );
        let Some(out) = found(out)? else {
            return Ok(None);
        };
        let rules: Vec<Value> = out
            .cors_rules()
            .iter()
            .map(|rule| {
                engine::core::value::map([
                    ("allowed_headers", optional_set_value(rule.allowed_headers())),
                    ("allowed_methods", set_value(rule.allowed_methods())),
                    ("allowed_origins", set_value(rule.allowed_origins())),
                    ("expose_headers", optional_set_value(rule.expose_headers())),
                    ("id", rule.id().map(Value::from).into()),
                    (
                        "max_age_seconds",
                        rule.max_age_seconds().map(|n| Value::from(i64::from(n))).into(),
                    ),
                ])
            })
            .collect();
        if rules.is_empty() {
            return Ok(None);
        }
        Ok(Some(BTreeMap::from([(
            "cors_rule".to_string(),
            Value::List(rules.into()),
        )])))
    }

    fn remove(&self, ctx: &Ctx, target: &Target, _prior: &Value) -> Result<(), ProviderError> {
        let op = format!("deleting {} ({})", self.what(), target.bucket);
        call(
            ctx,
            &op,
            ctx.s3
                .delete_bucket_cors()
                .bucket(&target.bucket)
                .set_expected_bucket_owner(target.owner.clone())
                .send(),
        )
        .map(|_| ())
    }
}
