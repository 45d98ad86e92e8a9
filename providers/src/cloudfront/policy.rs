//! aws_cloudfront_cache_policy and aws_cloudfront_origin_request_policy: which cookies,
//! headers and query strings a cache behaviour keys its cache on (and forwards), or only
//! forwards to the origin. Both are three behaviour blocks with name lists; a cache policy
//! adds its TTLs and whether compressed objects are cached apart.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    block_items, call, created_outcome, finish, first_block, into_state, invalid, problem, set_of_strings, sref,
    string_set, Put, State,
};
use crate::support::error::found;
use aws_sdk_cloudfront::types::{
    CachePolicyConfig, CachePolicyCookieBehavior, CachePolicyCookiesConfig, CachePolicyHeaderBehavior,
    CachePolicyHeadersConfig, CachePolicyQueryStringBehavior, CachePolicyQueryStringsConfig, CookieNames, Headers,
    OriginRequestPolicyConfig, OriginRequestPolicyCookieBehavior, OriginRequestPolicyCookiesConfig,
    OriginRequestPolicyHeaderBehavior, OriginRequestPolicyHeadersConfig, OriginRequestPolicyQueryStringBehavior,
    OriginRequestPolicyQueryStringsConfig, ParametersInCacheKeyAndForwardedToOrigin, QueryStringNames,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Cache,
    OriginRequest,
}

pub(super) struct Policy {
    kind: Kind,
}

/// The three parts of a policy, as (behaviour, names) each, and a cache policy's compression
/// flags.
#[derive(Default)]
struct Parts {
    cookies: (String, Vec<String>),
    headers: (String, Vec<String>),
    query_strings: (String, Vec<String>),
    gzip: bool,
    brotli: bool,
}

/// The three blocks: the block, its behaviour attribute, its names block.
const BLOCKS: [(&str, &str, &str); 3] = [
    ("cookies_config", "cookie_behavior", "cookies"),
    ("headers_config", "header_behavior", "headers"),
    ("query_strings_config", "query_string_behavior", "query_strings"),
];

fn parts_of(params: &Value) -> Parts {
    let part = |(block, behavior, names): (&str, &str, &str)| {
        let b = first_block(params, block);
        (
            sref(&b, behavior).unwrap_or_default().to_string(),
            string_set(&first_block(&b, names).get("items")),
        )
    };
    Parts {
        cookies: part(BLOCKS[0]),
        headers: part(BLOCKS[1]),
        query_strings: part(BLOCKS[2]),
        gzip: params.get("enable_accept_encoding_gzip").as_bool().unwrap_or(false),
        brotli: params.get("enable_accept_encoding_brotli").as_bool().unwrap_or(false),
    }
}

/// The blocks of `parts` as state holds them: a names block only when it has names.
fn blocks_of(parts: &Parts) -> Vec<(&'static str, Value)> {
    let one = |behavior_key: &str, names_key: &str, (behavior, names): &(String, Vec<String>)| {
        let names_block = if names.is_empty() {
            Value::List(Vec::new().into())
        } else {
            let mut sorted = names.clone();
            sorted.sort();
            Value::List(
                vec![map([(
                    "items",
                    Value::List(sorted.into_iter().map(Value::string).collect::<Vec<_>>().into()),
                )])]
                .into(),
            )
        };
        Value::List(vec![map([(behavior_key, Value::string(behavior)), (names_key, names_block)])].into())
    };
    vec![
        (BLOCKS[0].0, one(BLOCKS[0].1, BLOCKS[0].2, &parts.cookies)),
        (BLOCKS[1].0, one(BLOCKS[1].1, BLOCKS[1].2, &parts.headers)),
        (BLOCKS[2].0, one(BLOCKS[2].1, BLOCKS[2].2, &parts.query_strings)),
    ]
}

fn bad(e: impl std::fmt::Display) -> ProviderError {
    invalid(format!("CloudFront policy: {e}"))
}

fn cookie_names(items: &[String]) -> Result<Option<CookieNames>, ProviderError> {
    if items.is_empty() {
        return Ok(None);
    }
    CookieNames::builder()
        .quantity(items.len() as i32)
        .set_items(Some(items.to_vec()))
        .build()
        .map(Some)
        .map_err(bad)
}

fn header_names(items: &[String]) -> Result<Option<Headers>, ProviderError> {
    if items.is_empty() {
        return Ok(None);
    }
    Headers::builder()
        .quantity(items.len() as i32)
        .set_items(Some(items.to_vec()))
        .build()
        .map(Some)
        .map_err(bad)
}

fn query_names(items: &[String]) -> Result<Option<QueryStringNames>, ProviderError> {
    if items.is_empty() {
        return Ok(None);
    }
    QueryStringNames::builder()
        .quantity(items.len() as i32)
        .set_items(Some(items.to_vec()))
        .build()
        .map(Some)
        .map_err(bad)
}

fn names_of<'a>(items: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    items.into_iter().cloned().collect()
}

impl Policy {
    pub(super) const CACHE: Policy = Policy { kind: Kind::Cache };
    pub(super) const ORIGIN_REQUEST: Policy = Policy {
        kind: Kind::OriginRequest,
    };

    fn what(&self) -> &'static str {
        match self.kind {
            Kind::Cache => "CloudFront Cache Policy",
            Kind::OriginRequest => "CloudFront Origin Request Policy",
        }
    }

    fn arn_kind(&self) -> &'static str {
        match self.kind {
            Kind::Cache => "cache-policy",
            Kind::OriginRequest => "origin-request-policy",
        }
    }

    /// Where the three blocks are: inside `parameters_in_cache_key_and_forwarded_to_origin`
    /// for a cache policy, at the top for an origin request policy.
    fn params(&self, v: &Value) -> Value {
        match self.kind {
            Kind::Cache => first_block(v, "parameters_in_cache_key_and_forwarded_to_origin"),
            Kind::OriginRequest => v.clone(),
        }
    }

    fn cache_config(&self, planned: &Value) -> Result<CachePolicyConfig, ProviderError> {
        let p = parts_of(&self.params(planned));
        let params = ParametersInCacheKeyAndForwardedToOrigin::builder()
            .enable_accept_encoding_gzip(p.gzip)
            .enable_accept_encoding_brotli(p.brotli)
            .cookies_config(
                CachePolicyCookiesConfig::builder()
                    .cookie_behavior(CachePolicyCookieBehavior::from(p.cookies.0.as_str()))
                    .set_cookies(cookie_names(&p.cookies.1)?)
                    .build()
                    .map_err(bad)?,
            )
            .headers_config(
                CachePolicyHeadersConfig::builder()
                    .header_behavior(CachePolicyHeaderBehavior::from(p.headers.0.as_str()))
                    .set_headers(header_names(&p.headers.1)?)
                    .build()
                    .map_err(bad)?,
            )
            .query_strings_config(
                CachePolicyQueryStringsConfig::builder()
                    .query_string_behavior(CachePolicyQueryStringBehavior::from(p.query_strings.0.as_str()))
                    .set_query_strings(query_names(&p.query_strings.1)?)
                    .build()
                    .map_err(bad)?,
            )
            .build()
            .map_err(bad)?;
        let ttl = |k: &str, default: i64| planned.get(k).as_f64().map(|n| n as i64).unwrap_or(default);
        CachePolicyConfig::builder()
            .set_name(sref(planned, "name").map(str::to_string))
            .set_comment(sref(planned, "comment").filter(|c| !c.is_empty()).map(str::to_string))
            .min_ttl(ttl("min_ttl", 0))
            .default_ttl(ttl("default_ttl", 86_400))
            .max_ttl(ttl("max_ttl", 31_536_000))
            .parameters_in_cache_key_and_forwarded_to_origin(params)
            .build()
            .map_err(bad)
    }

    fn origin_request_config(&self, planned: &Value) -> Result<OriginRequestPolicyConfig, ProviderError> {
        let p = parts_of(planned);
        OriginRequestPolicyConfig::builder()
            .set_name(sref(planned, "name").map(str::to_string))
            .set_comment(sref(planned, "comment").filter(|c| !c.is_empty()).map(str::to_string))
            .cookies_config(
                OriginRequestPolicyCookiesConfig::builder()
                    .cookie_behavior(OriginRequestPolicyCookieBehavior::from(p.cookies.0.as_str()))
                    .set_cookies(cookie_names(&p.cookies.1)?)
                    .build()
                    .map_err(bad)?,
            )
            .headers_config(
                OriginRequestPolicyHeadersConfig::builder()
                    .header_behavior(OriginRequestPolicyHeaderBehavior::from(p.headers.0.as_str()))
                    .set_headers(header_names(&p.headers.1)?)
                    .build()
                    .map_err(bad)?,
            )
            .query_strings_config(
                OriginRequestPolicyQueryStringsConfig::builder()
                    .query_string_behavior(OriginRequestPolicyQueryStringBehavior::from(p.query_strings.0.as_str()))
                    .set_query_strings(query_names(&p.query_strings.1)?)
                    .build()
                    .map_err(bad)?,
            )
            .build()
            .map_err(bad)
    }

    fn fetch(&self, ctx: &Ctx, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let op = format!("reading {} ({id})", self.what());
        let mut st: State = into_state(prior);
        match self.kind {
            Kind::Cache => {
                let Some(out) = found(call(ctx, &op, ctx.cloudfront.get_cache_policy().id(id).send()))? else {
                    return Ok(None);
                };
                let Some(c) = out.cache_policy().and_then(|p| p.cache_policy_config()) else {
                    return Ok(None);
                };
                st.put("etag", out.e_tag());
                st.put("name", c.name());
                st.put("comment", c.comment().unwrap_or_default());
                st.put("min_ttl", c.min_ttl());
                st.put("default_ttl", c.default_ttl().unwrap_or(0));
                st.put("max_ttl", c.max_ttl().unwrap_or(0));
                let params = c.parameters_in_cache_key_and_forwarded_to_origin().map(|p| {
                    let parts = Parts {
                        cookies: (
                            p.cookies_config()
                                .map(|c| c.cookie_behavior().as_str().to_string())
                                .unwrap_or_default(),
                            p.cookies_config()
                                .and_then(|c| c.cookies())
                                .map(|n| names_of(n.items()))
                                .unwrap_or_default(),
                        ),
                        headers: (
                            p.headers_config()
                                .map(|c| c.header_behavior().as_str().to_string())
                                .unwrap_or_default(),
                            p.headers_config()
                                .and_then(|c| c.headers())
                                .map(|n| names_of(n.items()))
                                .unwrap_or_default(),
                        ),
                        query_strings: (
                            p.query_strings_config()
                                .map(|c| c.query_string_behavior().as_str().to_string())
                                .unwrap_or_default(),
                            p.query_strings_config()
                                .and_then(|c| c.query_strings())
                                .map(|n| names_of(n.items()))
                                .unwrap_or_default(),
                        ),
                        gzip: p.enable_accept_encoding_gzip(),
                        brotli: p.enable_accept_encoding_brotli().unwrap_or(false),
                    };
                    let mut m: State = blocks_of(&parts).into_iter().map(|(k, v)| (k.to_string(), v)).collect();
                    m.put("enable_accept_encoding_gzip", parts.gzip);
                    m.put("enable_accept_encoding_brotli", parts.brotli);
                    Value::Map(m.into())
                });
                st.put(
                    "parameters_in_cache_key_and_forwarded_to_origin",
                    Value::List(params.into_iter().collect::<Vec<_>>().into()),
                );
            }
            Kind::OriginRequest => {
                let Some(out) = found(call(ctx, &op, ctx.cloudfront.get_origin_request_policy().id(id).send()))? else {
                    return Ok(None);
                };
                let Some(c) = out
                    .origin_request_policy()
                    .and_then(|p| p.origin_request_policy_config())
                else {
                    return Ok(None);
                };
                st.put("etag", out.e_tag());
                st.put("name", c.name());
                st.put("comment", c.comment().unwrap_or_default());
                let parts = Parts {
                    cookies: (
                        c.cookies_config()
                            .map(|c| c.cookie_behavior().as_str().to_string())
                            .unwrap_or_default(),
                        c.cookies_config()
                            .and_then(|c| c.cookies())
                            .map(|n| names_of(n.items()))
                            .unwrap_or_default(),
                    ),
                    headers: (
                        c.headers_config()
                            .map(|c| c.header_behavior().as_str().to_string())
                            .unwrap_or_default(),
                        c.headers_config()
                            .and_then(|c| c.headers())
                            .map(|n| names_of(n.items()))
                            .unwrap_or_default(),
                    ),
                    query_strings: (
                        c.query_strings_config()
                            .map(|c| c.query_string_behavior().as_str().to_string())
                            .unwrap_or_default(),
                        c.query_strings_config()
                            .and_then(|c| c.query_strings())
                            .map(|n| names_of(n.items()))
                            .unwrap_or_default(),
                    ),
                    ..Parts::default()
                };
                for (k, v) in blocks_of(&parts) {
                    st.put(k, v);
                }
            }
        }
        st.put("id", id);
        st.put("arn", super::arn(ctx, &format!("{}/{id}", self.arn_kind()))?);
        Ok(Some(finish(&self.schema(), st)))
    }

    fn behaviour_blocks(&self, mut s: Schema) -> Schema {
        let behaviours: [&'static [&'static str]; 3] = match self.kind {
            Kind::Cache => [
                &["none", "whitelist", "allExcept", "all"],
                &["none", "whitelist"],
                &["none", "whitelist", "allExcept", "all"],
            ],
            Kind::OriginRequest => [
                &["none", "whitelist", "all", "allExcept"],
                &[
                    "none",
                    "whitelist",
                    "allViewer",
                    "allViewerAndWhitelistCloudFront",
                    "allExcept",
                ],
                &["none", "whitelist", "all", "allExcept"],
            ],
        };
        for ((block, behavior, names), allowed) in BLOCKS.iter().zip(behaviours) {
            // The header behaviour is optional in the schema, though CloudFront needs it.
            let attr = if *behavior == "header_behavior" {
                Attribute::optional(Type::String)
            } else {
                Attribute::required(Type::String)
            };
            s = s.block_min(
                block,
                Nesting::Single,
                Schema::new().attr(behavior, attr.one_of(allowed)).block(
                    names,
                    Nesting::Single,
                    Schema::new().attr("items", Attribute::optional(set_of_strings())),
                ),
                1,
            );
        }
        s
    }
}

impl ResourceType for Policy {
    fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Cache => "aws_cloudfront_cache_policy",
            Kind::OriginRequest => "aws_cloudfront_origin_request_policy",
        }
    }

    fn schema(&self) -> Schema {
        let base = Schema::new()
            .attr("name", Attribute::required(Type::String))
            .attr("comment", Attribute::optional(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("etag", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String));
        match self.kind {
            Kind::Cache => base
                .attr("min_ttl", Attribute::optional(Type::Number))
                .attr("default_ttl", Attribute::optional(Type::Number))
                .attr("max_ttl", Attribute::optional(Type::Number))
                .block_min(
                    "parameters_in_cache_key_and_forwarded_to_origin",
                    Nesting::Single,
                    self.behaviour_blocks(
                        Schema::new()
                            .attr("enable_accept_encoding_gzip", Attribute::optional(Type::Bool))
                            .attr("enable_accept_encoding_brotli", Attribute::optional(Type::Bool)),
                    ),
                    1,
                ),
            Kind::OriginRequest => self.behaviour_blocks(base),
        }
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let params = self.params(config);
        let headers = first_block(&params, "headers_config");
        if !params.is_unknown() && !headers.is_null() && headers.get("header_behavior").is_null() {
            return vec![problem(
                "headers_config.header_behavior",
                "CloudFront needs a header behaviour: set header_behavior (\"none\" to forward no headers)",
            )];
        }
        Vec::new()
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if self.kind == Kind::Cache {
            for (key, default) in [("min_ttl", 0i64), ("default_ttl", 86_400), ("max_ttl", 31_536_000)] {
                if proposed.get(key).is_null() {
                    st.put(key, default);
                }
            }
            let params: Vec<Value> = block_items(&proposed, "parameters_in_cache_key_and_forwarded_to_origin")
                .iter()
                .map(|p| {
                    let mut m = into_state(p);
                    for key in ["enable_accept_encoding_gzip", "enable_accept_encoding_brotli"] {
                        if m.get(key).is_none_or(Value::is_null) {
                            m.put(key, false);
                        }
                    }
                    Value::Map(m.into())
                })
                .collect();
            if !params.is_empty() {
                st.put(
                    "parameters_in_cache_key_and_forwarded_to_origin",
                    Value::List(params.into()),
                );
            }
        }
        if proposed.get("comment").is_null() {
            st.put("comment", "");
        }
        match prior {
            None => {
                for key in ["id", "arn", "etag"] {
                    st.put(key, Value::UNKNOWN);
                }
            }
            Some(p) => {
                let planned = Value::Map(st.clone().into());
                if !engine::plan::diff::changed_attributes(&self.schema(), p, &planned).is_empty() {
                    st.put("etag", Value::UNKNOWN);
                }
            }
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let name = sref(planned, "name").unwrap_or_default().to_string();
        (step.intent)(&format!("name:{name}"));
        let op = format!("creating {} ({name})", self.what());
        let made = match self.kind {
            Kind::Cache => self.cache_config(planned).and_then(|c| {
                call(
                    ctx,
                    &op,
                    ctx.cloudfront.create_cache_policy().cache_policy_config(c).send(),
                )
                .map(|o| o.cache_policy().map(|p| p.id().to_string()))
            }),
            Kind::OriginRequest => self.origin_request_config(planned).and_then(|c| {
                call(
                    ctx,
                    &op,
                    ctx.cloudfront
                        .create_origin_request_policy()
                        .origin_request_policy_config(c)
                        .send(),
                )
                .map(|o| o.origin_request_policy().map(|p| p.id().to_string()))
            }),
        };
        let id = match made {
            Ok(id) => id.unwrap_or_default(),
            Err(e) => return ApplyOutcome::failed(e),
        };
        created_outcome(
            &self.schema(),
            planned,
            &[("id", Value::string(&id))],
            self.fetch(ctx, &id, planned),
            || ProviderError::new("NotFound", format!("{} ({id}) is gone after its create", self.what())),
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let (Some(id), etag) = (sref(prior, "id"), sref(prior, "etag").unwrap_or_default()) else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid(format!("updating {}: the prior state has no id", self.what())),
            );
        };
        let op = format!("updating {} ({id})", self.what());
        // Each update replaces the whole policy.
        let result = match self.kind {
            Kind::Cache => self.cache_config(planned).and_then(|c| {
                call(
                    ctx,
                    &op,
                    ctx.cloudfront
                        .update_cache_policy()
                        .id(id)
                        .if_match(etag)
                        .cache_policy_config(c)
                        .send(),
                )
                .map(drop)
            }),
            Kind::OriginRequest => self.origin_request_config(planned).and_then(|c| {
                call(
                    ctx,
                    &op,
                    ctx.cloudfront
                        .update_origin_request_policy()
                        .id(id)
                        .if_match(etag)
                        .origin_request_policy_config(c)
                        .send(),
                )
                .map(drop)
            }),
        };
        update_outcome(prior, result, self.fetch(ctx, id, planned), || {
            ProviderError::new("NotFound", format!("{} ({id}) is gone", self.what()))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(id) = sref(prior, "id") else {
            return Ok(());
        };
        let etag = sref(prior, "etag").unwrap_or_default();
        let op = format!("deleting {} ({id})", self.what());
        let result = match self.kind {
            Kind::Cache => found(call(
                ctx,
                &op,
                ctx.cloudfront.delete_cache_policy().id(id).if_match(etag).send(),
            ))
            .map(drop),
            Kind::OriginRequest => found(call(
                ctx,
                &op,
                ctx.cloudfront
                    .delete_origin_request_policy()
                    .id(id)
                    .if_match(etag)
                    .send(),
            ))
            .map(drop),
        };
        result.map_err(|mut e| {
            if e.code.ends_with("PolicyInUse") {
                e.message
                    .push_str("\nA distribution's cache behaviour still uses the policy: change or destroy it first.");
            }
            e
        })
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "id") {
            Some(id) => self.fetch(ctx, id, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the policy's ID.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if let Some(name) = id.strip_prefix("name:") {
            // An interrupted create: names are unique in an account, so the policy is found by it.
            let found_id = match self.kind {
                Kind::Cache => call(
                    ctx,
                    "listing CloudFront Cache Policies",
                    ctx.cloudfront
                        .list_cache_policies()
                        .r#type(aws_sdk_cloudfront::types::CachePolicyType::Custom)
                        .send(),
                )?
                .cache_policy_list()
                .map(|l| l.items().to_vec())
                .unwrap_or_default()
                .iter()
                .filter_map(|s| s.cache_policy())
                .find(|p| p.cache_policy_config().map(|c| c.name()) == Some(name))
                .map(|p| p.id().to_string()),
                Kind::OriginRequest => call(
                    ctx,
                    "listing CloudFront Origin Request Policies",
                    ctx.cloudfront
                        .list_origin_request_policies()
                        .r#type(aws_sdk_cloudfront::types::OriginRequestPolicyType::Custom)
                        .send(),
                )?
                .origin_request_policy_list()
                .map(|l| l.items().to_vec())
                .unwrap_or_default()
                .iter()
                .filter_map(|s| s.origin_request_policy())
                .find(|p| p.origin_request_policy_config().map(|c| c.name()) == Some(name))
                .map(|p| p.id().to_string()),
            };
            return match found_id {
                Some(found_id) => self.fetch(ctx, &found_id, &Value::Null),
                None => Ok(None),
            };
        }
        self.fetch(ctx, id, &Value::Null)
    }
}
