//! A distribution's state from what CloudFront answers, flattened as the AWS provider does
//! (every nested field present, its zero value when CloudFront leaves it out), so that state
//! and the planned configuration compare item by item. Two answers are read as what they
//! mean: a certificate named by ARN or ID is not also the default certificate, and a cache
//! behaviour with a cache policy forwards nothing of its own.

use crate::support::attrs::set_value;
use aws_sdk_cloudfront::types::{
    CacheBehavior, CustomErrorResponse, DefaultCacheBehavior, Distribution, DistributionConfig, ForwardedValues,
    FunctionAssociations, LambdaFunctionAssociations, Origin, OriginGroup,
};
use engine::core::value::{map, Value};

fn list(items: Vec<Value>) -> Value {
    Value::List(items.into())
}

fn one(item: Option<Value>) -> Value {
    list(item.into_iter().collect())
}

fn s(v: Option<&str>) -> Value {
    Value::string(v.unwrap_or_default())
}

/// Strings in the order CloudFront keeps them.
fn ordered<T: AsRef<str>>(items: impl IntoIterator<Item = T>) -> Value {
    list(items.into_iter().map(|s| Value::string(s.as_ref())).collect())
}

fn int(n: Option<i32>) -> Value {
    Value::from(i64::from(n.unwrap_or(0)))
}

fn origin(o: &Origin) -> Value {
    let headers: Vec<Value> = o
        .custom_headers()
        .map(|h| h.items())
        .unwrap_or_default()
        .iter()
        .map(|h| {
            map([
                ("name", Value::string(h.header_name())),
                ("value", Value::string(h.header_value())),
            ])
        })
        .collect();
    let custom = o.custom_origin_config().map(|c| {
        map([
            ("http_port", int(Some(c.http_port()))),
            ("https_port", int(Some(c.https_port()))),
            (
                "origin_protocol_policy",
                Value::string(c.origin_protocol_policy().as_str()),
            ),
            (
                "origin_ssl_protocols",
                set_value(
                    c.origin_ssl_protocols()
                        .map(|p| p.items())
                        .unwrap_or_default()
                        .iter()
                        .map(|p| p.as_str()),
                ),
            ),
            ("origin_keepalive_timeout", int(c.origin_keepalive_timeout())),
            ("origin_read_timeout", int(c.origin_read_timeout())),
        ])
    });
    let shield = o.origin_shield().filter(|s| s.enabled()).map(|sh| {
        map([
            ("enabled", Value::from(true)),
            ("origin_shield_region", s(sh.origin_shield_region())),
        ])
    });
    let s3 = o
        .s3_origin_config()
        .filter(|c| !c.origin_access_identity().is_empty())
        .map(|c| map([("origin_access_identity", Value::string(c.origin_access_identity()))]));
    map([
        ("origin_id", Value::string(o.id())),
        ("domain_name", Value::string(o.domain_name())),
        ("origin_path", s(o.origin_path())),
        ("origin_access_control_id", s(o.origin_access_control_id())),
        ("connection_attempts", int(o.connection_attempts())),
        ("connection_timeout", int(o.connection_timeout())),
        ("custom_header", list(headers)),
        ("custom_origin_config", one(custom)),
        ("origin_shield", one(shield)),
        ("s3_origin_config", one(s3)),
    ])
}

fn forwarded(f: &ForwardedValues) -> Value {
    let cookies = f.cookies().map(|c| {
        map([
            ("forward", Value::string(c.forward().as_str())),
            (
                "whitelisted_names",
                set_value(c.whitelisted_names().map(|n| n.items()).unwrap_or_default()),
            ),
        ])
    });
    map([
        ("query_string", Value::from(f.query_string())),
        ("cookies", one(cookies)),
        ("headers", set_value(f.headers().map(|h| h.items()).unwrap_or_default())),
        (
            "query_string_cache_keys",
            ordered(f.query_string_cache_keys().map(|k| k.items()).unwrap_or_default()),
        ),
    ])
}

fn associations(
    lambdas: Option<&LambdaFunctionAssociations>,
    functions: Option<&FunctionAssociations>,
) -> (Value, Value) {
    let lambdas = lambdas
        .map(|l| l.items())
        .unwrap_or_default()
        .iter()
        .map(|l| {
            map([
                ("event_type", Value::string(l.event_type().as_str())),
                ("lambda_arn", Value::string(l.lambda_function_arn())),
                ("include_body", Value::from(l.include_body().unwrap_or(false))),
            ])
        })
        .collect();
    let functions = functions
        .map(|f| f.items())
        .unwrap_or_default()
        .iter()
        .map(|f| {
            map([
                ("event_type", Value::string(f.event_type().as_str())),
                ("function_arn", Value::string(f.function_arn())),
            ])
        })
        .collect();
    (list(lambdas), list(functions))
}

/// The fields of either kind of cache behaviour, read through the accessors both have.
macro_rules! behaviour_state {
    ($b:expr) => {{
        let b = $b;
        let policy = b.cache_policy_id().unwrap_or_default();
        let (lambdas, functions) = associations(b.lambda_function_associations(), b.function_associations());
        let allowed = b.allowed_methods();
        #[allow(deprecated)]
        let (min, default, max) = (b.min_ttl(), b.default_ttl(), b.max_ttl());
        let signers: Vec<String> = b.trusted_signers().map(|t| t.items().to_vec()).unwrap_or_default();
        let groups: Vec<String> = b.trusted_key_groups().map(|t| t.items().to_vec()).unwrap_or_default();
        #[allow(deprecated)]
        let forwarded_values = b.forwarded_values().filter(|_| policy.is_empty()).map(forwarded);
        vec![
            ("target_origin_id", Value::string(b.target_origin_id())),
            (
                "viewer_protocol_policy",
                Value::string(b.viewer_protocol_policy().as_str()),
            ),
            (
                "allowed_methods",
                set_value(
                    allowed
                        .map(|a| a.items())
                        .unwrap_or_default()
                        .iter()
                        .map(|m| m.as_str()),
                ),
            ),
            (
                "cached_methods",
                set_value(
                    allowed
                        .and_then(|a| a.cached_methods())
                        .map(|c| c.items())
                        .unwrap_or_default()
                        .iter()
                        .map(|m| m.as_str()),
                ),
            ),
            ("compress", Value::from(b.compress().unwrap_or(false))),
            ("smooth_streaming", Value::from(b.smooth_streaming().unwrap_or(false))),
            ("cache_policy_id", Value::string(policy)),
            ("origin_request_policy_id", s(b.origin_request_policy_id())),
            ("response_headers_policy_id", s(b.response_headers_policy_id())),
            ("field_level_encryption_id", s(b.field_level_encryption_id())),
            ("realtime_log_config_arn", s(b.realtime_log_config_arn())),
            ("min_ttl", Value::from(min.unwrap_or(0))),
            ("default_ttl", Value::from(default.unwrap_or(0))),
            ("max_ttl", Value::from(max.unwrap_or(0))),
            ("trusted_signers", ordered(signers)),
            ("trusted_key_groups", ordered(groups)),
            ("lambda_function_association", lambdas),
            ("function_association", functions),
            ("forwarded_values", one(forwarded_values)),
        ]
    }};
}

fn default_behaviour(b: &DefaultCacheBehavior) -> Value {
    map(behaviour_state!(b))
}

fn ordered_behaviour(b: &CacheBehavior) -> Value {
    let mut fields = behaviour_state!(b);
    fields.push(("path_pattern", Value::string(b.path_pattern())));
    map(fields)
}

fn error_response(r: &CustomErrorResponse) -> Value {
    map([
        ("error_code", Value::from(i64::from(r.error_code()))),
        (
            "error_caching_min_ttl",
            Value::from(r.error_caching_min_ttl().unwrap_or(0)),
        ),
        (
            "response_code",
            Value::from(r.response_code().and_then(|c| c.parse::<i64>().ok()).unwrap_or(0)),
        ),
        ("response_page_path", s(r.response_page_path())),
    ])
}

fn origin_group(g: &OriginGroup) -> Value {
    let mut codes: Vec<i64> = g
        .failover_criteria()
        .and_then(|f| f.status_codes())
        .map(|c| c.items().iter().map(|n| i64::from(*n)).collect())
        .unwrap_or_default();
    codes.sort();
    let members: Vec<Value> = g
        .members()
        .map(|m| m.items())
        .unwrap_or_default()
        .iter()
        .map(|m| map([("origin_id", Value::string(m.origin_id()))]))
        .collect();
    map([
        ("origin_id", Value::string(g.id())),
        (
            "failover_criteria",
            list(vec![map([(
                "status_codes",
                list(codes.into_iter().map(Value::from).collect()),
            )])]),
        ),
        ("member", list(members)),
    ])
}

fn trusted(enabled: bool, items: Vec<Value>) -> Value {
    list(vec![map([("enabled", Value::from(enabled)), ("items", list(items))])])
}

fn active_signers(t: Option<&aws_sdk_cloudfront::types::ActiveTrustedSigners>) -> Value {
    let items = t
        .map(|t| t.items())
        .unwrap_or_default()
        .iter()
        .map(|signer| {
            map([
                ("aws_account_number", s(signer.aws_account_number())),
                (
                    "key_pair_ids",
                    set_value(signer.key_pair_ids().map(|k| k.items()).unwrap_or_default()),
                ),
            ])
        })
        .collect();
    trusted(t.is_some_and(|t| t.enabled()), items)
}

fn active_key_groups(t: Option<&aws_sdk_cloudfront::types::ActiveTrustedKeyGroups>) -> Value {
    let items = t
        .map(|t| t.items())
        .unwrap_or_default()
        .iter()
        .map(|g| {
            map([
                ("key_group_id", s(g.key_group_id())),
                (
                    "key_pair_ids",
                    set_value(g.key_pair_ids().map(|k| k.items()).unwrap_or_default()),
                ),
            ])
        })
        .collect();
    trusted(t.is_some_and(|t| t.enabled()), items)
}

/// Go's `time.Time.String()` of an instant in UTC, which the AWS provider records:
/// `2021-11-27 10:34:26.802 +0000 UTC`.
pub(super) fn go_time(t: &aws_smithy_types::DateTime) -> String {
    let base = t.fmt(aws_smithy_types::date_time::Format::DateTime).unwrap_or_default();
    let day_time = base.get(..19).unwrap_or_default().replacen('T', " ", 1);
    let nanos = t.subsec_nanos();
    let fraction = if nanos == 0 {
        String::new()
    } else {
        format!(".{nanos:09}").trim_end_matches('0').to_string()
    };
    format!("{day_time}{fraction} +0000 UTC")
}

/// The attributes of state that come from the distribution's configuration.
pub(super) fn config_fields(c: &DistributionConfig) -> Vec<(&'static str, Value)> {
    let certificate = c.viewer_certificate().map(|v| {
        let (iam, acm) = (
            v.iam_certificate_id().unwrap_or_default(),
            v.acm_certificate_arn().unwrap_or_default(),
        );
        let named = !iam.is_empty() || !acm.is_empty();
        map([
            ("acm_certificate_arn", Value::string(acm)),
            ("iam_certificate_id", Value::string(iam)),
            (
                "cloudfront_default_certificate",
                Value::from(!named && v.cloud_front_default_certificate().unwrap_or(false)),
            ),
            (
                "minimum_protocol_version",
                s(v.minimum_protocol_version().map(|m| m.as_str())),
            ),
            (
                "ssl_support_method",
                if named {
                    s(v.ssl_support_method().map(|m| m.as_str()))
                } else {
                    Value::string("")
                },
            ),
        ])
    });
    let logging = c.logging().filter(|l| l.enabled()).map(|l| {
        map([
            ("bucket", Value::string(l.bucket())),
            ("include_cookies", Value::from(l.include_cookies())),
            ("prefix", Value::string(l.prefix())),
        ])
    });
    let geo = c.restrictions().and_then(|r| r.geo_restriction()).map(|g| {
        map([
            ("restriction_type", Value::string(g.restriction_type().as_str())),
            ("locations", set_value(g.items())),
        ])
    });
    vec![
        ("caller_reference", Value::string(c.caller_reference())),
        ("enabled", Value::from(c.enabled())),
        ("comment", Value::string(c.comment())),
        ("is_ipv6_enabled", Value::from(c.is_ipv6_enabled().unwrap_or(false))),
        ("staging", Value::from(c.staging().unwrap_or(false))),
        ("http_version", s(c.http_version().map(|h| h.as_str()))),
        ("price_class", s(c.price_class().map(|p| p.as_str()))),
        ("web_acl_id", s(c.web_acl_id())),
        ("default_root_object", s(c.default_root_object())),
        (
            "continuous_deployment_policy_id",
            s(c.continuous_deployment_policy_id()),
        ),
        ("aliases", set_value(c.aliases().map(|a| a.items()).unwrap_or_default())),
        (
            "origin",
            list(
                c.origins()
                    .map(|o| o.items())
                    .unwrap_or_default()
                    .iter()
                    .map(origin)
                    .collect(),
            ),
        ),
        (
            "origin_group",
            list(
                c.origin_groups()
                    .map(|g| g.items())
                    .unwrap_or_default()
                    .iter()
                    .map(origin_group)
                    .collect(),
            ),
        ),
        (
            "default_cache_behavior",
            one(c.default_cache_behavior().map(default_behaviour)),
        ),
        (
            "ordered_cache_behavior",
            list(
                c.cache_behaviors()
                    .map(|b| b.items())
                    .unwrap_or_default()
                    .iter()
                    .map(ordered_behaviour)
                    .collect(),
            ),
        ),
        (
            "custom_error_response",
            list(
                c.custom_error_responses()
                    .map(|r| r.items())
                    .unwrap_or_default()
                    .iter()
                    .map(error_response)
                    .collect(),
            ),
        ),
        ("logging_config", one(logging)),
        (
            "restrictions",
            one(geo.map(|g| map([("geo_restriction", list(vec![g]))]))),
        ),
        ("viewer_certificate", one(certificate)),
    ]
}

/// The attributes of state that describe the distribution itself.
pub(super) fn distribution_fields(d: &Distribution) -> Vec<(&'static str, Value)> {
    vec![
        ("id", Value::string(d.id())),
        ("arn", Value::string(d.arn())),
        ("domain_name", Value::string(d.domain_name())),
        ("status", Value::string(d.status())),
        ("last_modified_time", Value::string(go_time(d.last_modified_time()))),
        (
            "in_progress_validation_batches",
            Value::from(i64::from(d.in_progress_invalidation_batches())),
        ),
        ("trusted_signers", active_signers(d.active_trusted_signers())),
        ("trusted_key_groups", active_key_groups(d.active_trusted_key_groups())),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn modification_times_read_as_go_prints_them() {
        let t = aws_smithy_types::DateTime::from_secs_and_nanos(1_638_009_266, 802_000_000);
        assert_eq!(super::go_time(&t), "2021-11-27 10:34:26.802 +0000 UTC");
        let whole = aws_smithy_types::DateTime::from_secs(1_638_009_266);
        assert_eq!(super::go_time(&whole), "2021-11-27 10:34:26 +0000 UTC");
    }
}
