//! Turning AWS SDK errors into [`ProviderError`]s a user can act on.
//!
//! The SDK's own `Display` for an error is often just "service error" or "dispatch failure";
//! the useful parts (the AWS error code, the message, the underlying IO error) are spread over
//! the error's metadata and source chain. Everything here is generic over the operation error
//! type so every service module (S3, IAM, ...) shares one wording.

use crate::support::lost_answer;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use engine::core::provider::ProviderError;
use std::any::Any;
use std::error::Error;
use std::fmt::Debug;

/// Error code used when no AWS credentials could be found.
pub(crate) const NO_CREDENTIALS: &str = "NoCredentials";
/// Error code used when the endpoint could not be reached.
pub(crate) const ENDPOINT_UNREACHABLE: &str = "EndpointUnreachable";

/// Phrase naming the endpoint in connection errors; the provider replaces it with the URL of the
/// service's endpoint, which the SDK error itself does not carry.
pub(crate) const ENDPOINT_PLACEHOLDER: &str = "the AWS endpoint";

/// Converts an SDK error of operation `op` (a phrase such as `creating S3 Bucket (name)`).
pub(crate) fn from_sdk<E, R>(op: &str, err: SdkError<E, R>) -> ProviderError
where
    E: ProvideErrorMetadata + Error + 'static,
    R: Debug + 'static,
{
    let unknown = outcome_unknown(&err);
    convert(op, err).with_outcome_unknown(unknown)
}

/// True when a call behind `err` may have been carried out: its answer was a server error or
/// never came, or the SDK retried after such an attempt ([`lost_answer`]).
///
/// [`lost_answer`]: crate::support::lost_answer
pub(crate) fn outcome_unknown<E, R: 'static>(err: &SdkError<E, R>) -> bool {
    let retried = err
        .raw_response()
        .and_then(|raw| (raw as &dyn Any).downcast_ref::<HttpResponse>())
        .is_some_and(|r| r.headers().get(lost_answer::HEADER).is_some());
    retried
        || http_status(err).is_some_and(lost_answer::lost_status)
        || matches!(err, SdkError::TimeoutError(_))
        || matches!(err, SdkError::DispatchFailure(f) if f.is_timeout() || f.is_io() || f.is_other())
        || matches!(err, SdkError::ResponseError(_))
}

fn convert<E, R>(op: &str, err: SdkError<E, R>) -> ProviderError
where
    E: ProvideErrorMetadata + Error + 'static,
    R: Debug + 'static,
{
    match &err {
        SdkError::ServiceError(_) | SdkError::ResponseError(_) => {
            let status = http_status(&err);
            let code = err
                .code()
                .map(str::to_string)
                .or_else(|| status.map(status_code_name))
                .unwrap_or_else(|| "UnknownError".to_string());
            let detail = err
                .message()
                .map(str::to_string)
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| source_chain(&err));
            let mut message = format!("{op}: {code}: {detail}");
            if let Some(hint) = hint_for_code(&code, op) {
                message.push_str("\n\n");
                message.push_str(&hint);
            }
            ProviderError::new(code, message)
        }
        SdkError::DispatchFailure(failure) => {
            let chain = source_chain(&err);
            if has_credentials_error(&err) {
                credentials_error(op, &chain)
            } else if failure.is_timeout() {
                ProviderError::new(
                    "Timeout",
                    format!(
                        "{op}: timed out connecting to {}: {chain}\n\nCheck the network and any proxy \
                         settings (HTTPS_PROXY), or the endpoint configured in the provider's \
                         `endpoints` block or AWS_ENDPOINT_URL.",
                        ENDPOINT_PLACEHOLDER
                    ),
                )
            } else if failure.is_io() {
                ProviderError::new(
                    ENDPOINT_UNREACHABLE,
                    format!(
                        "{op}: could not connect to {}: {chain}\n\nCheck that the endpoint is right \
                         (the provider's `endpoints` block, AWS_ENDPOINT_URL, or the region) and \
                         reachable from here, including proxy settings (HTTPS_PROXY).",
                        ENDPOINT_PLACEHOLDER
                    ),
                )
            } else {
                ProviderError::new("RequestFailed", format!("{op}: {chain}"))
            }
        }
        SdkError::TimeoutError(_) => ProviderError::new(
            "Timeout",
            format!(
                "{op}: the request to {} timed out: {}",
                ENDPOINT_PLACEHOLDER,
                source_chain(&err)
            ),
        ),
        SdkError::ConstructionFailure(_) => {
            let chain = source_chain(&err);
            if has_credentials_error(&err) {
                credentials_error(op, &chain)
            } else {
                ProviderError::new("InvalidRequest", format!("{op}: could not build the request: {chain}"))
            }
        }
        _ => ProviderError::new("UnknownError", format!("{op}: {}", source_chain(&err))),
    }
}

const CREDENTIALS_HELP: &str = "Provide credentials in one of these ways: set AWS_ACCESS_KEY_ID and \
AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys); set AWS_PROFILE (or `profile` in \
the provider block) to a profile in ~/.aws/credentials or ~/.aws/config, running \
`aws sso login --profile NAME` first for SSO profiles; or set `access_key` and `secret_key` in the \
provider block.";

/// Credentials could not be had: either none are configured, or the service that hands them
/// out (STS for assume_role, the SSO portal, instance metadata) could not be reached.
fn credentials_error(op: &str, chain: &str) -> ProviderError {
    let lower = chain.to_ascii_lowercase();
    let unreachable = ["connect", "dns error", "timed out", "timeout"]
        .iter()
        .any(|needle| lower.contains(needle));
    let help = if unreachable {
        "The service that provides the credentials could not be reached: STS for the provider's \
         `assume_role` block or for web identity, the SSO portal for SSO profiles, or the instance \
         metadata service on EC2. Check the network and proxy settings, and `endpoints { sts = ... }` \
         in the provider block if STS is not the public AWS endpoint."
    } else {
        CREDENTIALS_HELP
    };
    ProviderError::new(
        NO_CREDENTIALS,
        format!("{op}: could not obtain AWS credentials: {chain}\n\n{help}"),
    )
}

/// `Ok(None)` for a not-found error ([`is_not_found`]), so reads can report a deleted object.
pub(crate) fn found<T>(r: Result<T, ProviderError>) -> Result<Option<T>, ProviderError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if is_not_found(&e.code) => Ok(None),
        Err(e) => Err(e),
    }
}

/// True for the error codes AWS uses when a create is refused because the name is taken.
pub(crate) fn is_already_exists(code: &str) -> bool {
    matches!(
        code,
        "EntityAlreadyExists"
            | "AlreadyExistsException"
            | "AlreadyExists"
            | "BucketAlreadyExists"
            | "BucketAlreadyOwnedByYou"
            | "ParameterAlreadyExists"
            | "ResourceInUseException"
            | "ResourceExistsException"
            | "HostedZoneAlreadyExists"
            | "InvalidKeyPair.Duplicate"
            | "AlreadyExistsFault"
    )
}

/// True for the error codes AWS uses when the object (or its parent) does not exist.
pub(crate) fn is_not_found(code: &str) -> bool {
    matches!(
        code,
        "NotFound"
            | "NoSuchEntity"
            | "NoSuchBucket"
            | "NoSuchKey"
            | "NoSuchCORSConfiguration"
            | "NoSuchBucketPolicy"
            | "NoSuchTagSet"
            | "NoSuchTagSetError"
            | "NoSuchPublicAccessBlockConfiguration"
            | "ServerSideEncryptionConfigurationNotFoundError"
            | "NoSuchLifecycleConfiguration"
            | "NoSuchWebsiteConfiguration"
            | "OwnershipControlsNotFoundError"
            | "ObjectLockConfigurationNotFoundError"
            | "ResourceNotFoundException"
            | "NotFoundException"
            | "RepositoryNotFoundException"
            | "LifecyclePolicyNotFoundException"
            | "RepositoryPolicyNotFoundException"
            | "InvalidKeyPair.NotFound"
            | "NoSuchConfiguration"
            | "AWS.SimpleQueueService.NonExistentQueue"
            | "QueueDoesNotExist"
            | "ResourceNotFound"
            | "PolicyNotFoundException"
            | "NatGatewayNotFound"
            | "NoSuchDistribution"
            | "NoSuchOriginAccessControl"
            | "NoSuchCachePolicy"
            | "NoSuchOriginRequestPolicy"
    ) || ec2_not_found(code)
}

/// EC2 names its not-found errors after the kind of ID (`InvalidVpcID.NotFound`,
/// `InvalidGroup.NotFound`, `InvalidRoute.NotFound`).
fn ec2_not_found(code: &str) -> bool {
    code.starts_with("Invalid") && code.ends_with(".NotFound")
}

/// The HTTP status of the response that caused `err`, when there was one.
fn http_status<E, R: 'static>(err: &SdkError<E, R>) -> Option<u16> {
    let raw = err.raw_response()?;
    (raw as &dyn Any)
        .downcast_ref::<HttpResponse>()
        .map(|r| r.status().as_u16())
}

/// A code for responses without a body (HEAD requests), from the status.
fn status_code_name(status: u16) -> String {
    match status {
        301 => "PermanentRedirect".to_string(),
        400 => "BadRequest".to_string(),
        403 => "Forbidden".to_string(),
        404 => "NotFound".to_string(),
        409 => "Conflict".to_string(),
        other => format!("Http{other}"),
    }
}

/// Advice for codes whose cure is not obvious from AWS's message.
fn hint_for_code(code: &str, op: &str) -> Option<String> {
    Some(match code {
        "InvalidAccessKeyId"
        | "InvalidClientTokenId"
        | "SignatureDoesNotMatch"
        | "UnrecognizedClientException"
        | "AuthFailure" => format!(
            "AWS rejected the credentials in use. Check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, \
             AWS_PROFILE, or access_key / secret_key in the provider block.\n{CREDENTIALS_HELP}"
        ),
        "ExpiredToken" | "ExpiredTokenException" | "TokenRefreshRequired" | "RequestExpired" => {
            "The session credentials have expired: refresh them (for SSO profiles run \
             `aws sso login --profile NAME`; otherwise obtain a new AWS_SESSION_TOKEN) and try again."
                .to_string()
        }
        "AccessDenied" | "AccessDeniedException" | "Forbidden" | "UnauthorizedOperation" | "AllAccessDisabled" => {
            format!(
                "The identity in use is not allowed to do this ({op}). Grant the needed permission \
                 to the user or role in IAM, or use other credentials (AWS_PROFILE or the provider \
                 block's assume_role)."
            )
        }
        "BucketAlreadyExists" => "S3 bucket names are global across all AWS accounts and this one \
             belongs to someone else: choose another `bucket` name, or use `bucket_prefix` to get a \
             unique one."
            .to_string(),
        "PermanentRedirect" | "AuthorizationHeaderMalformed" | "IllegalLocationConstraintException" => {
            "The bucket is in a different region than the provider's. Use a provider configured \
             with the bucket's region (a `provider \"aws\"` block with an `alias` and `region`)."
                .to_string()
        }
        "Throttling" | "ThrottlingException" | "SlowDown" | "RequestLimitExceeded" | "TooManyRequestsException" => {
            "AWS kept throttling the requests after several retries: try again later, or raise \
             `max_retries` in the provider block."
                .to_string()
        }
        "MalformedPolicy" | "MalformedPolicyDocument" => "Check the policy document: it must be valid \
             JSON in IAM policy grammar, and every principal it names must exist."
            .to_string(),
        _ => return None,
    })
}

/// Every message in the error's source chain, joined, without repetitions.
fn source_chain(err: &(dyn Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&(dyn Error + 'static)> = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

/// True when the failure came from resolving credentials rather than from the network.
fn has_credentials_error(err: &(dyn Error + 'static)) -> bool {
    let mut current: Option<&(dyn Error + 'static)> = Some(err);
    while let Some(e) = current {
        if e.downcast_ref::<aws_credential_types::provider::error::CredentialsError>()
            .is_some()
        {
            return true;
        }
        let text = e.to_string();
        // Some identity resolvers wrap the credentials error in their own type.
        if text.contains("no providers in chain provided credentials") || text.contains("failed to load credentials") {
            return true;
        }
        current = e.source();
    }
    false
}
