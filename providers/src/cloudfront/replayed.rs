//! What the emulator cannot do for CloudFront, against the service's documented answers
//! through the SDK's replay client (every request checked): cache and origin request policies
//! (the emulator has neither), and a distribution's delete while it is still deploying (the
//! emulator deploys at once and deletes an enabled distribution).

use super::distribution::Distribution;
use super::policy::Policy;
use crate::replay::{ctx, sent, Answer};
use crate::resource::{ResourceType, Step};
use engine::core::value::{map, Value};

const NS: &str = "http://cloudfront.amazonaws.com/doc/2020-05-31/";

fn xml(status: u16, body: String, etag: &'static str) -> Answer {
    Answer {
        status,
        content_type: "text/xml",
        body,
        headers: if etag.is_empty() {
            Vec::new()
        } else {
            vec![("ETag", etag)]
        },
    }
}

fn error(status: u16, code: &str) -> Answer {
    xml(
        status,
        format!(
            r#"<?xml version="1.0"?><ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>{code}</Code><Message>{code}</Message></Error></ErrorResponse>"#
        ),
        "",
    )
}

fn cache_policy(min_ttl: i64, headers: &[&str]) -> String {
    let names: String = headers.iter().map(|h| format!("<Name>{h}</Name>")).collect();
    let behavior = if headers.is_empty() { "none" } else { "whitelist" };
    let headers = if headers.is_empty() {
        String::new()
    } else {
        format!(
            "<Headers><Quantity>{}</Quantity><Items>{names}</Items></Headers>",
            headers.len()
        )
    };
    format!(
        r#"<?xml version="1.0"?><CachePolicy xmlns="{NS}"><Id>pol-1</Id><LastModifiedTime>2026-12-07T12:00:00Z</LastModifiedTime><CachePolicyConfig><Comment>web</Comment><Name>web</Name><DefaultTTL>3600</DefaultTTL><MaxTTL>86400</MaxTTL><MinTTL>{min_ttl}</MinTTL><ParametersInCacheKeyAndForwardedToOrigin><EnableAcceptEncodingGzip>true</EnableAcceptEncodingGzip><EnableAcceptEncodingBrotli>false</EnableAcceptEncodingBrotli><HeadersConfig><HeaderBehavior>{behavior}</HeaderBehavior>{headers}</HeadersConfig><CookiesConfig><CookieBehavior>none</CookieBehavior></CookiesConfig><QueryStringsConfig><QueryStringBehavior>all</QueryStringBehavior></QueryStringsConfig></ParametersInCacheKeyAndForwardedToOrigin></CachePolicyConfig></CachePolicy>"#
    )
}

fn block(fields: Vec<(&str, Value)>) -> Value {
    Value::List(vec![map(fields)].into())
}

fn behaviour(key: &'static str, behavior: &str, names_key: &str, names: &[&str]) -> (&'static str, Value) {
    let names = if names.is_empty() {
        Value::List(Vec::new().into())
    } else {
        block(vec![(
            "items",
            Value::List(names.iter().map(|n| Value::from(*n)).collect::<Vec<_>>().into()),
        )])
    };
    let behavior_key = match key {
        "cookies_config" => "cookie_behavior",
        "headers_config" => "header_behavior",
        _ => "query_string_behavior",
    };
    (
        key,
        block(vec![(behavior_key, Value::from(behavior)), (names_key, names)]),
    )
}

fn cache_config(min_ttl: i64, headers: &[&str]) -> Value {
    let params = map([
        behaviour("cookies_config", "none", "cookies", &[]),
        behaviour(
            "headers_config",
            if headers.is_empty() { "none" } else { "whitelist" },
            "headers",
            headers,
        ),
        behaviour("query_strings_config", "all", "query_strings", &[]),
        ("enable_accept_encoding_gzip", Value::from(true)),
    ]);
    map([
        ("name", Value::from("web")),
        ("comment", Value::from("web")),
        ("min_ttl", Value::from(min_ttl)),
        ("default_ttl", Value::from(3600i64)),
        ("max_ttl", Value::from(86400i64)),
        (
            "parameters_in_cache_key_and_forwarded_to_origin",
            Value::List(vec![params].into()),
        ),
    ])
}

#[test]
fn a_cache_policy_is_created_replaced_in_place_with_its_etag_and_deleted() {
    let (ctx, replay) = ctx(vec![
        xml(201, cache_policy(1, &["Host"]), "E1"),
        xml(200, cache_policy(1, &["Host"]), "E1"),
        xml(200, cache_policy(5, &[]), "E2"),
        xml(200, cache_policy(5, &[]), "E2"),
        xml(204, String::new(), ""),
        error(404, "NoSuchCachePolicy"),
    ]);
    let kind = Policy::CACHE;
    let (planned, _) = kind.plan(&ctx, None, cache_config(1, &["Host"])).expect("plan");
    let (state, error) = kind.create(&ctx, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    let state = state.expect("state");
    assert_eq!(state.get("id"), Value::from("pol-1"));
    assert_eq!(state.get("etag"), Value::from("E1"));
    assert_eq!(
        state.get("arn"),
        Value::from("arn:aws:cloudfront::123456789012:cache-policy/pol-1")
    );
    let again = engine::plan::diff::proposed(&kind.schema(), &cache_config(1, &["Host"]), Some(&state), &[]);
    let changed = engine::plan::diff::changed_attributes(
        &kind.schema(),
        &state,
        &kind.plan(&ctx, Some(&state), again).expect("plan").0,
    );
    assert!(changed.is_empty(), "what was read is what was planned: {changed:?}");

    let proposed = engine::plan::diff::proposed(&kind.schema(), &cache_config(5, &[]), Some(&state), &[]);
    let (planned, replace) = kind.plan(&ctx, Some(&state), proposed).expect("plan");
    assert!(replace.is_empty());
    assert!(planned.get("etag").is_unknown(), "a change makes a new ETag");
    let (updated, error) = kind.update(&ctx, &state, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    assert_eq!(updated.expect("state").get("etag"), Value::from("E2"));
    kind.delete(
        &ctx,
        &map([("id", Value::from("pol-1")), ("etag", Value::from("E2"))]),
        &Step::QUIET,
    )
    .expect("delete");
    kind.delete(
        &ctx,
        &map([("id", Value::from("pol-1")), ("etag", Value::from("E2"))]),
        &Step::QUIET,
    )
    .expect("a policy already gone is deleted");

    let requests = sent(&replay);
    assert_eq!(requests[0].0, "POST");
    assert!(requests[0].2.contains("<HeaderBehavior>whitelist</HeaderBehavior><Headers><Quantity>1</Quantity><Items><Name>Host</Name></Items></Headers>"), "{}", requests[0].2);
    assert_eq!(requests[2].0, "PUT");
    assert!(requests[2].2.contains("<MinTTL>5</MinTTL>"), "{}", requests[2].2);
    assert!(
        requests[4].1.ends_with("/2020-05-31/cache-policy/pol-1"),
        "{:?}",
        requests[4]
    );
}

fn origin_request_policy() -> String {
    format!(
        r#"<?xml version="1.0"?><OriginRequestPolicy xmlns="{NS}"><Id>orp-1</Id><LastModifiedTime>2026-12-07T12:00:00Z</LastModifiedTime><OriginRequestPolicyConfig><Name>api</Name><HeadersConfig><HeaderBehavior>allViewer</HeaderBehavior></HeadersConfig><CookiesConfig><CookieBehavior>whitelist</CookieBehavior><Cookies><Quantity>1</Quantity><Items><Name>session</Name></Items></Cookies></CookiesConfig><QueryStringsConfig><QueryStringBehavior>all</QueryStringBehavior></QueryStringsConfig></OriginRequestPolicyConfig></OriginRequestPolicy>"#
    )
}

#[test]
fn an_origin_request_policy_reads_back_as_configured() {
    let (ctx, replay) = ctx(vec![
        xml(201, origin_request_policy(), "R1"),
        xml(200, origin_request_policy(), "R1"),
    ]);
    let kind = Policy::ORIGIN_REQUEST;
    let config = map([
        ("name", Value::from("api")),
        behaviour("headers_config", "allViewer", "headers", &[]),
        behaviour("cookies_config", "whitelist", "cookies", &["session"]),
        behaviour("query_strings_config", "all", "query_strings", &[]),
    ]);
    let (planned, _) = kind.plan(&ctx, None, config.clone()).expect("plan");
    let (state, error) = kind.create(&ctx, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    let state = state.expect("state");
    let proposed = engine::plan::diff::proposed(&kind.schema(), &config, Some(&state), &[]);
    let (again, _) = kind.plan(&ctx, Some(&state), proposed).expect("plan");
    assert!(engine::plan::diff::changed_attributes(&kind.schema(), &state, &again).is_empty());
    assert!(sent(&replay)[0].2.contains("<CookieBehavior>whitelist</CookieBehavior><Cookies><Quantity>1</Quantity><Items><Name>session</Name></Items></Cookies>"));
}

fn distribution(status: &str, enabled: bool) -> String {
    format!(
        r#"<?xml version="1.0"?><Distribution xmlns="{NS}"><Id>EDFDVBD6EXAMPLE</Id><ARN>arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE</ARN><Status>{status}</Status><LastModifiedTime>2026-12-07T12:00:00.5Z</LastModifiedTime><InProgressInvalidationBatches>0</InProgressInvalidationBatches><DomainName>d111111abcdef8.cloudfront.net</DomainName><DistributionConfig><CallerReference>terraform-1</CallerReference><Comment>web</Comment><Enabled>{enabled}</Enabled><Origins><Quantity>1</Quantity><Items><Origin><Id>assets</Id><DomainName>assets.s3.amazonaws.com</DomainName><S3OriginConfig><OriginAccessIdentity></OriginAccessIdentity></S3OriginConfig></Origin></Items></Origins><DefaultCacheBehavior><TargetOriginId>assets</TargetOriginId><ViewerProtocolPolicy>allow-all</ViewerProtocolPolicy></DefaultCacheBehavior></DistributionConfig></Distribution>"#
    )
}

fn distribution_config(enabled: bool) -> String {
    format!(
        r#"<?xml version="1.0"?><DistributionConfig xmlns="{NS}"><CallerReference>terraform-1</CallerReference><Comment>web</Comment><Enabled>{enabled}</Enabled><Origins><Quantity>1</Quantity><Items><Origin><Id>assets</Id><DomainName>assets.s3.amazonaws.com</DomainName></Origin></Items></Origins><DefaultCacheBehavior><TargetOriginId>assets</TargetOriginId><ViewerProtocolPolicy>allow-all</ViewerProtocolPolicy></DefaultCacheBehavior></DistributionConfig>"#
    )
}

#[test]
fn a_deploying_distribution_is_waited_for_disabled_and_deleted_once_disabled() {
    let (ctx, replay) = ctx(vec![
        // The delete finds it still deploying, and waits.
        xml(200, distribution("InProgress", true), "A"),
        xml(200, distribution("InProgress", true), "A"),
        xml(200, distribution("Deployed", true), "A"),
        // Disabled from the configuration CloudFront holds, then deployed again.
        xml(200, distribution_config(true), "A"),
        xml(200, distribution("InProgress", false), "B"),
        xml(200, distribution("Deployed", false), "B"),
        // The delete names the ETag it has now; then the distribution is gone.
        xml(200, distribution("Deployed", false), "B"),
        xml(204, String::new(), ""),
        error(404, "NoSuchDistribution"),
    ]);
    let lines = std::cell::RefCell::new(Vec::new());
    let record = |l: &str| lines.borrow_mut().push(l.to_string());
    let step = Step {
        progress: &record,
        ..Step::QUIET
    };
    let prior = map([
        ("id", Value::from("EDFDVBD6EXAMPLE")),
        ("retain_on_delete", Value::from(false)),
    ]);
    Distribution.delete(&ctx, &prior, &step).expect("delete");
    let requests = sent(&replay);
    let update = &requests[4];
    assert_eq!(update.0, "PUT");
    assert!(
        update.2.contains("<Enabled>false</Enabled>")
            && update.2.contains("<CallerReference>terraform-1</CallerReference>"),
        "{}",
        update.2
    );
    assert_eq!(requests[7].0, "DELETE");
    assert!(
        lines.borrow().iter().any(|l| l.contains("InProgress")),
        "{:?}",
        lines.borrow()
    );
}
