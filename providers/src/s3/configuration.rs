//! Per-bucket configuration resources: one generic resource type over a bucket's
//! configuration (CORS, encryption, policy, public access block, versioning).

use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::s3::{into_map, known_str, reconcile, sort_sets, string_type};
use crate::support::attrs::{complete_planned, finish, invalid};
use crate::support::error::is_not_found;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema};
use engine::core::value::Value;
use std::collections::BTreeMap;

/// The bucket (and expected owner) a configuration resource belongs to, and for the kinds a
/// bucket has several of (metrics, inventories, ...), which one.
pub(super) struct Target {
    pub(super) bucket: String,
    pub(super) owner: Option<String>,
    /// The configuration's name (its ID in the S3 API), for keyed kinds.
    pub(super) key: Option<String>,
}

impl Target {
    /// The resource ID and import ID: `bucket`, `bucket,expected_bucket_owner`, or for keyed
    /// kinds `bucket:name`.
    pub(super) fn id(&self) -> String {
        match (&self.key, &self.owner) {
            (Some(key), _) => format!("{}:{key}", self.bucket),
            (None, Some(owner)) => format!("{},{owner}", self.bucket),
            (None, None) => self.bucket.clone(),
        }
    }

    /// The configuration's name, for keyed kinds (empty otherwise).
    pub(super) fn name(&self) -> String {
        self.key.clone().unwrap_or_default()
    }

    fn of(value: &Value, type_name: &str, key: Option<&str>) -> Result<Target, ProviderError> {
        match known_str(value, "bucket") {
            Some(bucket) => Ok(Target {
                bucket,
                // Terraform's AWS provider records an unset owner as "".
                owner: known_str(value, "expected_bucket_owner").filter(|o| !o.is_empty()),
                key: key.and_then(|k| known_str(value, k)),
            }),
            None => match known_str(value, "id") {
                Some(id) => Target::parse(&id, key.is_some(), type_name),
                None => Err(invalid(format!("{type_name}: `bucket` is not known"))),
            },
        }
    }

    fn parse(id: &str, keyed: bool, type_name: &str) -> Result<Target, ProviderError> {
        if keyed {
            return match id.split_once(':') {
                Some((bucket, key)) if !bucket.is_empty() && !key.is_empty() => Ok(Target {
                    bucket: bucket.to_string(),
                    owner: None,
                    key: Some(key.to_string()),
                }),
                _ => Err(ProviderError::new(
                    "InvalidImportId",
                    format!("import ID {id:?} of {type_name}: write it as BUCKET:NAME"),
                )),
            };
        }
        // A bucket ACL's ID ends with its canned ACL, as Terraform's provider writes it
        // (`BUCKET,ACL`, `BUCKET,OWNER,ACL`); the ACL is an argument, not part of the target.
        let id = match (type_name, id.rsplit_once(',')) {
            ("aws_s3_bucket_acl", Some((rest, acl))) if crate::s3::acl::is_canned(acl) => rest,
            _ => id,
        };
        Ok(match id.split_once(',') {
            Some((bucket, owner)) if !owner.is_empty() => Target {
                bucket: bucket.to_string(),
                owner: Some(owner.to_string()),
                key: None,
            },
            _ => Target {
                bucket: id.trim_end_matches(',').to_string(),
                owner: None,
                key: None,
            },
        })
    }
}

/// What differs between the per-bucket configuration resources; [`Sub`] does the rest.
pub(super) trait BucketConfig: Send + Sync {
    fn type_name(&self) -> &'static str;
    /// How messages name the object (`S3 Bucket CORS Configuration`).
    fn what(&self) -> &'static str;
    /// Attributes and blocks besides `bucket`, `expected_bucket_owner` and `id`.
    fn body(&self) -> Schema;
    /// Whether the resource has `expected_bucket_owner`.
    fn has_owner(&self) -> bool {
        true
    }
    /// For kinds a bucket has several of: the argument naming one (`name`), part of the ID.
    fn key(&self) -> Option<&'static str> {
        None
    }
    fn check(&self, _config: &Value) -> Vec<ValidateProblem> {
        Vec::new()
    }
    /// Fills in defaults of optional arguments.
    fn defaults(&self, _map: &mut BTreeMap<String, Value>) {}
    /// Attributes that follow from the bucket's name and region alone (a website's endpoint),
    /// known when planning.
    fn derived(&self, _ctx: &Ctx, _bucket: &str) -> BTreeMap<String, Value> {
        BTreeMap::new()
    }
    /// Makes AWS match `planned` (create when `prior` is `None`).
    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, prior: Option<&Value>) -> Result<(), ProviderError>;
    /// The attributes AWS reports; `None` when the configuration does not exist.
    fn get(&self, ctx: &Ctx, target: &Target, prior: &Value) -> Result<Option<BTreeMap<String, Value>>, ProviderError>;
    /// Removes the configuration.
    fn remove(&self, ctx: &Ctx, target: &Target, prior: &Value) -> Result<(), ProviderError>;
}

pub(super) struct Sub<C>(pub(super) C);

impl<C: BucketConfig> Sub<C> {
    fn full_schema(&self) -> Schema {
        let mut schema = self.0.body();
        schema = schema
            .attr("id", Attribute::computed(string_type()))
            .attr("bucket", Attribute::required(string_type()).force_new());
        if let Some(key) = self.0.key() {
            schema = schema.attr(key, Attribute::required(string_type()).force_new());
        }
        if self.0.has_owner() {
            schema = schema.attr("expected_bucket_owner", Attribute::optional(string_type()).force_new());
        }
        schema
    }

    /// The ID of `target` with its attributes `map`: a bucket ACL's ends with its canned ACL,
    /// as Terraform's provider writes it (`BUCKET,ACL`).
    fn object_id(&self, target: &Target, map: &BTreeMap<String, Value>) -> Value {
        match (self.0.type_name(), map.get("acl")) {
            ("aws_s3_bucket_acl", Some(Value::String(acl))) => Value::from(format!("{},{acl}", target.id())),
            _ => Value::from(target.id()),
        }
    }

    /// The state after a successful create or update.
    fn state(&self, ctx: &Ctx, planned: &Value, target: &Target) -> Value {
        let mut map = into_map(planned.clone());
        self.0.defaults(&mut map);
        map.extend(self.0.derived(ctx, &target.bucket));
        let id = self.object_id(target, &map);
        map.insert("id".into(), id);
        let schema = self.full_schema();
        sort_sets(&schema, finish(&schema, map))
    }

    fn read_with(
        &self,
        ctx: &Ctx,
        target: &Target,
        prior: &Value,
        reconcile_prior: bool,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(attributes) = self.0.get(ctx, target, prior)? else {
            return Ok(None);
        };
        let mut map = into_map(prior.clone());
        map.extend(attributes);
        map.insert("bucket".into(), Value::from(target.bucket.as_str()));
        if self.0.has_owner() {
            map.insert("expected_bucket_owner".into(), target.owner.clone().into());
        }
        if let (Some(key), Some(name)) = (self.0.key(), &target.key) {
            map.insert(key.into(), Value::from(name.as_str()));
        }
        let id = self.object_id(target, &map);
        map.insert("id".into(), id);
        let schema = self.full_schema();
        let state = sort_sets(&schema, finish(&schema, map));
        Ok(Some(if reconcile_prior {
            reconcile(&schema, prior, state)
        } else {
            state
        }))
    }
}

impl<C: BucketConfig> ResourceType for Sub<C> {
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }

    fn schema(&self) -> Schema {
        self.full_schema()
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        self.0.check(config)
    }

    fn plan(&self, ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut map = into_map(proposed);
        self.0.defaults(&mut map);
        let bucket = map.get("bucket").and_then(Value::as_str).map(str::to_string);
        if let Some(bucket) = &bucket {
            map.extend(self.0.derived(ctx, bucket));
        }
        // The ID is known once everything it is made of is.
        let part_known = |name: &str| !map.get(name).is_some_and(Value::is_unknown);
        let known = bucket.is_some()
            && part_known("expected_bucket_owner")
            && part_known("acl")
            && self
                .0
                .key()
                .is_none_or(|k| map.get(k).and_then(Value::as_str).is_some());
        let planned = Value::Map(map.clone().into());
        let id = match Target::of(&planned, self.0.type_name(), self.0.key()) {
            Ok(target) if known => self.object_id(&target, &map),
            _ => Value::UNKNOWN,
        };
        map.insert("id".into(), id);
        let schema = self.full_schema();
        Ok((sort_sets(&schema, complete_planned(&schema, map)), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let target = match Target::of(planned, self.0.type_name(), self.0.key()) {
            Ok(target) => target,
            Err(e) => return ApplyOutcome::failed(e),
        };
        (step.intent)(&target.id());
        match self.0.put(ctx, &target, planned, None) {
            Ok(()) => ApplyOutcome::Done(self.state(ctx, planned, &target)),
            Err(e) => ApplyOutcome::failed(e),
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let target = match Target::of(prior, self.0.type_name(), self.0.key()) {
            Ok(target) => target,
            Err(e) => return ApplyOutcome::partial(prior.clone(), e),
        };
        match self.0.put(ctx, &target, planned, Some(prior)) {
            Ok(()) => ApplyOutcome::Done(self.state(ctx, planned, &target)),
            Err(e) => ApplyOutcome::partial(prior.clone(), e),
        }
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let target = Target::of(prior, self.0.type_name(), self.0.key())?;
        match self.0.remove(ctx, &target, prior) {
            Err(e) if is_not_found(&e.code) => Ok(()),
            other => other,
        }
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let target = Target::of(prior, self.0.type_name(), self.0.key())?;
        self.read_with(ctx, &target, prior, true)
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let mut target = Target::parse(id, self.0.key().is_some(), self.0.type_name())?;
        if !self.0.has_owner() && self.0.key().is_none() {
            target = Target {
                bucket: id.to_string(),
                owner: None,
                key: None,
            };
        }
        let mut map = BTreeMap::new();
        map.insert("bucket".to_string(), Value::from(target.bucket.as_str()));
        if let (Some(key), Some(name)) = (self.0.key(), &target.key) {
            map.insert(key.to_string(), Value::from(name.as_str()));
        }
        map.insert("id".to_string(), Value::from(target.id()));
        if self.0.has_owner() {
            map.insert("expected_bucket_owner".to_string(), target.owner.clone().into());
        }
        let prior = finish(&self.full_schema(), map);
        self.read_with(ctx, &target, &prior, false)
    }
}
