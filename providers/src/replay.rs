//! Unit tests of services the emulator does not implement: a provider context whose clients
//! answer from a list written from the AWS API reference, through the SDK's own
//! request/response replay client, which records what was sent for the test to check.

use crate::resource::Ctx;
use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
use aws_smithy_types::body::SdkBody;
use engine::core::value::{map, Value};

/// One answer: HTTP status, content type and body.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) body: String,
    /// Other response headers (S3 answers some values in headers).
    pub(crate) headers: Vec<(&'static str, &'static str)>,
}

impl Answer {
    /// A JSON answer of the AWS JSON protocol most services speak.
    pub(crate) fn json(status: u16, body: serde_json::Value) -> Answer {
        Answer {
            status,
            content_type: "application/x-amz-json-1.1",
            body: body.to_string(),
            headers: Vec::new(),
        }
    }
}

/// A provider context for us-east-1 whose S3, DynamoDB, IAM, SQS and Service Catalog clients get
/// `answers`, in order, whatever they ask; its account is 123456789012.
pub(crate) fn ctx(answers: Vec<Answer>) -> (Ctx, StaticReplayClient) {
    let events = answers
        .into_iter()
        .map(|a| {
            let mut response = http::Response::builder()
                .status(a.status)
                .header("content-type", a.content_type);
            for (name, value) in &a.headers {
                response = response.header(*name, *value);
            }
            ReplayEvent::new(
                http::Request::builder()
                    .uri("https://replay.invalid/")
                    .body(SdkBody::empty())
                    .expect("request"),
                response.body(SdkBody::from(a.body)).expect("response"),
            )
        })
        .collect();
    let replay = StaticReplayClient::new(events);
    let config = map([
        ("region", Value::from("us-east-1")),
        ("access_key", Value::from("AKIAIOSFODNN7EXAMPLE")),
        ("secret_key", Value::from("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")),
    ]);
    let mut ctx = crate::config::ProviderConfig::parse(&config)
        .expect("config")
        .build()
        .expect("ctx");
    let credentials = aws_credential_types::Credentials::new("AKIAIOSFODNN7EXAMPLE", "secret", None, None, "test");
    // Each service whose answers a test writes gets a client on the replay connection.
    macro_rules! replayed {
        ($($field:ident: $sdk:ident),* $(,)?) => {$(
            ctx.$field = $sdk::Client::from_conf(
                $sdk::Config::builder()
                    .behavior_version($sdk::config::BehaviorVersion::latest())
                    .region($sdk::config::Region::new("us-east-1"))
                    .credentials_provider(credentials.clone())
                    .http_client(replay.clone())
                    .build(),
            );
        )*};
    }
    replayed!(
        servicecatalog: aws_sdk_servicecatalog,
        dynamodb: aws_sdk_dynamodb,
        s3: aws_sdk_s3,
        sqs: aws_sdk_sqs,
        iam: aws_sdk_iam,
        logs: aws_sdk_cloudwatchlogs,
        autoscaling: aws_sdk_applicationautoscaling,
        cloudwatch: aws_sdk_cloudwatch,
        cognito: aws_sdk_cognitoidentityprovider,
        cloudfront: aws_sdk_cloudfront,
        secretsmanager: aws_sdk_secretsmanager,
        lambda: aws_sdk_lambda,
    );
    // The account, as STS would answer: no answer in the list is spent on it.
    let _ = ctx.caller.set(("123456789012".to_string(), "aws".to_string()));
    (ctx, replay)
}

/// What was sent: method, host, path and query (without the SDK's `x-id`), and body.
pub(crate) fn sent(replay: &StaticReplayClient) -> Vec<(String, String, String)> {
    replay
        .actual_requests()
        .map(|r| {
            let uri: http::Uri = r.uri().parse().expect("uri");
            let query: Vec<&str> = uri
                .query()
                .unwrap_or("")
                .split('&')
                .filter(|p| !p.is_empty() && !p.starts_with("x-id="))
                .collect();
            let host = uri.host().unwrap_or("");
            let target = if query.is_empty() {
                format!("{host}{}", uri.path())
            } else {
                format!("{host}{}?{}", uri.path(), query.join("&"))
            };
            let body = r
                .body()
                .bytes()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            (r.method().to_string(), target, body)
        })
        .collect()
}
