//! aws_s3_bucket_server_side_encryption_configuration.

use crate::resource::Ctx;
use crate::s3::{bucket_propagating, known_str, send_retrying, string_type, BucketConfig, Target};
use crate::support::attrs::{block_items, call, invalid, problem};
use crate::support::error::found;
use aws_sdk_s3::types::{BlockedEncryptionTypes, EncryptionType};
use aws_sdk_s3::types::{
    ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct Encryption;

pub(super) const SSE_ALGORITHMS: &[&str] = &["AES256", "aws:kms", "aws:kms:dsse"];

/// The encryption types a rule can block uploads with.
const BLOCKABLE: &[&str] = &["SSE-C", "NONE"];

impl BucketConfig for Encryption {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_server_side_encryption_configuration"
    }

    fn what(&self) -> &'static str {
        "S3 Bucket Server-side Encryption Configuration"
    }

    fn body(&self) -> Schema {
        Schema::new().block_min(
            "rule",
            Nesting::Set,
            Schema::new()
                .block(
                    "apply_server_side_encryption_by_default",
                    Nesting::Single,
                    Schema::new()
                        .attr(
                            "sse_algorithm",
                            Attribute::required(string_type()).one_of(SSE_ALGORITHMS),
                        )
                        .attr("kms_master_key_id", Attribute::optional(string_type())),
                )
                .attr("bucket_key_enabled", Attribute::optional(Type::Bool))
                .attr(
                    "blocked_encryption_types",
                    Attribute::optional(Type::Set(Box::new(string_type()))),
                ),
            1,
        )
    }

    fn check(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut problems = Vec::new();
        for rule in block_items(config, "rule") {
            for blocked in rule.get("blocked_encryption_types").as_list().unwrap_or_default() {
                if let Some(b) = blocked.as_str().filter(|b| !BLOCKABLE.contains(b)) {
                    problems.push(problem(
                        "rule.blocked_encryption_types",
                        format!("{b:?} is not an encryption type S3 can block: use \"SSE-C\" (block uploads with customer-provided keys) or \"NONE\" (block none)"),
                    ));
                }
            }
            for default in block_items(&rule, "apply_server_side_encryption_by_default") {
                let algorithm = default.get("sse_algorithm");
                let key = default.get("kms_master_key_id");
                if let (Some(a), false) = (algorithm.as_str(), key.is_null()) {
                    // AWS accepts a key for both KMS-based algorithms; with AES256 it is an error.
                    if !a.starts_with("aws:kms") {
                        problems.push(problem(
                            "rule.apply_server_side_encryption_by_default.kms_master_key_id",
                            format!("kms_master_key_id can only be used with sse_algorithm = \"aws:kms\", not {a:?}"),
                        ));
                    }
                }
            }
        }
        problems
    }

    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, _prior: Option<&Value>) -> Result<(), ProviderError> {
        let op = format!("putting {} ({})", self.what(), target.bucket);
        let mut rules = Vec::new();
        for rule in block_items(planned, "rule") {
            let default = match block_items(&rule, "apply_server_side_encryption_by_default").first() {
                None => None,
                Some(default) => Some(
                    ServerSideEncryptionByDefault::builder()
                        .sse_algorithm(ServerSideEncryption::from(
                            default.get("sse_algorithm").as_str().unwrap_or_default(),
                        ))
                        .set_kms_master_key_id(known_str(default, "kms_master_key_id").filter(|k| !k.is_empty()))
                        .build()
                        .map_err(|e| invalid(format!("{op}: {e}")))?,
                ),
            };
            let blocked = rule.get("blocked_encryption_types").as_list().map(|types| {
                BlockedEncryptionTypes::builder()
                    .set_encryption_type(Some(
                        types
                            .iter()
                            .filter_map(Value::as_str)
                            .map(EncryptionType::from)
                            .collect(),
                    ))
                    .build()
            });
            rules.push(
                ServerSideEncryptionRule::builder()
                    .set_apply_server_side_encryption_by_default(default)
                    .set_bucket_key_enabled(rule.get("bucket_key_enabled").as_bool())
                    .set_blocked_encryption_types(blocked)
                    .build(),
            );
        }
        let configuration = ServerSideEncryptionConfiguration::builder()
            .set_rules(Some(rules))
            .build()
            .map_err(|e| invalid(format!("{op}: {e}")))?;
        let (configuration, op) = (&configuration, &op);
        ctx.block_on(send_retrying(
            op,
            || {
                ctx.s3
                    .put_bucket_encryption()
                    .bucket(&target.bucket)
                    .set_expected_bucket_owner(target.owner.clone())
                    .server_side_encryption_configuration(configuration.clone())
                    .send()
            },
            bucket_propagating,
        ))
    }

    fn get(&self, ctx: &Ctx, target: &Target, prior: &Value) -> Result<Option<BTreeMap<String, Value>>, ProviderError> {
        let op = format!("reading {} ({})", self.what(), target.bucket);
        // S3 blocks SSE-C uploads by default on new buckets: what the configuration leaves to
        // S3 is not tracked (Terraform's is computed), what it sets is.
        let tracked = block_items(prior, "rule")
            .iter()
            .any(|r| !r.get("blocked_encryption_types").is_null());
        let out = call(
            ctx,
            &op,
            ctx.s3
                .get_bucket_encryption()
                .bucket(&target.bucket)
                .set_expected_bucket_owner(target.owner.clone())
                .send(),
        );
        let Some(out) = found(out)? else {
            return Ok(None);
        };
        let Some(configuration) = out.server_side_encryption_configuration() else {
            return Ok(None);
        };
        let rules: Vec<Value> = configuration
            .rules()
            .iter()
            .map(|rule| {
                let defaults: Vec<Value> = rule
                    .apply_server_side_encryption_by_default()
                    .map(|d| {
                        engine::core::value::map([
                            ("sse_algorithm", Value::from(d.sse_algorithm().as_str())),
                            ("kms_master_key_id", d.kms_master_key_id().map(Value::from).into()),
                        ])
                    })
                    .into_iter()
                    .collect();
                let blocked = rule.blocked_encryption_types().filter(|_| tracked).map(|b| {
                    let mut types: Vec<&str> = b.encryption_type().iter().map(|t| t.as_str()).collect();
                    types.sort_unstable();
                    Value::List(types.into_iter().map(Value::from).collect())
                });
                engine::core::value::map([
                    ("apply_server_side_encryption_by_default", Value::List(defaults.into())),
                    ("bucket_key_enabled", rule.bucket_key_enabled().map(Value::Bool).into()),
                    ("blocked_encryption_types", blocked.into()),
                ])
            })
            .collect();
        if rules.is_empty() {
            return Ok(None);
        }
        Ok(Some(BTreeMap::from([("rule".to_string(), Value::List(rules.into()))])))
    }

    fn remove(&self, ctx: &Ctx, target: &Target, _prior: &Value) -> Result<(), ProviderError> {
        let op = format!("deleting {} ({})", self.what(), target.bucket);
        call(
            ctx,
            &op,
            ctx.s3
                .delete_bucket_encryption()
                .bucket(&target.bucket)
                .set_expected_bucket_owner(target.owner.clone())
                .send(),
        )
        .map(|_| ())
    }
}
