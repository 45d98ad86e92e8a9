//! A distribution's `DistributionConfig` from its planned state, as the AWS provider expands
//! it: every list goes with its quantity, strings left empty are sent empty, and an origin
//! with neither an S3 nor a custom configuration is an S3 origin without an access identity
//! (the origin access control case).

use crate::support::attrs::{block_items, first_block, invalid, sref, string_list};
use aws_sdk_cloudfront::types::{
    Aliases, AllowedMethods, CacheBehavior, CacheBehaviors, CachedMethods, CookieNames, CookiePreference,
    CustomErrorResponse, CustomErrorResponses, CustomHeaders, CustomOriginConfig, DefaultCacheBehavior,
    DistributionConfig, EventType, ForwardedValues, FunctionAssociation, FunctionAssociations, GeoRestriction,
    GeoRestrictionType, Headers, HttpVersion, ItemSelection, LambdaFunctionAssociation, LambdaFunctionAssociations,
    LoggingConfig, Method, MinimumProtocolVersion, Origin, OriginCustomHeader, OriginGroup,
    OriginGroupFailoverCriteria, OriginGroupMember, OriginGroupMembers, OriginGroups, OriginProtocolPolicy,
    OriginShield, OriginSslProtocols, Origins, PriceClass, QueryStringCacheKeys, Restrictions, S3OriginConfig,
    SslProtocol, SslSupportMethod, StatusCodes, TrustedKeyGroups, TrustedSigners, ViewerCertificate,
    ViewerProtocolPolicy,
};
use engine::core::provider::ProviderError;
use engine::core::value::Value;

fn bad(e: impl std::fmt::Display) -> ProviderError {
    invalid(format!("CloudFront distribution configuration: {e}"))
}

fn text(v: &Value, key: &str) -> String {
    sref(v, key).unwrap_or_default().to_string()
}

fn int(v: &Value, key: &str) -> Option<i32> {
    v.get(key).as_f64().map(|n| n as i32)
}

fn long(v: &Value, key: &str) -> Option<i64> {
    v.get(key).as_f64().map(|n| n as i64)
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key).as_bool().unwrap_or(false)
}

fn methods(items: &[String]) -> Vec<Method> {
    items.iter().map(|m| Method::from(m.as_str())).collect()
}

fn len(n: usize) -> i32 {
    n as i32
}

fn origin(o: &Value) -> Result<Origin, ProviderError> {
    let headers: Vec<OriginCustomHeader> = block_items(o, "custom_header")
        .iter()
        .map(|h| {
            OriginCustomHeader::builder()
                .header_name(text(h, "name"))
                .header_value(text(h, "value"))
                .build()
                .map_err(bad)
        })
        .collect::<Result<_, _>>()?;
    let custom = block_items(o, "custom_origin_config").into_iter().next();
    let s3 = block_items(o, "s3_origin_config").into_iter().next();
    let custom = custom
        .map(|c| {
            let protocols = string_list(&&c.get("origin_ssl_protocols"));
            CustomOriginConfig::builder()
                .set_http_port(int(&c, "http_port"))
                .set_https_port(int(&c, "https_port"))
                .origin_protocol_policy(OriginProtocolPolicy::from(text(&c, "origin_protocol_policy").as_str()))
                .origin_ssl_protocols(
                    OriginSslProtocols::builder()
                        .quantity(len(protocols.len()))
                        .set_items(Some(protocols.iter().map(|p| SslProtocol::from(p.as_str())).collect()))
                        .build()
                        .map_err(bad)?,
                )
                .set_origin_read_timeout(int(&c, "origin_read_timeout"))
                .set_origin_keepalive_timeout(int(&c, "origin_keepalive_timeout"))
                .build()
                .map_err(bad)
        })
        .transpose()?;
    // Neither an S3 nor a custom configuration: an S3 origin reached without an access
    // identity, as the AWS provider sends it.
    let s3 = match (&s3, &custom) {
        (Some(s), _) => Some(
            S3OriginConfig::builder()
                .origin_access_identity(text(s, "origin_access_identity"))
                .build(),
        ),
        (None, None) => Some(S3OriginConfig::builder().origin_access_identity("").build()),
        (None, Some(_)) => None,
    };
    let shield = block_items(o, "origin_shield")
        .into_iter()
        .next()
        .map(|s| {
            OriginShield::builder()
                .enabled(flag(&s, "enabled"))
                .set_origin_shield_region(
                    sref(&s, "origin_shield_region")
                        .filter(|r| !r.is_empty())
                        .map(str::to_string),
                )
                .build()
                .map_err(bad)
        })
        .transpose()?;
    Origin::builder()
        .id(text(o, "origin_id"))
        .domain_name(text(o, "domain_name"))
        .origin_path(text(o, "origin_path"))
        .set_connection_attempts(int(o, "connection_attempts"))
        .set_connection_timeout(int(o, "connection_timeout"))
        .custom_headers(
            CustomHeaders::builder()
                .quantity(len(headers.len()))
                .set_items(Some(headers))
                .build()
                .map_err(bad)?,
        )
        .origin_access_control_id(text(o, "origin_access_control_id"))
        .set_custom_origin_config(custom)
        .set_s3_origin_config(s3)
        .set_origin_shield(shield)
        .build()
        .map_err(bad)
}

/// The parts a default and an ordered cache behaviour share.
struct Behaviour {
    target: String,
    viewer: ViewerProtocolPolicy,
    allowed: AllowedMethods,
    trusted_signers: TrustedSigners,
    trusted_key_groups: TrustedKeyGroups,
    lambdas: LambdaFunctionAssociations,
    functions: FunctionAssociations,
    forwarded: Option<ForwardedValues>,
    ttls: Option<(i64, Option<i64>, Option<i64>)>,
}

fn behaviour(b: &Value) -> Result<Behaviour, ProviderError> {
    let allowed = string_list(&b.get("allowed_methods"));
    let cached = string_list(&b.get("cached_methods"));
    let signers = string_list(&b.get("trusted_signers"));
    let groups = string_list(&b.get("trusted_key_groups"));
    let lambdas: Vec<LambdaFunctionAssociation> = block_items(b, "lambda_function_association")
        .iter()
        .map(|l| {
            LambdaFunctionAssociation::builder()
                .lambda_function_arn(text(l, "lambda_arn"))
                .event_type(EventType::from(text(l, "event_type").as_str()))
                .include_body(flag(l, "include_body"))
                .build()
                .map_err(bad)
        })
        .collect::<Result<_, _>>()?;
    let functions: Vec<FunctionAssociation> = block_items(b, "function_association")
        .iter()
        .map(|f| {
            FunctionAssociation::builder()
                .function_arn(text(f, "function_arn"))
                .event_type(EventType::from(text(f, "event_type").as_str()))
                .build()
                .map_err(bad)
        })
        .collect::<Result<_, _>>()?;
    let forwarded = block_items(b, "forwarded_values")
        .into_iter()
        .next()
        .map(|f| -> Result<ForwardedValues, ProviderError> {
            let cookies = first_block(&f, "cookies");
            let whitelisted = string_list(&&cookies.get("whitelisted_names"));
            let headers = string_list(&&f.get("headers"));
            let keys = string_list(&&f.get("query_string_cache_keys"));
            ForwardedValues::builder()
                .query_string(flag(&f, "query_string"))
                .cookies(
                    CookiePreference::builder()
                        .forward(ItemSelection::from(text(&cookies, "forward").as_str()))
                        .whitelisted_names(
                            CookieNames::builder()
                                .quantity(len(whitelisted.len()))
                                .set_items(Some(whitelisted))
                                .build()
                                .map_err(bad)?,
                        )
                        .build()
                        .map_err(bad)?,
                )
                .headers(
                    Headers::builder()
                        .quantity(len(headers.len()))
                        .set_items(Some(headers))
                        .build()
                        .map_err(bad)?,
                )
                .query_string_cache_keys(
                    QueryStringCacheKeys::builder()
                        .quantity(len(keys.len()))
                        .set_items(Some(keys))
                        .build()
                        .map_err(bad)?,
                )
                .build()
                .map_err(bad)
        })
        .transpose()?;
    // With a cache policy the TTLs are the policy's: they are not sent.
    let ttls = sref(b, "cache_policy_id").is_none_or(str::is_empty).then(|| {
        (
            long(b, "min_ttl").unwrap_or(0),
            long(b, "default_ttl"),
            long(b, "max_ttl"),
        )
    });
    Ok(Behaviour {
        target: text(b, "target_origin_id"),
        viewer: ViewerProtocolPolicy::from(text(b, "viewer_protocol_policy").as_str()),
        allowed: AllowedMethods::builder()
            .quantity(len(allowed.len()))
            .set_items(Some(methods(&allowed)))
            .cached_methods(
                CachedMethods::builder()
                    .quantity(len(cached.len()))
                    .set_items(Some(methods(&cached)))
                    .build()
                    .map_err(bad)?,
            )
            .build()
            .map_err(bad)?,
        trusted_signers: TrustedSigners::builder()
            .enabled(!signers.is_empty())
            .quantity(len(signers.len()))
            .set_items(Some(signers))
            .build()
            .map_err(bad)?,
        trusted_key_groups: TrustedKeyGroups::builder()
            .enabled(!groups.is_empty())
            .quantity(len(groups.len()))
            .set_items(Some(groups))
            .build()
            .map_err(bad)?,
        lambdas: LambdaFunctionAssociations::builder()
            .quantity(len(lambdas.len()))
            .set_items(Some(lambdas))
            .build()
            .map_err(bad)?,
        functions: FunctionAssociations::builder()
            .quantity(len(functions.len()))
            .set_items(Some(functions))
            .build()
            .map_err(bad)?,
        forwarded,
        ttls,
    })
}

/// Sets a behaviour's fields on a default or ordered cache behaviour builder.
macro_rules! behaviour_fields {
    ($builder:expr, $b:expr, $parts:expr) => {{
        let (b, p) = ($b, $parts);
        // The TTLs and forwarded values are deprecated in the API for cache policies, which
        // the AWS provider still supports beside them.
        #[allow(deprecated)]
        let mut builder = $builder
            .target_origin_id(p.target)
            .viewer_protocol_policy(p.viewer)
            .allowed_methods(p.allowed)
            .trusted_signers(p.trusted_signers)
            .trusted_key_groups(p.trusted_key_groups)
            .lambda_function_associations(p.lambdas)
            .function_associations(p.functions)
            .compress(flag(b, "compress"))
            .smooth_streaming(flag(b, "smooth_streaming"))
            .cache_policy_id(text(b, "cache_policy_id"))
            .origin_request_policy_id(text(b, "origin_request_policy_id"))
            .response_headers_policy_id(text(b, "response_headers_policy_id"))
            .field_level_encryption_id(text(b, "field_level_encryption_id"))
            .set_realtime_log_config_arn(
                sref(b, "realtime_log_config_arn")
                    .filter(|a| !a.is_empty())
                    .map(str::to_string),
            )
            .set_forwarded_values(p.forwarded);
        #[allow(deprecated)]
        if let Some((min, default, max)) = p.ttls {
            builder = builder
                .min_ttl(min)
                .default_ttl(default.unwrap_or(0))
                .max_ttl(max.unwrap_or(0));
        }
        builder
    }};
}

fn default_behaviour(planned: &Value) -> Result<DefaultCacheBehavior, ProviderError> {
    let b = first_block(planned, "default_cache_behavior");
    let parts = behaviour(&b)?;
    behaviour_fields!(DefaultCacheBehavior::builder(), &b, parts)
        .build()
        .map_err(bad)
}

fn ordered_behaviours(planned: &Value) -> Result<CacheBehaviors, ProviderError> {
    let items: Vec<CacheBehavior> = block_items(planned, "ordered_cache_behavior")
        .iter()
        .map(|b| {
            let parts = behaviour(b)?;
            behaviour_fields!(CacheBehavior::builder().path_pattern(text(b, "path_pattern")), b, parts)
                .build()
                .map_err(bad)
        })
        .collect::<Result<_, _>>()?;
    CacheBehaviors::builder()
        .quantity(len(items.len()))
        .set_items((!items.is_empty()).then_some(items))
        .build()
        .map_err(bad)
}

fn error_responses(planned: &Value) -> Result<CustomErrorResponses, ProviderError> {
    let items: Vec<CustomErrorResponse> = block_items(planned, "custom_error_response")
        .iter()
        .map(|r| {
            let code = int(r, "response_code")
                .filter(|c| *c != 0)
                .map(|c| c.to_string())
                .unwrap_or_default();
            CustomErrorResponse::builder()
                .set_error_code(int(r, "error_code"))
                .error_caching_min_ttl(long(r, "error_caching_min_ttl").unwrap_or(0))
                .response_code(code)
                .response_page_path(text(r, "response_page_path"))
                .build()
                .map_err(bad)
        })
        .collect::<Result<_, _>>()?;
    CustomErrorResponses::builder()
        .quantity(len(items.len()))
        .set_items((!items.is_empty()).then_some(items))
        .build()
        .map_err(bad)
}

fn origin_groups(planned: &Value) -> Result<Option<OriginGroups>, ProviderError> {
    let items: Vec<OriginGroup> = block_items(planned, "origin_group")
        .iter()
        .map(|g| {
            let codes: Vec<i32> = first_block(g, "failover_criteria")
                .get("status_codes")
                .as_list()
                .map(|l| l.iter().filter_map(|c| c.as_f64().map(|n| n as i32)).collect())
                .unwrap_or_default();
            let members: Vec<OriginGroupMember> = block_items(g, "member")
                .iter()
                .map(|m| {
                    OriginGroupMember::builder()
                        .origin_id(text(m, "origin_id"))
                        .build()
                        .map_err(bad)
                })
                .collect::<Result<_, _>>()?;
            OriginGroup::builder()
                .id(text(g, "origin_id"))
                .failover_criteria(
                    OriginGroupFailoverCriteria::builder()
                        .status_codes(
                            StatusCodes::builder()
                                .quantity(len(codes.len()))
                                .set_items(Some(codes))
                                .build()
                                .map_err(bad)?,
                        )
                        .build(),
                )
                .members(
                    OriginGroupMembers::builder()
                        .quantity(len(members.len()))
                        .set_items(Some(members))
                        .build()
                        .map_err(bad)?,
                )
                .build()
                .map_err(bad)
        })
        .collect::<Result<_, _>>()?;
    if items.is_empty() {
        return Ok(None);
    }
    OriginGroups::builder()
        .quantity(len(items.len()))
        .set_items(Some(items))
        .build()
        .map(Some)
        .map_err(bad)
}

fn viewer_certificate(planned: &Value) -> ViewerCertificate {
    let c = first_block(planned, "viewer_certificate");
    let (iam, acm) = (text(&c, "iam_certificate_id"), text(&c, "acm_certificate_arn"));
    let method = sref(&c, "ssl_support_method")
        .filter(|m| !m.is_empty())
        .map(SslSupportMethod::from);
    let builder = if !iam.is_empty() {
        ViewerCertificate::builder()
            .iam_certificate_id(iam)
            .set_ssl_support_method(method)
    } else if !acm.is_empty() {
        ViewerCertificate::builder()
            .acm_certificate_arn(acm)
            .set_ssl_support_method(method)
    } else {
        ViewerCertificate::builder().cloud_front_default_certificate(flag(&c, "cloudfront_default_certificate"))
    };
    builder
        .set_minimum_protocol_version(
            sref(&c, "minimum_protocol_version")
                .filter(|v| !v.is_empty())
                .map(MinimumProtocolVersion::from),
        )
        .build()
}

/// The whole configuration; `caller_reference` is the create's token, or the one state
/// holds (CloudFront refuses a change of it).
pub(super) fn config(planned: &Value, caller_reference: &str) -> Result<DistributionConfig, ProviderError> {
    let origins: Vec<Origin> = block_items(planned, "origin")
        .iter()
        .map(origin)
        .collect::<Result<_, _>>()?;
    let aliases = string_list(&planned.get("aliases"));
    let logging = first_block(planned, "logging_config");
    let geo = first_block(&first_block(planned, "restrictions"), "geo_restriction");
    let locations = string_list(&&geo.get("locations"));
    DistributionConfig::builder()
        .caller_reference(caller_reference)
        .comment(text(planned, "comment"))
        .default_root_object(text(planned, "default_root_object"))
        .web_acl_id(text(planned, "web_acl_id"))
        .continuous_deployment_policy_id(text(planned, "continuous_deployment_policy_id"))
        .enabled(flag(planned, "enabled"))
        .is_ipv6_enabled(flag(planned, "is_ipv6_enabled"))
        .staging(flag(planned, "staging"))
        .http_version(HttpVersion::from(sref(planned, "http_version").unwrap_or("http2")))
        .price_class(PriceClass::from(
            sref(planned, "price_class").unwrap_or("PriceClass_All"),
        ))
        .aliases(
            Aliases::builder()
                .quantity(len(aliases.len()))
                .set_items((!aliases.is_empty()).then_some(aliases))
                .build()
                .map_err(bad)?,
        )
        .origins(
            Origins::builder()
                .quantity(len(origins.len()))
                .set_items(Some(origins))
                .build()
                .map_err(bad)?,
        )
        .set_origin_groups(origin_groups(planned)?)
        .default_cache_behavior(default_behaviour(planned)?)
        .cache_behaviors(ordered_behaviours(planned)?)
        .custom_error_responses(error_responses(planned)?)
        .logging(
            LoggingConfig::builder()
                .enabled(!logging.is_null())
                .include_cookies(flag(&logging, "include_cookies"))
                .bucket(text(&logging, "bucket"))
                .prefix(text(&logging, "prefix"))
                .build(),
        )
        .restrictions(
            Restrictions::builder()
                .geo_restriction(
                    GeoRestriction::builder()
                        .restriction_type(GeoRestrictionType::from(
                            sref(&geo, "restriction_type").unwrap_or("none"),
                        ))
                        .quantity(len(locations.len()))
                        .set_items((!locations.is_empty()).then_some(locations))
                        .build()
                        .map_err(bad)?,
                )
                .build(),
        )
        .viewer_certificate(viewer_certificate(planned))
        .build()
        .map_err(bad)
}
