//! aws_cloudfront_distribution: a CDN in front of S3 buckets and web servers — its origins,
//! cache behaviours, certificate (from ACM in us-east-1), aliases and restrictions. Every
//! change is deployed to CloudFront's edge locations, which takes minutes; a distribution is
//! disabled and deployed again before it can be deleted.

use super::{distribution_request as request, distribution_state as read};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    block_items, call, finish, first_block, into_state, invalid, list_of_strings, map_of_strings, problem, sdk_block,
    set_of_strings, sref, string_map, with_default, Put, State,
};
use crate::support::error::found;
use crate::support::naming::{intent_token, prefixed_unique_id, INTENT_TAG};
use crate::support::partition::cloudfront_zone;
use crate::support::tags::{split_tags, tag_diff_by, tags_all};
use crate::support::wait::{Poll, Waiter};
use aws_sdk_cloudfront::types::{DistributionConfigWithTags, Tag, TagKeys, Tags};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;
use std::time::Duration;

pub(super) struct Distribution;

/// How long a deployment may take, as in the AWS provider.
const DEPLOY_LIMIT: Duration = Duration::from_secs(90 * 60);

const EVENTS: &[&str] = &["viewer-request", "viewer-response", "origin-request", "origin-response"];
const METHODS: &[&str] = &["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];

fn text() -> Attribute {
    Attribute::optional(Type::String)
}

fn number() -> Attribute {
    Attribute::optional(Type::Number)
}

fn boolean() -> Attribute {
    Attribute::optional(Type::Bool)
}

/// A cache behaviour's schema; the default one reads some of its lists back from CloudFront
/// when they are left out.
fn behaviour_schema(default: bool) -> Schema {
    let decided = |ty: Type| {
        if default {
            Attribute::optional_computed(ty)
        } else {
            Attribute::optional(ty)
        }
    };
    let s = Schema::new()
        .attr("allowed_methods", Attribute::required(set_of_strings()).one_of(METHODS))
        .attr("cached_methods", Attribute::required(set_of_strings()).one_of(METHODS))
        .attr("target_origin_id", Attribute::required(Type::String))
        .attr(
            "viewer_protocol_policy",
            Attribute::required(Type::String).one_of(&["allow-all", "https-only", "redirect-to-https"]),
        )
        .attr("cache_policy_id", text())
        .attr("origin_request_policy_id", text())
        .attr("response_headers_policy_id", text())
        .attr("field_level_encryption_id", text())
        .attr("realtime_log_config_arn", text())
        .attr("compress", boolean())
        .attr("smooth_streaming", boolean())
        .attr("min_ttl", number())
        .attr("default_ttl", Attribute::optional_computed(Type::Number))
        .attr("max_ttl", Attribute::optional_computed(Type::Number))
        .attr("trusted_signers", decided(list_of_strings()))
        .attr("trusted_key_groups", decided(list_of_strings()))
        .block(
            "forwarded_values",
            Nesting::Single,
            Schema::new()
                .attr("query_string", Attribute::required(Type::Bool))
                .attr("headers", Attribute::optional_computed(set_of_strings()))
                .attr(
                    "query_string_cache_keys",
                    Attribute::optional_computed(list_of_strings()),
                )
                .block_min(
                    "cookies",
                    Nesting::Single,
                    Schema::new()
                        .attr(
                            "forward",
                            Attribute::required(Type::String).one_of(&["all", "none", "whitelist"]),
                        )
                        .attr("whitelisted_names", decided(set_of_strings())),
                    1,
                ),
        )
        .block(
            "lambda_function_association",
            Nesting::Set,
            Schema::new()
                .attr("event_type", Attribute::required(Type::String).one_of(EVENTS))
                .attr("lambda_arn", Attribute::required(Type::String))
                .attr("include_body", boolean()),
        )
        .block(
            "function_association",
            Nesting::Set,
            Schema::new()
                .attr("event_type", Attribute::required(Type::String).one_of(EVENTS))
                .attr("function_arn", Attribute::required(Type::String)),
        )
        .not_yet(
            "grpc_config",
            "gRPC origins are not supported yet: configure gRPC on the distribution in the console",
        );
    if default {
        s
    } else {
        s.attr("path_pattern", Attribute::required(Type::String))
    }
}

fn schema() -> Schema {
    let object = |fields: Vec<(&str, Type)>| {
        Type::Object(
            fields
                .into_iter()
                .map(|(k, ty)| {
                    (
                        k.to_string(),
                        engine::core::types::ObjectAttribute {
                            ty,
                            optional: false,
                            default: None,
                        },
                    )
                })
                .collect(),
        )
    };
    let trusted = |key: &str| {
        Type::List(Box::new(object(vec![
            ("enabled", Type::Bool),
            (
                "items",
                Type::List(Box::new(object(vec![
                    (key, Type::String),
                    ("key_pair_ids", set_of_strings()),
                ]))),
            ),
        ])))
    };
    Schema::new()
        .version(1)
        .attr("enabled", Attribute::required(Type::Bool))
        .attr("comment", text())
        .attr("default_root_object", text())
        .attr("aliases", Attribute::optional(set_of_strings()))
        .attr(
            "http_version",
            Attribute::optional(Type::String).one_of(&["http1.1", "http2", "http2and3", "http3"]),
        )
        .attr(
            "price_class",
            Attribute::optional(Type::String).one_of(&["PriceClass_All", "PriceClass_200", "PriceClass_100"]),
        )
        .attr("is_ipv6_enabled", boolean())
        .attr("web_acl_id", text())
        .attr("retain_on_delete", boolean())
        .attr("wait_for_deployment", boolean())
        .attr("staging", boolean().force_new())
        .attr("continuous_deployment_policy_id", Attribute::optional_computed(Type::String))
        .attr("tags", Attribute::optional(map_of_strings()))
        .attr("tags_all", Attribute::optional_computed(map_of_strings()))
        .attr("arn", Attribute::computed(Type::String))
        .attr("caller_reference", Attribute::computed(Type::String))
        .attr("domain_name", Attribute::computed(Type::String))
        .attr("etag", Attribute::computed(Type::String))
        .attr("hosted_zone_id", Attribute::computed(Type::String))
        .attr("in_progress_validation_batches", Attribute::computed(Type::Number))
        .attr("last_modified_time", Attribute::computed(Type::String))
        .attr("status", Attribute::computed(Type::String))
        .attr("trusted_key_groups", Attribute::computed(trusted("key_group_id")))
        .attr("trusted_signers", Attribute::computed(trusted("aws_account_number")))
        .attr("id", Attribute::computed(Type::String))
        .block(
            "custom_error_response",
            Nesting::Set,
            Schema::new()
                .attr("error_code", Attribute::required(Type::Number))
                .attr("error_caching_min_ttl", number())
                .attr("response_code", number())
                .attr("response_page_path", text()),
        )
        .block_min("default_cache_behavior", Nesting::Single, behaviour_schema(true), 1)
        .block("ordered_cache_behavior", Nesting::List, behaviour_schema(false))
        .block(
            "logging_config",
            Nesting::Single,
            Schema::new()
                .attr("bucket", Attribute::required(Type::String))
                .attr("include_cookies", boolean())
                .attr("prefix", text()),
        )
        .block_min(
            "origin",
            Nesting::Set,
            Schema::new()
                .attr("origin_id", Attribute::required(Type::String))
                .attr("domain_name", Attribute::required(Type::String))
                .attr("origin_path", text())
                .attr("origin_access_control_id", text())
                .attr("connection_attempts", number())
                .attr("connection_timeout", number())
                .block(
                    "custom_header",
                    Nesting::Set,
                    Schema::new()
                        .attr("name", Attribute::required(Type::String))
                        .attr("value", Attribute::required(Type::String)),
                )
                .block(
                    "custom_origin_config",
                    Nesting::Single,
                    Schema::new()
                        .attr("http_port", Attribute::required(Type::Number))
                        .attr("https_port", Attribute::required(Type::Number))
                        .attr(
                            "origin_protocol_policy",
                            Attribute::required(Type::String).one_of(&["http-only", "https-only", "match-viewer"]),
                        )
                        .attr(
                            "origin_ssl_protocols",
                            Attribute::required(set_of_strings()).one_of(&["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"]),
                        )
                        .attr("origin_keepalive_timeout", number())
                        .attr("origin_read_timeout", number()),
                )
                .block(
                    "origin_shield",
                    Nesting::Single,
                    Schema::new()
                        .attr("enabled", Attribute::required(Type::Bool))
                        .attr("origin_shield_region", text()),
                )
                .block(
                    "s3_origin_config",
                    Nesting::Single,
                    Schema::new().attr("origin_access_identity", Attribute::required(Type::String)),
                )
                .not_yet(
                    "vpc_origin_config",
                    "VPC origins are not supported yet: reach the origin through a public load balancer, or attach the VPC origin in the console",
                ),
            1,
        )
        .block(
            "origin_group",
            Nesting::Set,
            Schema::new()
                .attr("origin_id", Attribute::required(Type::String))
                .block_min(
                    "failover_criteria",
                    Nesting::Single,
                    Schema::new().attr("status_codes", Attribute::required(Type::Set(Box::new(Type::Number)))),
                    1,
                )
                .block_min(
                    "member",
                    Nesting::List,
                    Schema::new().attr("origin_id", Attribute::required(Type::String)),
                    2,
                ),
        )
        .block_min(
            "restrictions",
            Nesting::Single,
            Schema::new().block_min(
                "geo_restriction",
                Nesting::Single,
                Schema::new()
                    .attr("restriction_type", Attribute::required(Type::String).one_of(&["none", "whitelist", "blacklist"]))
                    .attr("locations", Attribute::optional_computed(set_of_strings())),
                1,
            ),
            1,
        )
        .block_min(
            "viewer_certificate",
            Nesting::Single,
            Schema::new()
                .attr("acm_certificate_arn", text())
                .attr("cloudfront_default_certificate", boolean())
                .attr("iam_certificate_id", text())
                .attr(
                    "minimum_protocol_version",
                    Attribute::optional(Type::String).one_of(&[
                        "SSLv3",
                        "TLSv1",
                        "TLSv1_2016",
                        "TLSv1.1_2016",
                        "TLSv1.2_2018",
                        "TLSv1.2_2019",
                        "TLSv1.2_2021",
                        "TLSv1.2_2025",
                        "TLSv1.3_2025",
                    ]),
                )
                .attr(
                    "ssl_support_method",
                    Attribute::optional(Type::String).one_of(&["sni-only", "vip", "static-ip"]),
                ),
            1,
        )
}

/// Each block item with the AWS provider's defaults, then SDK v2's zero values.
fn planned_blocks(schema: &Schema, proposed: &Value, prior: Option<&Value>) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (name, block) in &schema.blocks {
        if proposed.get(name).is_unknown() {
            continue;
        }
        let priors = prior.map(|p| block_items(p, name)).unwrap_or_default();
        let items: Vec<Value> = block_items(proposed, name)
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let item = match name.as_str() {
                    "origin" => {
                        let o = with_default(
                            &with_default(item, "connection_attempts", Value::from(3i64)),
                            "connection_timeout",
                            Value::from(10i64),
                        );
                        let custom: Vec<Value> = block_items(&o, "custom_origin_config")
                            .iter()
                            .map(|c| {
                                with_default(
                                    &with_default(c, "origin_keepalive_timeout", Value::from(5i64)),
                                    "origin_read_timeout",
                                    Value::from(30i64),
                                )
                            })
                            .collect();
                        let mut m = into_state(&o);
                        if !custom.is_empty() {
                            m.put("custom_origin_config", Value::List(custom.into()));
                        }
                        Value::Map(m.into())
                    }
                    "viewer_certificate" => with_default(item, "minimum_protocol_version", Value::string("TLSv1")),
                    _ => item.clone(),
                };
                sdk_block(&block.schema, &item, priors.get(i).unwrap_or(&Value::Null))
            })
            .collect();
        out.push((name.clone(), Value::List(items.into())));
    }
    out
}

/// Whether a change of attribute `key` is a change of the distribution's configuration, which
/// CloudFront deploys: tags and Terraform's own settings are not, nor what a deployment
/// itself changes.
fn deploys(key: &str) -> bool {
    !matches!(
        key,
        "tags" | "tags_all" | "retain_on_delete" | "wait_for_deployment" | "etag" | "status" | "last_modified_time"
    )
}

fn is_us_east_1_arn(arn: &str) -> bool {
    crate::support::arn::parts(arn).is_some_and(|[_, _, region, _, _]| region == "us-east-1")
}

impl Distribution {
    fn fetch(&self, ctx: &Ctx, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(out) = found(call(
            ctx,
            &format!("reading CloudFront Distribution ({id})"),
            ctx.cloudfront.get_distribution().id(id).send(),
        ))?
        else {
            return Ok(None);
        };
        let Some(d) = out.distribution() else {
            return Ok(None);
        };
        let mut st: State = into_state(prior);
        for (k, v) in read::distribution_fields(d) {
            st.put(k, v);
        }
        if let Some(c) = d.distribution_config() {
            for (k, v) in read::config_fields(c) {
                st.put(k, v);
            }
            // Empty texts CloudFront answers for what was never set stay null.
            for key in ["comment", "default_root_object", "web_acl_id"] {
                if st.get(key).and_then(Value::as_str) == Some("") && prior.get(key).is_null() {
                    st.put(key, Value::Null);
                }
            }
            // The AWS provider keeps a comment it does not read back.
            if c.comment().is_empty() && !prior.get("comment").is_null() {
                st.put("comment", prior.get("comment"));
            }
        }
        st.put("etag", out.e_tag());
        st.put("hosted_zone_id", cloudfront_zone(&ctx.region));
        for (key, default) in [("retain_on_delete", false), ("wait_for_deployment", true)] {
            if prior.get(key).is_null() {
                st.put(key, default);
            }
        }
        let tags = call(
            ctx,
            &format!("reading the tags of CloudFront Distribution ({id})"),
            ctx.cloudfront.list_tags_for_resource().resource(d.arn()).send(),
        )?;
        let remote: BTreeMap<String, String> = tags
            .tags()
            .map(|t| t.items())
            .unwrap_or_default()
            .iter()
            .filter(|t| !t.key().starts_with("aws:"))
            .map(|t| (t.key().to_string(), t.value().unwrap_or_default().to_string()))
            .collect();
        let (tags, all) = split_tags(ctx, &prior.get("tags"), remote);
        st.put("tags", tags);
        st.put("tags_all", all);
        Ok(Some(finish(&self.schema(), st)))
    }

    /// The distribution's status and the ETag of its configuration.
    fn status(&self, ctx: &Ctx, id: &str) -> Result<Option<(String, String, bool)>, ProviderError> {
        Ok(found(call(
            ctx,
            &format!("reading CloudFront Distribution ({id})"),
            ctx.cloudfront.get_distribution().id(id).send(),
        ))?
        .and_then(|o| {
            let d = o.distribution()?;
            Some((
                d.status().to_string(),
                o.e_tag().unwrap_or_default().to_string(),
                d.distribution_config().is_some_and(|c| c.enabled()),
            ))
        }))
    }

    /// Waits until CloudFront has deployed the distribution everywhere.
    fn deployed(&self, ctx: &Ctx, id: &str, step: &Step<'_>) -> Result<(), ProviderError> {
        Waiter::new(format!("CloudFront Distribution ({id}) to be deployed"), DEPLOY_LIMIT)
            .progress(step.progress)
            .delays(Duration::from_secs(2), Duration::from_secs(30))
            .every(Duration::from_secs(120))
            .wait(|| match self.status(ctx, id)? {
                Some((status, _, _)) if status == "Deployed" => Ok(Poll::Ready(())),
                Some((status, _, _)) => Ok(Poll::Pending(status)),
                None => Err(ProviderError::new(
                    "NoSuchDistribution",
                    format!("CloudFront Distribution ({id}) is gone"),
                )),
            })
    }

    /// An ACM or IAM certificate CloudFront does not see yet (eventual consistency) is refused
    /// as invalid: the AWS provider tries again for a minute.
    fn retry_certificate<T>(
        &self,
        op: &str,
        attempt: impl FnMut() -> Result<T, ProviderError>,
    ) -> Result<T, ProviderError> {
        Waiter::new(op.to_string(), Duration::from_secs(60)).retry(|e| e.code == "InvalidViewerCertificate", attempt)
    }

    fn set_tags(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<(), ProviderError> {
        let (set, remove) = tag_diff_by(string_map, &prior.get("tags_all"), &tags_all(ctx, &planned.get("tags")));
        let arn = sref(prior, "arn").unwrap_or_default();
        if !remove.is_empty() {
            call(
                ctx,
                "untagging CloudFront Distribution",
                ctx.cloudfront
                    .untag_resource()
                    .resource(arn)
                    .tag_keys(TagKeys::builder().set_items(Some(remove)).build())
                    .send(),
            )?;
        }
        if !set.is_empty() {
            call(
                ctx,
                "tagging CloudFront Distribution",
                ctx.cloudfront.tag_resource().resource(arn).tags(tag_list(&set)?).send(),
            )?;
        }
        Ok(())
    }

    /// Disables the distribution (from the configuration CloudFront holds) and waits for it.
    fn disable(&self, ctx: &Ctx, id: &str, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some((status, _, _)) = self.status(ctx, id)? else {
            return Ok(());
        };
        if status != "Deployed" {
            self.deployed(ctx, id, step)?;
        }
        let Some(out) = found(call(
            ctx,
            &format!("reading CloudFront Distribution ({id}) config"),
            ctx.cloudfront.get_distribution_config().id(id).send(),
        ))?
        else {
            return Ok(());
        };
        let Some(config) = out.distribution_config().cloned() else {
            return Ok(());
        };
        if !config.enabled() {
            return Ok(());
        }
        let mut disabled = config.clone();
        disabled.enabled = false;
        call(
            ctx,
            &format!("disabling CloudFront Distribution ({id})"),
            ctx.cloudfront
                .update_distribution()
                .id(id)
                .if_match(out.e_tag().unwrap_or_default())
                .distribution_config(disabled)
                .send(),
        )?;
        self.deployed(ctx, id, step)
    }
}

fn tag_list(tags: &BTreeMap<String, String>) -> Result<Tags, ProviderError> {
    let items = tags
        .iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| invalid(format!("tag {k}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Tags::builder().set_items(Some(items)).build())
}

impl ResourceType for Distribution {
    fn type_name(&self) -> &'static str {
        "aws_cloudfront_distribution"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut problems = Vec::new();
        if sref(config, "comment").is_some_and(|c| c.chars().count() > 128) {
            problems.push(problem("comment", "a comment is at most 128 characters"));
        }
        let certificate = first_block(config, "viewer_certificate");
        if let Some(arn) = sref(&certificate, "acm_certificate_arn").filter(|a| !a.is_empty()) {
            if !is_us_east_1_arn(arn) {
                problems.push(problem(
                    "viewer_certificate.acm_certificate_arn",
                    format!(
                        "{arn:?} is not in us-east-1: CloudFront only takes ACM certificates from us-east-1. \
                         Request the certificate there (an aws_acm_certificate with a provider whose region is us-east-1)"
                    ),
                ));
            }
        }
        let behaviours = block_items(config, "default_cache_behavior")
            .into_iter()
            .chain(block_items(config, "ordered_cache_behavior"));
        for b in behaviours {
            if block_items(&b, "lambda_function_association").len() > 4 {
                problems.push(problem(
                    "lambda_function_association",
                    "at most 4 Lambda@Edge associations per cache behaviour",
                ));
            }
            if block_items(&b, "function_association").len() > 2 {
                problems.push(problem(
                    "function_association",
                    "at most 2 CloudFront Functions per cache behaviour",
                ));
            }
        }
        for g in block_items(config, "origin_group") {
            if block_items(&g, "member").len() > 2 {
                problems.push(problem(
                    "origin_group.member",
                    "an origin group has exactly two members",
                ));
            }
        }
        problems
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let schema = self.schema();
        let mut st = into_state(&proposed);
        for (key, default) in [
            ("http_version", Value::string("http2")),
            ("price_class", Value::string("PriceClass_All")),
            ("is_ipv6_enabled", Value::from(false)),
            ("staging", Value::from(false)),
            ("retain_on_delete", Value::from(false)),
            ("wait_for_deployment", Value::from(true)),
        ] {
            if proposed.get(key).is_null() {
                st.put(key, default);
            }
        }
        st.put("tags_all", tags_all(ctx, &proposed.get("tags")));
        st.put("hosted_zone_id", cloudfront_zone(&ctx.region));
        for (name, value) in planned_blocks(&schema, &proposed, prior) {
            st.insert(name, value);
        }
        match prior {
            None => {
                for key in [
                    "id",
                    "arn",
                    "caller_reference",
                    "domain_name",
                    "etag",
                    "status",
                    "last_modified_time",
                    "in_progress_validation_batches",
                    "trusted_signers",
                    "trusted_key_groups",
                ] {
                    st.put(key, Value::UNKNOWN);
                }
            }
            Some(p) => {
                let planned = Value::Map(st.clone().into());
                let deployed = engine::plan::diff::changed_attributes(&schema, p, &planned)
                    .iter()
                    .any(|k| deploys(k));
                if deployed {
                    for key in ["etag", "status", "last_modified_time"] {
                        st.put(key, Value::UNKNOWN);
                    }
                }
            }
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let reference = prefixed_unique_id("terraform-");
        let config = match request::config(planned, &reference) {
            Ok(c) => c,
            Err(e) => return ApplyOutcome::failed(e),
        };
        let token = intent_token(&["aws_cloudfront_distribution", &reference]);
        let mut tags = string_map(&tags_all(ctx, &planned.get("tags")));
        tags.insert(INTENT_TAG.to_string(), token.clone());
        let tags = match tag_list(&tags) {
            Ok(t) => t,
            Err(e) => return ApplyOutcome::failed(e),
        };
        (step.intent)(&format!("intent:{token}"));
        let op = "creating CloudFront Distribution".to_string();
        let made = self.retry_certificate(&op, || {
            call(
                ctx,
                &op,
                ctx.cloudfront
                    .create_distribution_with_tags()
                    .distribution_config_with_tags(
                        DistributionConfigWithTags::builder()
                            .distribution_config(config.clone())
                            .tags(tags.clone())
                            .build(),
                    )
                    .send(),
            )
        });
        let id = match made {
            Ok(out) => out.distribution().map(|d| d.id().to_string()).unwrap_or_default(),
            Err(e) => return ApplyOutcome::failed(e),
        };
        let made_state = || {
            let mut st = into_state(planned);
            st.put("id", id.as_str());
            st.put("caller_reference", reference.as_str());
            finish(&self.schema(), st)
        };
        if planned.get("wait_for_deployment").as_bool() != Some(false) {
            if let Err(e) = self.deployed(ctx, &id, step) {
                return ApplyOutcome::partial(made_state(), e);
            }
        }
        match self.fetch(ctx, &id, planned) {
            Ok(Some(state)) => ApplyOutcome::Done(state),
            Ok(None) => ApplyOutcome::failed(ProviderError::new(
                "NoSuchDistribution",
                format!("CloudFront Distribution ({id}) is gone after its create"),
            )),
            Err(e) => ApplyOutcome::partial(made_state(), e),
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (Some(id), Some(reference)) = (sref(prior, "id"), sref(prior, "caller_reference")) else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating CloudFront Distribution: the prior state has no id"),
            );
        };
        let schema = self.schema();
        let changed = engine::plan::diff::changed_attributes(&schema, prior, planned);
        let deploy = changed.iter().any(|k| deploys(k));
        let mut result = Ok(());
        if deploy {
            let op = format!("updating CloudFront Distribution ({id})");
            result = request::config(planned, reference).and_then(|config| {
                let send = |etag: &str| {
                    call(
                        ctx,
                        &op,
                        ctx.cloudfront
                            .update_distribution()
                            .id(id)
                            .if_match(etag)
                            .distribution_config(config.clone())
                            .send(),
                    )
                    .map(drop)
                };
                self.retry_certificate(&op, || match send(sref(prior, "etag").unwrap_or_default()) {
                    // Changed since the last read: once more with the ETag it has now.
                    Err(e) if e.code == "PreconditionFailed" => {
                        let etag = self.status(ctx, id)?.map(|(_, etag, _)| etag).unwrap_or_default();
                        send(&etag)
                    }
                    other => other,
                })
            });
            if result.is_ok() && planned.get("wait_for_deployment").as_bool() != Some(false) {
                result = self.deployed(ctx, id, step);
            }
        }
        if result.is_ok() {
            result = self.set_tags(ctx, prior, planned);
        }
        update_outcome(prior, result, self.fetch(ctx, id, planned), || {
            ProviderError::new("NoSuchDistribution", format!("CloudFront Distribution ({id}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(id) = sref(prior, "id") else {
            return Ok(());
        };
        self.disable(ctx, id, step)?;
        if prior.get("retain_on_delete").as_bool() == Some(true) {
            return Ok(());
        }
        let op = format!("deleting CloudFront Distribution ({id})");
        Waiter::new(op.clone(), Duration::from_secs(180)).retry(
            |e| {
                matches!(
                    e.code.as_str(),
                    "DistributionNotDisabled" | "PreconditionFailed" | "InvalidIfMatchVersion"
                )
            },
            || {
                let Some((_, etag, enabled)) = self.status(ctx, id)? else {
                    return Ok(());
                };
                if enabled {
                    self.disable(ctx, id, step)?;
                }
                found(call(
                    ctx,
                    &op,
                    ctx.cloudfront.delete_distribution().id(id).if_match(&etag).send(),
                ))
                .map(drop)
            },
        )?;
        Waiter::new(format!("CloudFront Distribution ({id}) to be deleted"), DEPLOY_LIMIT)
            .progress(step.progress)
            .delays(Duration::from_secs(2), Duration::from_secs(30))
            .wait(|| match self.status(ctx, id)? {
                None => Ok(Poll::Ready(())),
                Some((status, _, _)) => Ok(Poll::Pending(status)),
            })
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "id") {
            Some(id) => self.fetch(ctx, id, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the distribution's ID. An interrupted create is found by its intent tag.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if let Some(token) = id.strip_prefix("intent:") {
            let mut marker: Option<String> = None;
            loop {
                let page = call(
                    ctx,
                    "listing CloudFront Distributions",
                    ctx.cloudfront.list_distributions().set_marker(marker.clone()).send(),
                )?;
                let list = page.distribution_list();
                for d in list.map(|l| l.items()).unwrap_or_default() {
                    let tags = call(
                        ctx,
                        "reading the tags of a CloudFront Distribution",
                        ctx.cloudfront.list_tags_for_resource().resource(d.arn()).send(),
                    )?;
                    let tagged = tags
                        .tags()
                        .map(|t| t.items())
                        .unwrap_or_default()
                        .iter()
                        .any(|t| t.key() == INTENT_TAG && t.value() == Some(token));
                    if tagged {
                        return self.fetch(ctx, d.id(), &Value::Null);
                    }
                }
                marker = list.and_then(|l| l.next_marker()).map(str::to_string);
                if marker.is_none() || !list.is_some_and(|l| l.is_truncated()) {
                    return Ok(None);
                }
            }
        }
        self.fetch(ctx, id, &Value::Null)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_us_east_1_certificate_serves_cloudfront() {
        assert!(super::is_us_east_1_arn(
            "arn:aws:acm:us-east-1:123456789012:certificate/abc"
        ));
        assert!(!super::is_us_east_1_arn(
            "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
        ));
    }
}
