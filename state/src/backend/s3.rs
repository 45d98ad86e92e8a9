//! The settings of the S3 backend (`backend "s3" { ... }`, as Terraform's S3 backend reads
//! them) and where a workspace's state object is. The backend that talks to S3 is behind
//! [`super::remote::RemoteStore`] (the `state-s3` crate), so this crate links no AWS SDK.

use super::DEFAULT_WORKSPACE;

/// The arguments of `backend "s3" { ... }` that infinstor reads.
pub const ARGUMENTS: &[&str] = &[
    "bucket",
    "key",
    "region",
    "encrypt",
    "kms_key_id",
    "use_lockfile",
    "workspace_key_prefix",
    "profile",
    "assume_role",
    "endpoints",
    "use_path_style",
    "skip_credentials_validation",
    "skip_region_validation",
    "skip_metadata_api_check",
    "skip_requesting_account_id",
    "skip_s3_checksum",
    "force_path_style",
    "endpoint",
];

/// Arguments that ask Terraform's backend to leave out a call or check infinstor's backend
/// does not make anyway (it validates no credentials or region up front, asks for no account
/// ID, reads no instance metadata unless the SDK's credential chain needs it): accepted, so a
/// Terraform backend block works unchanged, and checked to be true or false.
const NOTHING_TO_SKIP: &[&str] = &[
    "skip_credentials_validation",
    "skip_region_validation",
    "skip_metadata_api_check",
    "skip_requesting_account_id",
    "skip_s3_checksum",
];

/// Arguments Terraform's S3 backend has that infinstor does not, and what to do instead.
pub const NOT_SUPPORTED: &[(&str, &str)] = &[
    ("dynamodb_table", "infinstor locks with a lock object created by a conditional write (use_lockfile); remove dynamodb_table."),
    ("dynamodb_endpoint", "infinstor does not use DynamoDB for locking; remove it."),
    ("access_key", "Give credentials through the environment (AWS_ACCESS_KEY_ID), a profile or assume_role, not in the configuration."),
    ("secret_key", "Give credentials through the environment (AWS_SECRET_ACCESS_KEY), a profile or assume_role, not in the configuration."),
    ("token", "Give credentials through the environment (AWS_SESSION_TOKEN), a profile or assume_role, not in the configuration."),
    ("shared_credentials_files", "Set AWS_SHARED_CREDENTIALS_FILE instead."),
    ("shared_config_files", "Set AWS_CONFIG_FILE instead."),
    ("acl", "Object ACLs are not set on state objects; use a bucket policy."),
    ("sse_customer_key", "Customer-provided keys are not supported; use kms_key_id."),
    ("assume_role_with_web_identity", "Use the AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN environment variables."),
    ("max_retries", "Remove it: the AWS SDK's standard retry policy applies."),
    ("retry_mode", "Remove it: the AWS SDK's standard retry policy applies."),
];

/// An S3 backend's configuration.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct S3Settings {
    /// The bucket.
    pub bucket: String,
    /// The default workspace's object key.
    pub key: String,
    /// The bucket's region; from the environment or profile when absent.
    pub region: Option<String>,
    /// Server-side encryption of the state object.
    pub encrypt: bool,
    /// The KMS key for server-side encryption (implies `encrypt`).
    pub kms_key_id: Option<String>,
    /// Take the lock object (default true; Terraform's default is false, which no team wants).
    pub use_lockfile: bool,
    /// Where other workspaces' states are: `<prefix>/<workspace>/<key>`.
    pub workspace_key_prefix: String,
    /// A profile of the shared AWS config files.
    pub profile: Option<String>,
    /// A role to assume for reading and writing state.
    pub assume_role: Option<AssumeRole>,
    /// S3 endpoint override (an emulator, a VPC endpoint).
    pub endpoint_s3: Option<String>,
    /// STS endpoint override, for `assume_role`.
    pub endpoint_sts: Option<String>,
    /// Path-style addressing (`https://host/bucket/key`).
    pub use_path_style: bool,
}

/// `assume_role { ... }` of the backend.
#[derive(Debug, Clone, PartialEq)]
pub struct AssumeRole {
    /// The role.
    pub role_arn: String,
    /// The session name (default `infinstor`).
    pub session_name: Option<String>,
    /// The external ID the role's trust policy asks for.
    pub external_id: Option<String>,
    /// How long the session lasts.
    pub duration: Option<std::time::Duration>,
}

/// One argument of the backend block that is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingError {
    /// The argument (`bucket`, `assume_role.role_arn`).
    pub key: String,
    /// What is wrong and what to do.
    pub message: String,
}

fn setting(key: &str, message: impl Into<String>) -> SettingError {
    SettingError {
        key: key.to_string(),
        message: message.into(),
    }
}

type Settings = serde_json::Map<String, serde_json::Value>;

fn string(map: &Settings, key: &str, within: &str) -> Result<Option<String>, SettingError> {
    match map.get(key) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(setting(
            &format!("{within}{key}"),
            format!("{within}{key} must be a string, not {other}"),
        )),
    }
}

fn boolean(map: &Settings, key: &str) -> Result<Option<bool>, SettingError> {
    match map.get(key) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Bool(b)) => Ok(Some(*b)),
        Some(serde_json::Value::String(s)) if s == "true" || s == "false" => Ok(Some(s == "true")),
        Some(other) => Err(setting(key, format!("{key} must be true or false, not {other}"))),
    }
}

fn object<'a>(map: &'a Settings, key: &str, known: &[&str]) -> Result<Option<&'a Settings>, SettingError> {
    match map.get(key) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Object(inner)) => {
            if let Some(unknown) = inner.keys().find(|k| !known.contains(&k.as_str())) {
                return Err(setting(
                    &format!("{key}.{unknown}"),
                    format!("{key} has no argument \"{unknown}\"; it takes {}", known.join(", ")),
                ));
            }
            Ok(Some(inner))
        }
        Some(other) => Err(setting(key, format!("{key} must be a block or an object, not {other}"))),
    }
}

fn duration(text: &str) -> Option<std::time::Duration> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = text.split_at(split);
    let n: u64 = n.parse().ok()?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        _ => return None,
    };
    Some(std::time::Duration::from_secs(secs))
}

impl S3Settings {
    /// Reads the backend block's arguments (after `-backend-config` values are merged in).
    pub fn from_map(map: &Settings) -> Result<S3Settings, SettingError> {
        for key in map.keys() {
            if let Some((_, what)) = NOT_SUPPORTED.iter().find(|(k, _)| k == key) {
                return Err(setting(
                    key,
                    format!("{key} is not supported by infinstor's s3 backend. {what}"),
                ));
            }
            if !ARGUMENTS.contains(&key.as_str()) {
                return Err(setting(
                    key,
                    format!(
                        "the s3 backend has no argument \"{key}\"; it takes {}",
                        ARGUMENTS.join(", ")
                    ),
                ));
            }
        }
        let required = |key: &str| {
            string(map, key, "")?.filter(|s| !s.is_empty()).ok_or_else(|| {
                setting(
                    key,
                    format!("the s3 backend needs \"{key}\": set it in the backend block or pass -backend-config={key}=... to init"),
                )
            })
        };
        let bucket = required("bucket")?;
        let key = required("key")?;
        if key.starts_with('/') || key.ends_with('/') {
            return Err(setting("key", format!("key {key:?} must not start or end with '/'")));
        }
        let workspace_key_prefix = string(map, "workspace_key_prefix", "")?.unwrap_or_else(|| "env:".to_string());
        if workspace_key_prefix.starts_with('/') || workspace_key_prefix.ends_with('/') {
            return Err(setting(
                "workspace_key_prefix",
                format!("workspace_key_prefix {workspace_key_prefix:?} must not start or end with '/'"),
            ));
        }
        let assume_role = match object(
            map,
            "assume_role",
            &["role_arn", "session_name", "external_id", "duration"],
        )? {
            None => None,
            Some(ar) => Some(AssumeRole {
                role_arn: string(ar, "role_arn", "assume_role.")?
                    .ok_or_else(|| setting("assume_role.role_arn", "assume_role needs role_arn"))?,
                session_name: string(ar, "session_name", "assume_role.")?,
                external_id: string(ar, "external_id", "assume_role.")?,
                duration: match string(ar, "duration", "assume_role.")? {
                    None => None,
                    Some(text) => Some(duration(&text).ok_or_else(|| {
                        setting(
                            "assume_role.duration",
                            format!("assume_role.duration {text:?} is not a duration such as \"1h\" or \"900s\""),
                        )
                    })?),
                },
            }),
        };
        for key in NOTHING_TO_SKIP {
            boolean(map, key)?;
        }
        let endpoints = object(map, "endpoints", &["s3", "sts"])?;
        // `endpoint` and `force_path_style` are Terraform's older spellings, still accepted.
        let endpoint_s3 = match endpoints.map(|e| string(e, "s3", "endpoints.")).transpose()?.flatten() {
            Some(s3) => Some(s3),
            None => string(map, "endpoint", "")?,
        };
        let use_path_style = boolean(map, "use_path_style")?.or(boolean(map, "force_path_style")?);
        let kms_key_id = string(map, "kms_key_id", "")?;
        Ok(S3Settings {
            bucket,
            key,
            region: string(map, "region", "")?,
            encrypt: boolean(map, "encrypt")?.unwrap_or(false) || kms_key_id.is_some(),
            kms_key_id,
            use_lockfile: boolean(map, "use_lockfile")?.unwrap_or(true),
            workspace_key_prefix,
            profile: string(map, "profile", "")?,
            assume_role,
            endpoint_s3,
            endpoint_sts: endpoints.map(|e| string(e, "sts", "endpoints.")).transpose()?.flatten(),
            use_path_style: use_path_style.unwrap_or(false),
        })
    }

    /// The object key of a workspace's state.
    pub fn state_key(&self, workspace: &str) -> String {
        if workspace == DEFAULT_WORKSPACE {
            self.key.clone()
        } else {
            format!("{}/{workspace}/{}", self.workspace_key_prefix, self.key)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(v: serde_json::Value) -> Settings {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn settings_read_terraform_arguments() {
        let s = S3Settings::from_map(&map(serde_json::json!({
            "bucket": "b", "key": "prod/state.json", "region": "eu-west-1", "kms_key_id": "alias/state",
            "workspace_key_prefix": "ws", "endpoints": {"s3": "http://127.0.0.1:1"}, "use_path_style": true,
            "assume_role": {"role_arn": "arn:aws:iam::1:role/r", "duration": "1h"}
        })))
        .expect("valid");
        assert!(s.encrypt, "a KMS key implies encryption");
        assert!(s.use_lockfile);
        assert_eq!(s.state_key("default"), "prod/state.json");
        assert_eq!(s.state_key("staging"), "ws/staging/prod/state.json");
        assert_eq!(s.endpoint_s3.as_deref(), Some("http://127.0.0.1:1"));
        assert_eq!(
            s.assume_role.and_then(|a| a.duration),
            Some(std::time::Duration::from_secs(3600))
        );
    }

    #[test]
    fn wrong_settings_name_the_argument() {
        let err = |v| S3Settings::from_map(&map(v)).expect_err("invalid");
        assert_eq!(err(serde_json::json!({"key": "k"})).key, "bucket");
        assert_eq!(
            err(serde_json::json!({"bucket": "b", "key": "k", "dynamodb_table": "t"})).key,
            "dynamodb_table"
        );
        let unknown = err(serde_json::json!({"bucket": "b", "key": "k", "buckett": "t"}));
        assert!(
            unknown.message.contains("no argument \"buckett\""),
            "{}",
            unknown.message
        );
        assert_eq!(
            err(serde_json::json!({"bucket": "b", "key": "k", "endpoints": {"dynamodb": "x"}})).key,
            "endpoints.dynamodb"
        );
        assert_eq!(err(serde_json::json!({"bucket": "b", "key": "/k"})).key, "key");
        assert_eq!(
            err(serde_json::json!({"bucket": "b", "key": "k", "skip_region_validation": "yes"})).key,
            "skip_region_validation"
        );
    }

    #[test]
    fn terraforms_skip_arguments_and_older_spellings_are_accepted() {
        let s = S3Settings::from_map(&map(serde_json::json!({
            "bucket": "b", "key": "k", "skip_credentials_validation": true, "skip_region_validation": true,
            "skip_metadata_api_check": "true", "skip_requesting_account_id": true, "skip_s3_checksum": false,
            "endpoint": "http://127.0.0.1:2", "force_path_style": true
        })))
        .expect("valid");
        assert_eq!(s.endpoint_s3.as_deref(), Some("http://127.0.0.1:2"));
        assert!(s.use_path_style);
    }
}
