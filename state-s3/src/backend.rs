//! The S3 backend: one workspace's state in an S3 object, as Terraform's S3 backend keeps it.
//!
//! - The default workspace's state is the object `key`; workspace `W`'s is
//!   `<workspace_key_prefix>/W/<key>` (prefix `env:` unless configured).
//! - The lock is the object `<state key>.tflock`, created with `If-None-Match: *`, so of two
//!   processes only one can create it; it holds the [`LockInfo`] of its holder.
//! - Writes are conditional on the ETag this process last read or wrote (`If-Match`), or on
//!   there being no object yet (`If-None-Match: *`): a write over a state someone else changed
//!   meanwhile fails instead of overwriting it, even when locking is turned off.
//! - The state as it was before this process first wrote it is kept in `<state key>.backup`.

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use state::backend::{bump, prepare_write, Backend, S3Settings};
use state::codec::Codec;
use state::lock::LockInfo;
use state::{LockGuard, State, StateError};
use std::sync::{Arc, Mutex};

/// An S3 client and the runtime its calls run on.
#[derive(Clone)]
struct Client {
    s3: aws_sdk_s3::Client,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl Client {
    fn new(settings: &S3Settings) -> Result<Client, StateError> {
        let runtime = crate::runtime::new("the s3 backend")?;
        let s3 = crate::runtime::block_on(&runtime, sdk_client(settings))?;
        Ok(Client { s3, runtime })
    }

    fn run<F>(&self, future: F) -> F::Output
    where
        F: std::future::Future + Send,
        F::Output: Send,
    {
        crate::runtime::block_on(&self.runtime, future)
    }
}

async fn sdk_client(settings: &S3Settings) -> Result<aws_sdk_s3::Client, StateError> {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(region) = &settings.region {
        loader = loader.region(aws_sdk_s3::config::Region::new(region.clone()));
    }
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    let mut sdk = loader.load().await;
    if sdk.region().is_none() {
        return Err(StateError::Config(
            "the s3 backend needs a region: set region = \"...\" in the backend block, or AWS_REGION".into(),
        ));
    }
    if let Some(role) = &settings.assume_role {
        let base = match &settings.endpoint_sts {
            Some(url) => sdk.to_builder().endpoint_url(url).build(),
            None => sdk.clone(),
        };
        let mut builder = aws_config::sts::AssumeRoleProvider::builder(&role.role_arn)
            .session_name(role.session_name.clone().unwrap_or_else(|| "infinstor".to_string()));
        if let Some(id) = &role.external_id {
            builder = builder.external_id(id);
        }
        if let Some(d) = role.duration {
            builder = builder.session_length(d);
        }
        let provider = builder.configure(&base).build().await;
        sdk = sdk
            .into_builder()
            .credentials_provider(aws_sdk_s3::config::SharedCredentialsProvider::new(provider))
            .build();
    }
    let mut config = aws_sdk_s3::config::Builder::from(&sdk);
    if let Some(url) = &settings.endpoint_s3 {
        config = config.endpoint_url(url);
    }
    if settings.use_path_style {
        config = config.force_path_style(true);
    }
    Ok(aws_sdk_s3::Client::from_conf(config.build()))
}

/// A failed S3 call as a state error, with the service's code and message.
fn remote<E, R>(action: &'static str, location: &str, err: &SdkError<E, R>) -> StateError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    StateError::Remote {
        action,
        location: location.to_string(),
        message: crate::detail(err),
    }
}

/// S3's answers to a failed `If-Match`/`If-None-Match` (412), or to two conditional writes
/// racing (409).
fn condition_failed<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> bool {
    matches!(err.code(), Some("PreconditionFailed" | "ConditionalRequestConflict"))
}

fn is_missing<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> bool {
    matches!(err.code(), Some("NoSuchKey" | "NotFound"))
}

/// What this process last saw of the state object.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    /// Not read yet.
    Nothing,
    /// Read: there was no object.
    Absent,
    /// Read or written: the object with this ETag, and its bytes.
    Object { etag: String, bytes: Vec<u8> },
}

/// One workspace's state in S3.
pub struct S3Backend {
    settings: S3Settings,
    key: String,
    client: Client,
    seen: Mutex<Seen>,
    backed_up: Mutex<bool>,
    codec: Codec,
}

impl S3Backend {
    /// The backend of a workspace. Builds the client; makes no call yet.
    pub fn new(settings: S3Settings, workspace: &str, codec: Codec) -> Result<S3Backend, StateError> {
        let key = settings.state_key(workspace);
        let client = Client::new(&settings)?;
        Ok(S3Backend {
            settings,
            key,
            client,
            seen: Mutex::new(Seen::Nothing),
            backed_up: Mutex::new(false),
            codec,
        })
    }

    fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_key(&self) -> String {
        format!("{}.tflock", self.key)
    }

    /// A JSON object write to `key` of the state's bucket.
    fn put(&self, key: &str, bytes: Vec<u8>) -> aws_sdk_s3::operation::put_object::builders::PutObjectFluentBuilder {
        self.client
            .s3
            .put_object()
            .bucket(&self.settings.bucket)
            .key(key)
            .content_type("application/json")
            .body(ByteStream::from(bytes))
    }

    /// The state object's ETag and bytes, or `None` when there is none.
    fn get(&self) -> Result<Option<(String, Vec<u8>)>, StateError> {
        get_object(&self.client, &self.settings.bucket, &self.key, &self.describe())
    }

    fn put_state(&self, bytes: Vec<u8>, seen: &Seen) -> Result<String, StateError> {
        let location = self.describe();
        let mut put = self.put(&self.key, bytes);
        put = match seen {
            Seen::Object { etag, .. } => put.if_match(etag),
            Seen::Absent | Seen::Nothing => put.if_none_match("*"),
        };
        match self.client.run(self.server_side_encryption(put).send()) {
            Ok(out) => Ok(out.e_tag().unwrap_or_default().to_string()),
            Err(e) if condition_failed(&e) => {
                // Only the serial and lineage are shown, so the values need no key.
                let now = self
                    .get()
                    .ok()
                    .flatten()
                    .and_then(|(_, b)| serde_json::from_slice::<serde_json::Value>(&b).ok());
                Err(StateError::Conflict {
                    location,
                    now: now.map(|s| {
                        format!(
                            "serial {}, lineage {}",
                            s["serial"],
                            s["lineage"].as_str().unwrap_or("?")
                        )
                    }),
                })
            }
            Err(e) => Err(remote("write", &location, &e)),
        }
    }

    /// Writes `state` after `previous` if it changed (or `force`), conditional on the object
    /// being what this process last saw.
    fn store(&self, state: &mut State, previous: &State, force: bool) -> Result<(), StateError> {
        let mut seen = self.seen();
        if *seen == Seen::Nothing {
            drop(seen);
            // A write always follows a read of the same state; without one there is no ETag
            // to make the write conditional on, so read it now.
            self.read()?;
            seen = self.seen();
        }
        let stored = matches!(*seen, Seen::Object { .. });
        let mut candidate = state.clone();
        if force {
            bump(&mut candidate, previous, &self.describe())?;
        } else if !prepare_write(&mut candidate, previous, stored, &self.describe())? {
            return Ok(());
        }
        self.back_up(&seen)?;
        let bytes = self.codec.encode(&candidate)?;
        let etag = self.put_state(bytes.clone(), &seen)?;
        *seen = Seen::Object { etag, bytes };
        *state = candidate;
        Ok(())
    }

    /// Keeps the state as this process found it in `<key>.backup`, once per process.
    fn back_up(&self, seen: &Seen) -> Result<(), StateError> {
        let mut done = self.backed_up.lock().unwrap_or_else(|p| p.into_inner());
        if *done {
            return Ok(());
        }
        let Seen::Object { bytes, .. } = seen else {
            // There was nothing before this process's first write.
            *done = true;
            return Ok(());
        };
        self.put_backup(bytes.clone())?;
        *done = true;
        Ok(())
    }

    /// `encrypt` / `kms_key_id`: how S3 encrypts the state objects it stores.
    fn server_side_encryption(
        &self,
        put: aws_sdk_s3::operation::put_object::builders::PutObjectFluentBuilder,
    ) -> aws_sdk_s3::operation::put_object::builders::PutObjectFluentBuilder {
        use aws_sdk_s3::types::ServerSideEncryption;
        match (&self.settings.kms_key_id, self.settings.encrypt) {
            (Some(key), _) => put
                .server_side_encryption(ServerSideEncryption::AwsKms)
                .ssekms_key_id(key),
            (None, true) => put.server_side_encryption(ServerSideEncryption::Aes256),
            (None, false) => put,
        }
    }

    /// Rewrites a state of infinstor's first format in Terraform's, once: the old bytes are
    /// kept as `<key>.format1.backup` first (never replaced), and the state keeps its lineage
    /// and serial. The write is conditional on the object read, like every state write.
    fn upgrade(&self, seen: Seen, state: &State) -> Result<Seen, StateError> {
        let Seen::Object { bytes: old, .. } = &seen else {
            return Ok(seen);
        };
        let key = format!("{}.format1.backup", self.key);
        let put = self.put(&key, old.clone()).if_none_match("*");
        match self.client.run(self.server_side_encryption(put).send()) {
            Ok(_) => {}
            Err(e) if condition_failed(&e) => {}
            Err(e) => return Err(remote("back up", &format!("s3://{}/{key}", self.settings.bucket), &e)),
        }
        let bytes = self.codec.encode(state)?;
        let etag = self.put_state(bytes.clone(), &seen)?;
        Ok(Seen::Object { etag, bytes })
    }

    fn put_backup(&self, bytes: Vec<u8>) -> Result<(), StateError> {
        let key = format!("{}.backup", self.key);
        let put = self.put(&key, bytes);
        self.client
            .run(self.server_side_encryption(put).send())
            .map(|_| ())
            .map_err(|e| remote("back up", &format!("s3://{}/{key}", self.settings.bucket), &e))
    }
}

fn get_object(
    client: &Client,
    bucket: &str,
    key: &str,
    location: &str,
) -> Result<Option<(String, Vec<u8>)>, StateError> {
    let call = async {
        let out = client.s3.get_object().bucket(bucket).key(key).send().await?;
        let etag = out.e_tag().unwrap_or_default().to_string();
        let body = out.body.collect().await.map(|b| b.into_bytes().to_vec());
        Ok::<_, SdkError<aws_sdk_s3::operation::get_object::GetObjectError, _>>((etag, body))
    };
    match client.run(call) {
        Ok((etag, Ok(bytes))) => Ok(Some((etag, bytes))),
        Ok((_, Err(e))) => Err(StateError::Remote {
            action: "read",
            location: location.to_string(),
            message: e.to_string(),
        }),
        Err(e) if is_missing(&e) => Ok(None),
        Err(e) => Err(remote("read", location, &e)),
    }
}

impl Backend for S3Backend {
    fn read(&self) -> Result<Option<State>, StateError> {
        let location = self.describe();
        match self.get()? {
            None => {
                *self.seen() = Seen::Absent;
                Ok(None)
            }
            Some((etag, bytes)) => {
                let decoded = self.codec.read(&bytes, &location)?;
                let seen = Seen::Object { etag, bytes };
                let seen = match decoded.legacy {
                    true => self.upgrade(seen, &decoded.state)?,
                    false => seen,
                };
                *self.seen() = seen;
                Ok(Some(decoded.state))
            }
        }
    }

    fn write(&self, state: &mut State, previous: &State) -> Result<(), StateError> {
        self.store(state, previous, false)
    }

    fn rewrite(&self, state: &mut State) -> Result<(), StateError> {
        let previous = state.clone();
        self.store(state, &previous, true)?;
        let bytes = match &*self.seen() {
            Seen::Object { bytes, .. } => bytes.clone(),
            _ => return Ok(()),
        };
        self.put_backup(bytes)
    }

    fn lock(&self, operation: &str) -> Result<LockGuard, StateError> {
        let info = LockInfo::new(operation);
        if !self.settings.use_lockfile {
            return Ok(LockGuard::unlocked(info));
        }
        let key = self.lock_key();
        let location = format!("s3://{}/{key}", self.settings.bucket);
        let body = serde_json::to_vec(&info).unwrap_or_default();
        let put = self.put(&key, body).if_none_match("*");
        match self.client.run(put.send()) {
            Ok(_) => {}
            Err(e) if condition_failed(&e) => {
                let holder = get_object(&self.client, &self.settings.bucket, &key, &location)
                    .ok()
                    .flatten()
                    .and_then(|(_, b)| serde_json::from_slice::<LockInfo>(&b).ok())
                    .unwrap_or_else(LockInfo::unreadable);
                return Err(StateError::Locked {
                    stale: holder.stale(),
                    info: Box::new(holder),
                });
            }
            Err(e) => return Err(remote("lock", &location, &e)),
        }
        let (client, bucket) = (self.client.clone(), self.settings.bucket.clone());
        Ok(LockGuard::new(info, move |ours| {
            // Only remove the lock if it is still ours (force-unlock may have replaced it).
            if let Ok(Some((etag, bytes))) = get_object(&client, &bucket, &key, &location) {
                if serde_json::from_slice::<LockInfo>(&bytes).is_ok_and(|held| held.id == ours.id) {
                    let delete = client.s3.delete_object().bucket(&bucket).key(&key).if_match(etag);
                    let _ = client.run(delete.send());
                }
            }
        }))
    }

    fn force_unlock(&self, id: &str, force: bool) -> Result<(), StateError> {
        let key = self.lock_key();
        let location = format!("s3://{}/{key}", self.settings.bucket);
        let Some((etag, bytes)) = get_object(&self.client, &self.settings.bucket, &key, &location)? else {
            return Err(StateError::Unlock("the state is not locked; nothing to do".into()));
        };
        if let Ok(holder) = serde_json::from_slice::<LockInfo>(&bytes) {
            holder.refuse_unlock(id, force)?;
        }
        let delete = self
            .client
            .s3
            .delete_object()
            .bucket(&self.settings.bucket)
            .key(&key)
            .if_match(etag);
        self.client
            .run(delete.send())
            .map(|_| ())
            .map_err(|e| remote("remove the lock", &location, &e))
    }

    fn describe(&self) -> String {
        format!("s3://{}/{}", self.settings.bucket, self.key)
    }

    fn codec(&self) -> &Codec {
        &self.codec
    }
}

/// The workspaces other than `default` with a state object under the prefix.
pub(crate) fn workspaces(settings: &S3Settings) -> Result<Vec<String>, StateError> {
    let client = Client::new(settings)?;
    let prefix = format!("{}/", settings.workspace_key_prefix);
    let suffix = format!("/{}", settings.key);
    let location = format!("s3://{}/{prefix}", settings.bucket);
    let list = async {
        let mut keys = Vec::new();
        let mut pages = client
            .s3
            .list_objects_v2()
            .bucket(&settings.bucket)
            .prefix(&prefix)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            keys.extend(page?.contents().iter().filter_map(|o| o.key().map(str::to_string)));
        }
        Ok::<_, SdkError<_, _>>(keys)
    };
    let keys = client
        .run(list)
        .map_err(|e| remote("list the workspaces in", &location, &e))?;
    Ok(keys
        .iter()
        .filter_map(|k| k.strip_prefix(&prefix)?.strip_suffix(&suffix))
        .filter(|name| !name.is_empty() && !name.contains('/'))
        .map(str::to_string)
        .collect())
}

/// Deletes a workspace's state object and its backup.
pub(crate) fn delete_workspace(settings: &S3Settings, workspace: &str) -> Result<(), StateError> {
    let client = Client::new(settings)?;
    let key = settings.state_key(workspace);
    for k in [key.clone(), format!("{key}.backup")] {
        let delete = client.s3.delete_object().bucket(&settings.bucket).key(&k);
        client
            .run(delete.send())
            .map_err(|e| remote("delete", &format!("s3://{}/{k}", settings.bucket), &e))?;
    }
    Ok(())
}
