//! The `provider "aws"` block: its schema, and building SDK clients from it.
//!
//! Nothing here touches the network: the region comes from the block, the environment or the
//! shared config files (never from instance metadata), and credentials are resolved by the SDK
//! on the first request.

use crate::calls::CallCounter;
use crate::resource::Ctx;
use crate::support::attrs::{list_of_strings, map_of_strings, set_of_strings};
use crate::support::lost_answer::MarkLostAnswers;
use aws_config::meta::region::RegionProviderChain;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// Services whose endpoint can be overridden in the `endpoints` block.
pub(crate) const ENDPOINT_SERVICES: &[&str] = &[
    "s3",
    "iam",
    "sts",
    "route53",
    "acm",
    "cloudformation",
    "kms",
    "ssm",
    "dynamodb",
    "apigateway",
    "ec2",
    "sesv2",
    "logs",
    "servicecatalog",
    "s3control",
    "sns",
    "sqs",
    "cloudwatch",
    "secretsmanager",
    "applicationautoscaling",
    "events",
    "ecr",
    "lambda",
    "cognitoidp",
    "cloudfront",
];

/// Attempts per request when `max_retries` is not set (throttling and 5xx are retried).
const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// The schema of the `provider "aws"` block.
pub(crate) fn schema() -> Schema {
    let string = || Attribute::optional(Type::String);
    let boolean = || Attribute::optional(Type::Bool);
    let strings = || Attribute::optional(list_of_strings());
    let mut endpoints = Schema::new();
    for service in ENDPOINT_SERVICES {
        endpoints = endpoints.attr(service, string());
    }
    Schema::new()
        .attr("region", string())
        .attr("profile", string())
        .attr("alias", string())
        .attr("access_key", string().sensitive())
        .attr("secret_key", string().sensitive())
        .attr("token", string().sensitive())
        .attr("s3_use_path_style", boolean())
        .attr("max_retries", Attribute::optional(Type::Number))
        .attr("shared_config_files", strings())
        .attr("shared_credentials_files", strings())
        // Accepted for compatibility with Terraform configurations; they change nothing here
        // because no validation call is made at configure time anyway.
        .attr("skip_credentials_validation", boolean())
        .attr("skip_requesting_account_id", boolean())
        .attr("skip_metadata_api_check", Attribute::optional(Type::Any))
        .attr("skip_region_validation", boolean())
        .attr("allowed_account_ids", Attribute::optional(set_of_strings()))
        .attr("forbidden_account_ids", Attribute::optional(set_of_strings()))
        .block(
            "assume_role",
            Nesting::Single,
            Schema::new()
                .attr("role_arn", string())
                .attr("external_id", string())
                .attr("session_name", string())
                .attr("duration", string()),
        )
        .block("endpoints", Nesting::Single, endpoints)
        .block(
            "default_tags",
            Nesting::Single,
            Schema::new().attr("tags", Attribute::optional(map_of_strings())),
        )
}

/// The provider block, parsed.
#[derive(Debug, Default, Clone)]
pub(crate) struct ProviderConfig {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub static_keys: Option<(String, String, Option<String>)>,
    pub s3_use_path_style: bool,
    pub max_attempts: u32,
    pub shared_config_files: Vec<String>,
    pub shared_credentials_files: Vec<String>,
    pub assume_role: Option<AssumeRole>,
    pub endpoints: BTreeMap<String, String>,
    pub default_tags: BTreeMap<String, String>,
    /// The products the configuration's `provider_meta "aws"` blocks add to the User-Agent.
    pub user_agent: Vec<String>,
}

/// The `assume_role` block.
#[derive(Debug, Clone)]
pub(crate) struct AssumeRole {
    pub role_arn: String,
    pub external_id: Option<String>,
    pub session_name: Option<String>,
    pub duration: Option<Duration>,
}

fn invalid(message: impl Into<String>) -> ProviderError {
    ProviderError::new("InvalidProviderConfig", message)
}

/// A known, non-empty string attribute; an error when it is still unknown.
fn string_attr(block: &Value, key: &str, path: &str) -> Result<Option<String>, ProviderError> {
    let value = block.get(key);
    if value.is_unknown() {
        return Err(invalid(format!(
            "provider \"aws\": `{path}{key}` depends on a value that is only known after apply; \
             provider configuration must be known when planning"
        )));
    }
    if value.is_null() {
        return Ok(None);
    }
    match value.to_template_string() {
        Some(s) if s.is_empty() => Ok(None),
        Some(s) => Ok(Some(s)),
        None => Err(invalid(format!("provider \"aws\": `{path}{key}` must be a string"))),
    }
}

fn bool_attr(block: &Value, key: &str) -> Result<bool, ProviderError> {
    let value = block.get(key);
    if value.is_null() {
        return Ok(false);
    }
    if let Some(b) = value.as_bool() {
        return Ok(b);
    }
    match value.as_str() {
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        _ => Err(invalid(format!("provider \"aws\": `{key}` must be true or false"))),
    }
}

fn string_list(block: &Value, key: &str) -> Result<Vec<String>, ProviderError> {
    let value = block.get(key);
    if value.is_null() {
        return Ok(Vec::new());
    }
    let items = value
        .as_list()
        .ok_or_else(|| invalid(format!("provider \"aws\": `{key}` must be a list of strings")))?;
    items
        .iter()
        .map(|item| {
            item.as_str()
                .map(str::to_string)
                .ok_or_else(|| invalid(format!("provider \"aws\": `{key}` must be a list of strings")))
        })
        .collect()
}

/// The single element of a `Single` block, or `Null`.
fn single_block(config: &Value, key: &str) -> Value {
    let value = config.get(key);
    match value.as_list() {
        Some(items) => items.first().cloned().unwrap_or(Value::Null),
        // Tolerate an engine that hands a single block over as the object itself.
        None => value,
    }
}

/// Parses a Go-style duration (`1h`, `15m`, `900s`, `1h30m`) as the Terraform provider accepts.
pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let mut total = 0f64;
    let mut number = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let mut unit = c.to_string();
        if c == 'm' && chars.peek() == Some(&'s') {
            unit.push('s');
            chars.next();
        }
        let n: f64 = number.parse().ok()?;
        number.clear();
        total += n * match unit.as_str() {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return None,
        };
    }
    if !number.is_empty() {
        return None;
    }
    Some(Duration::from_secs_f64(total))
}

impl ProviderConfig {
    /// Reads an evaluated provider block (`Null` when there is none).
    pub(crate) fn parse(config: &Value) -> Result<ProviderConfig, ProviderError> {
        let mut out = ProviderConfig {
            region: string_attr(config, "region", "")?,
            profile: string_attr(config, "profile", "")?,
            s3_use_path_style: bool_attr(config, "s3_use_path_style")?,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            shared_config_files: string_list(config, "shared_config_files")?,
            shared_credentials_files: string_list(config, "shared_credentials_files")?,
            user_agent: string_list(config, engine::core::provider::PROVIDER_META_USER_AGENT)?,
            ..ProviderConfig::default()
        };

        let access_key = string_attr(config, "access_key", "")?;
        let secret_key = string_attr(config, "secret_key", "")?;
        let token = string_attr(config, "token", "")?;
        out.static_keys = match (access_key, secret_key) {
            (Some(a), Some(s)) => Some((a, s, token)),
            (None, None) => None,
            _ => {
                return Err(invalid(
                    "provider \"aws\": `access_key` and `secret_key` must be set together",
                ))
            }
        };

        let retries = config.get("max_retries");
        if !retries.is_null() {
            let n = retries
                .as_f64()
                .filter(|n| *n >= 0.0 && n.fract() == 0.0)
                .ok_or_else(|| invalid("provider \"aws\": `max_retries` must be a whole number >= 0"))?;
            out.max_attempts = (n as u32).saturating_add(1);
        } else if let Ok(env) = std::env::var("AWS_MAX_ATTEMPTS") {
            // As the Terraform AWS provider: the SDKs' own variable stands in for max_retries.
            out.max_attempts = env
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| invalid(format!("AWS_MAX_ATTEMPTS is {env:?}; it must be a whole number >= 1 (attempts per request, the first one included)")))?;
        }

        let assume = single_block(config, "assume_role");
        if !assume.is_null() {
            if let Some(role_arn) = string_attr(&assume, "role_arn", "assume_role.")? {
                let duration = match string_attr(&assume, "duration", "assume_role.")? {
                    None => None,
                    Some(text) => Some(parse_duration(&text).ok_or_else(|| {
                        invalid(format!(
                            "provider \"aws\": assume_role.duration {text:?} is not a duration such as \"1h\" or \"900s\""
                        ))
                    })?),
                };
                out.assume_role = Some(AssumeRole {
                    role_arn,
                    external_id: string_attr(&assume, "external_id", "assume_role.")?,
                    session_name: string_attr(&assume, "session_name", "assume_role.")?,
                    duration,
                });
            }
        }

        let endpoints = single_block(config, "endpoints");
        if !endpoints.is_null() {
            for service in ENDPOINT_SERVICES {
                if let Some(url) = string_attr(&endpoints, service, "endpoints.")? {
                    out.endpoints.insert(service.to_string(), url);
                }
            }
        }

        let default_tags = single_block(config, "default_tags");
        let tags = default_tags.get("tags");
        if tags.contains_unknown() {
            return Err(invalid(
                "provider \"aws\": default_tags.tags depends on a value that is only known after apply",
            ));
        }
        if let Some(map) = tags.as_map() {
            for (k, v) in map {
                let v = v
                    .to_template_string()
                    .ok_or_else(|| invalid(format!("provider \"aws\": default tag {k:?} must be a string")))?;
                out.default_tags.insert(k.clone(), v);
            }
        }
        Ok(out)
    }

    /// Builds the runtime and clients. Makes no network call.
    pub(crate) fn build(&self) -> Result<Ctx, ProviderError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_name("infinstor-aws")
            .build()
            .map_err(|e| ProviderError::new("RuntimeError", format!("could not start the AWS runtime: {e}")))?;
        let (sdk, region) = runtime.block_on(self.load())?;

        let calls = Arc::new(CallCounter::default());
        let products = UserAgentProducts(self.user_agent.join(" ").into());
        let mut s3 = aws_sdk_s3::config::Builder::from(&sdk)
            .interceptor(CountCalls(calls.clone()))
            .interceptor(MarkLostAnswers)
            .interceptor(products.clone());
        if self.s3_use_path_style {
            s3 = s3.force_path_style(true);
        }
        if let Some(url) = self.endpoints.get("s3") {
            s3 = s3.endpoint_url(url);
        }
        let mut iam = aws_sdk_iam::config::Builder::from(&sdk)
            .interceptor(CountCalls(calls.clone()))
            .interceptor(MarkLostAnswers)
            .interceptor(products.clone());
        if let Some(url) = self.endpoints.get("iam") {
            iam = iam.endpoint_url(url);
        }
        let mut sts = aws_sdk_sts::config::Builder::from(&sdk)
            .interceptor(CountCalls(calls.clone()))
            .interceptor(MarkLostAnswers)
            .interceptor(products.clone());
        if let Some(url) = self.endpoints.get("sts") {
            sts = sts.endpoint_url(url);
        }
        // Clients for the other services: the shared config plus a per-service endpoint.
        macro_rules! client {
            ($krate:ident, $service:literal) => {{
                let mut builder = $krate::config::Builder::from(&sdk)
                    .interceptor(CountCalls(calls.clone()))
                    .interceptor(MarkLostAnswers)
                    .interceptor(products.clone());
                if let Some(url) = self.endpoints.get($service) {
                    builder = builder.endpoint_url(url);
                }
                $krate::Client::from_conf(builder.build())
            }};
        }
        Ok(Ctx {
            s3: aws_sdk_s3::Client::from_conf(s3.build()),
            iam: aws_sdk_iam::Client::from_conf(iam.build()),
            sts: aws_sdk_sts::Client::from_conf(sts.build()),
            route53: client!(aws_sdk_route53, "route53"),
            acm: client!(aws_sdk_acm, "acm"),
            cloudformation: client!(aws_sdk_cloudformation, "cloudformation"),
            kms: client!(aws_sdk_kms, "kms"),
            ssm: client!(aws_sdk_ssm, "ssm"),
            dynamodb: client!(aws_sdk_dynamodb, "dynamodb"),
            apigateway: client!(aws_sdk_apigateway, "apigateway"),
            ec2: client!(aws_sdk_ec2, "ec2"),
            sesv2: client!(aws_sdk_sesv2, "sesv2"),
            logs: client!(aws_sdk_cloudwatchlogs, "logs"),
            servicecatalog: client!(aws_sdk_servicecatalog, "servicecatalog"),
            s3control: self.s3control_client(&sdk, &calls, &products),
            sns: client!(aws_sdk_sns, "sns"),
            sqs: client!(aws_sdk_sqs, "sqs"),
            cloudwatch: client!(aws_sdk_cloudwatch, "cloudwatch"),
            secretsmanager: client!(aws_sdk_secretsmanager, "secretsmanager"),
            autoscaling: client!(aws_sdk_applicationautoscaling, "applicationautoscaling"),
            events: client!(aws_sdk_eventbridge, "events"),
            ecr: client!(aws_sdk_ecr, "ecr"),
            lambda: client!(aws_sdk_lambda, "lambda"),
            cognito: client!(aws_sdk_cognitoidentityprovider, "cognitoidp"),
            cloudfront: client!(aws_sdk_cloudfront, "cloudfront"),
            region,
            default_tags: self.default_tags.clone(),
            calls,
            runtime,
            caller: std::sync::OnceLock::new(),
        })
    }

    /// The S3 Control client. Its endpoint rules put the account ID in front of the host
    /// (`123456789012.s3-control.us-east-1.amazonaws.com`), which an endpoint given as a URL
    /// (an emulator on 127.0.0.1) cannot take: a given URL is used as it is.
    fn s3control_client(
        &self,
        sdk: &SdkConfig,
        calls: &Arc<CallCounter>,
        products: &UserAgentProducts,
    ) -> aws_sdk_s3control::Client {
        let mut builder = aws_sdk_s3control::config::Builder::from(sdk)
            .interceptor(CountCalls(calls.clone()))
            .interceptor(MarkLostAnswers)
            .interceptor(products.clone());
        let given = self
            .endpoints
            .get("s3control")
            .cloned()
            .or_else(|| {
                std::env::var("AWS_ENDPOINT_URL_S3_CONTROL")
                    .ok()
                    .filter(|u| !u.is_empty())
            })
            .or_else(|| sdk.endpoint_url().map(str::to_string));
        if let Some(url) = given {
            let region = sdk
                .region()
                .map(|r| r.to_string())
                .unwrap_or_else(|| "us-east-1".to_string());
            builder = builder.endpoint_resolver(AsGiven { url, region });
        }
        aws_sdk_s3control::Client::from_conf(builder.build())
    }

    #[allow(deprecated)] // the aliases are the only way to name profile files without aws-runtime
    fn profile_files(&self) -> Option<aws_config::profile::profile_file::ProfileFiles> {
        use aws_config::profile::profile_file::{ProfileFileKind, ProfileFiles};
        if self.shared_config_files.is_empty() && self.shared_credentials_files.is_empty() {
            return None;
        }
        let mut builder = ProfileFiles::builder();
        if self.shared_config_files.is_empty() {
            builder = builder.include_default_config_file(true);
        }
        if self.shared_credentials_files.is_empty() {
            builder = builder.include_default_credentials_file(true);
        }
        for file in &self.shared_config_files {
            builder = builder.with_file(ProfileFileKind::Config, expand_home(file));
        }
        for file in &self.shared_credentials_files {
            builder = builder.with_file(ProfileFileKind::Credentials, expand_home(file));
        }
        Some(builder.build())
    }

    async fn load(&self) -> Result<(SdkConfig, String), ProviderError> {
        let profile_files = self.profile_files();
        let region = match &self.region {
            Some(region) => region.clone(),
            None => {
                // The SDK's default chain would also ask the instance metadata service, which
                // is a network call (and a multi-second stall off EC2); the environment and the
                // shared config files are enough to find a region the user chose.
                let mut profile_region = aws_config::profile::ProfileFileRegionProvider::builder();
                if let Some(profile) = &self.profile {
                    profile_region = profile_region.profile_name(profile);
                }
                if let Some(files) = &profile_files {
                    profile_region = profile_region.profile_files(files.clone());
                }
                let chain = RegionProviderChain::first_try(
                    aws_config::environment::region::EnvironmentVariableRegionProvider::new(),
                )
                .or_else(profile_region.build());
                match chain.region().await {
                    Some(region) => region.to_string(),
                    None => {
                        return Err(ProviderError::new(
                            "MissingRegion",
                            "no AWS region configured: set `region` in the provider \"aws\" block \
                             (for example region = \"us-east-1\"), or set the AWS_REGION environment \
                             variable, or set `region` in the AWS profile in use",
                        ))
                    }
                }
            }
        };

        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(region.clone()))
            .retry_config(RetryConfig::standard().with_max_attempts(self.max_attempts.max(1)));
        if let Some(profile) = &self.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(files) = profile_files {
            loader = loader.profile_files(files);
        }
        if let Some((access_key, secret_key, token)) = &self.static_keys {
            loader = loader.credentials_provider(Credentials::new(
                access_key,
                secret_key,
                token.clone(),
                None,
                "provider-block",
            ));
        }
        let mut sdk = loader.load().await;

        if let Some(assume) = &self.assume_role {
            // AssumeRole calls go to STS, so an STS endpoint override applies to them too.
            let base = match self.endpoints.get("sts") {
                Some(url) => sdk.to_builder().endpoint_url(url).build(),
                None => sdk.clone(),
            };
            let mut builder = AssumeRoleProvider::builder(assume.role_arn.clone())
                .configure(&base)
                .region(Region::new(region.clone()));
            if let Some(id) = &assume.external_id {
                builder = builder.external_id(id);
            }
            if let Some(name) = &assume.session_name {
                builder = builder.session_name(name);
            }
            if let Some(duration) = assume.duration {
                builder = builder.session_length(duration);
            }
            let provider = builder.build().await;
            sdk = sdk
                .into_builder()
                .credentials_provider(SharedCredentialsProvider::new(provider))
                .build();
        }
        Ok((sdk, region))
    }
}

fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), std::env::var("HOME")) {
        (Some(rest), Ok(home)) => format!("{home}/{rest}"),
        _ => path.to_string(),
    }
}

/// An S3 Control endpoint used as given, signed as S3 signs.
#[derive(Debug)]
struct AsGiven {
    url: String,
    region: String,
}

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for AsGiven {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        use aws_smithy_types::Document;
        let scheme: std::collections::HashMap<String, Document> = [
            ("name", Document::from("sigv4")),
            ("signingName", Document::from("s3")),
            ("signingRegion", Document::from(self.region.as_str())),
            ("disableDoubleEncoding", Document::from(true)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
            aws_sdk_s3control::config::endpoint::Endpoint::builder()
                .url(self.url.clone())
                .property("authSchemes", vec![Document::Object(scheme)])
                .build(),
        ))
    }
}

/// Adds the `provider_meta` products to the User-Agent header of every request.
#[derive(Debug, Clone)]
struct UserAgentProducts(Arc<str>);

impl aws_smithy_runtime_api::client::interceptors::Intercept for UserAgentProducts {
    fn name(&self) -> &'static str {
        "UserAgentProducts"
    }

    fn modify_before_transmit(
        &self,
        context: &mut aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        _cfg: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        if self.0.is_empty() {
            return Ok(());
        }
        let headers = context.request_mut().headers_mut();
        let agent = match headers.get("user-agent") {
            Some(existing) => format!("{existing} {}", self.0),
            None => self.0.to_string(),
        };
        headers.insert("user-agent", agent);
        Ok(())
    }
}

/// The SDK interceptor behind [`CallCounter`]: runs once per transmitted request.
#[derive(Debug)]
struct CountCalls(Arc<CallCounter>);

impl aws_smithy_runtime_api::client::interceptors::Intercept for CountCalls {
    fn name(&self) -> &'static str {
        "CountCalls"
    }

    fn read_before_transmit(
        &self,
        _context: &aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        cfg: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        if let Some(meta) = cfg.load::<aws_smithy_runtime_api::client::orchestrator::Metadata>() {
            let key = format!("{}:{}", meta.service().replace(' ', ""), meta.name());
            self.0.record(&key);
            CallCounter::global().record(&key);
        }
        Ok(())
    }
}
