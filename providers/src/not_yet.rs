//! The arguments of AWS types that the AWS provider documents and infinstor does not support
//! yet, in one table: each becomes an error at its place in a configuration ("not supported
//! yet", with what to do instead) rather than "not expected here". A test reads the provider's
//! documented arguments (tests/data/aws_arguments.json, taken from terraform-provider-aws's
//! `website/docs`) and fails when one of a supported type is neither in the type's schema nor
//! here, so the table only grows by a decision and shrinks as arguments are built. The pages
//! read are those of terraform-provider-aws at 1a5174b (April 2024; the commit of each page is in
//! the file), the newest whole snapshot at hand: arguments the provider documents since then
//! are not in the list yet.

use engine::core::schema::Schema;

/// What to do instead of a `timeouts` block where infinstor's wait has no limit to set.
const WAITS: &str =
    "infinstor waits as long as AWS takes, printing progress, and Ctrl-C ends the wait: remove the block.";
/// What to do instead of a key in a custom key store.
const KEY_STORE: &str =
    "Keys in a custom key store are not supported yet: create the key outside infinstor and import it.";
/// What to do instead of restoring a table.
const RESTORE: &str = "Restoring a table from a backup or a point in time is not supported yet: restore it with the AWS CLI, then import it.";
/// What to do instead of a routing policy infinstor does not have.
const ROUTING: &str = "Use another routing policy, or manage this record outside infinstor for now.";

/// (`resource` or `data`, type, argument path, what to do instead); a path `block.argument`
/// names an argument of a nested block, and a block listed here covers what it holds.
const ARGUMENTS: &[(&str, &str, &str, &str)] = &[
    (
        "data",
        "aws_availability_zones",
        "timeouts",
        "The read does not wait: remove the block.",
    ),
    (
        "data",
        "aws_kms_key",
        "grant_tokens",
        "Grant tokens are not passed yet: remove it; the key is read with the caller's permissions.",
    ),
    (
        "resource",
        "aws_acm_certificate",
        "early_renewal_duration",
        "Renewing private certificates early is not managed yet: renew with ACM's RenewCertificate outside infinstor.",
    ),
    (
        "resource",
        "aws_cloudformation_stack",
        "policy_url",
        "Give the stack policy as policy_body (file(...) of it) instead.",
    ),
    ("resource", "aws_dynamodb_table", "restore_date_time", RESTORE),
    ("resource", "aws_dynamodb_table", "restore_source_name", RESTORE),
    ("resource", "aws_dynamodb_table", "restore_to_latest_time", RESTORE),
    ("resource", "aws_dynamodb_table", "restore_source_table_arn", RESTORE),
    (
        "resource",
        "aws_dynamodb_table",
        "warm_throughput",
        "Warm throughput is not managed by infinstor yet: remove it, or set it with the AWS CLI (update-table --warm-throughput).",
    ),
    (
        "resource",
        "aws_dynamodb_table",
        "global_table_witness",
        "A global table's witness region is not managed by infinstor yet: remove it, and add the witness with the AWS CLI.",
    ),
    (
        "resource",
        "aws_dynamodb_table",
        "point_in_time_recovery.recovery_period_in_days",
        "Point-in-time recovery keeps AWS's 35 days: remove it, or set the period with the AWS CLI (update-continuous-backups).",
    ),
    ("resource", "aws_kms_key", "custom_key_store_id", KEY_STORE),
    ("resource", "aws_kms_key", "xks_key_id", KEY_STORE),
    ("resource", "aws_kms_key", "timeouts", WAITS),
    ("resource", "aws_route53_record", "cidr_routing_policy", ROUTING),
    ("resource", "aws_route53_record", "geoproximity_routing_policy", ROUTING),
    ("resource", "aws_s3_bucket", "timeouts", WAITS),
    (
        "resource",
        "aws_servicecatalog_principal_portfolio_association",
        "timeouts",
        "The association is one call that does not wait: remove the block.",
    ),
    (
        "resource",
        "aws_sesv2_email_identity",
        "dkim_signing_attributes",
        "Bring-your-own DKIM keys are not supported yet: the identity uses Easy DKIM.",
    ),
];

/// `schema` of a resource type (`kind` "resource") or data source type ("data") with its
/// documented arguments that infinstor does not support yet.
pub(crate) fn documented(kind: &str, type_name: &str, mut schema: Schema) -> Schema {
    for (_, _, path, instead) in ARGUMENTS.iter().filter(|(k, t, _, _)| *k == kind && *t == type_name) {
        add(&mut schema, path, instead);
    }
    schema
}

fn add(schema: &mut Schema, path: &str, instead: &'static str) {
    match path.split_once('.') {
        Some((block, rest)) => {
            if let Some(b) = schema.blocks.get_mut(block) {
                add(&mut b.schema, rest, instead);
            }
        }
        None => {
            if !schema.attributes.contains_key(path) && !schema.blocks.contains_key(path) {
                schema.not_yet.insert(path.to_string(), instead);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::core::provider::ProviderFactory;
    use std::collections::BTreeMap;

    /// Whether `path` names an argument, block or not-yet entry of `schema`.
    fn known(schema: &Schema, path: &str) -> bool {
        match path.split_once('.') {
            Some((block, rest)) => match schema.blocks.get(block) {
                Some(b) => known(&b.schema, rest),
                // A whole block not supported yet covers what is inside it.
                None => schema.not_yet.contains_key(block) || schema.attributes.contains_key(block),
            },
            None => {
                schema.attributes.contains_key(path)
                    || schema.blocks.contains_key(path)
                    || schema.not_yet.contains_key(path)
            }
        }
    }

    #[test]
    fn every_documented_argument_is_supported_or_not_supported_yet_at_its_place() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/aws_arguments.json");
        let text = std::fs::read_to_string(path).expect("tests/data/aws_arguments.json");
        let doc: serde_json::Value = serde_json::from_str(&text).expect("the documented arguments");
        let factory = crate::aws::AwsFactory;
        let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut checked = 0;
        for (kind, data) in [("resource", false), ("data", true)] {
            for (type_name, entry) in doc[kind].as_object().into_iter().flatten() {
                let schema = match data {
                    false => factory.resource_schema(type_name),
                    true => factory.data_schema(type_name),
                };
                let Some(schema) = schema else { continue };
                for arg in entry["arguments"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a.as_str())
                {
                    checked += 1;
                    if !known(&schema, arg) {
                        missing
                            .entry(format!("{kind} {type_name}"))
                            .or_default()
                            .push(arg.to_string());
                    }
                }
            }
        }
        assert!(checked > 500, "only {checked} documented arguments were read");
        let total: usize = missing.values().map(Vec::len).sum();
        assert!(
            missing.is_empty(),
            "{total} documented arguments are neither supported nor listed in providers/src/not_yet.rs: {missing:#?}"
        );
    }
}
