//! Shared test support: a private moto server (an AWS emulator) per test, a configured provider
//! pointed at it, and plan/apply helpers that drive the provider the way the engine does.
#![allow(dead_code)]

use engine::core::provider::{
    ApplyRequest, ImportRequest, Journal, PlanRequest, PlanResponse, Provider, ProviderError, ProviderFactory,
    ReadRequest, ValidateProblem, ValidateRequest,
};
use engine::core::schema::Schema;
use engine::core::value::{map, Value};
use providers::AwsFactory;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, Once};

pub use test_support::Moto;

static ENV: Once = Once::new();

/// Fake credentials for moto, set once for the whole test process.
pub fn test_env() {
    ENV.call_once(|| {
        std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
        std::env::set_var("AWS_SESSION_TOKEN", "testing");
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
        // Every test names its region in the provider block; the environment must not supply
        // one, or the missing-region test could not see the error.
        std::env::remove_var("AWS_PROFILE");
        std::env::remove_var("AWS_REGION");
        std::env::remove_var("AWS_DEFAULT_REGION");
        std::env::remove_var("AWS_ENDPOINT_URL");
        std::env::remove_var("AWS_ENDPOINT_URL_S3");
    });
}

/// Records create intents, as the engine's state journal would.
#[derive(Default)]
pub struct RecordingJournal(pub Mutex<Vec<String>>);

impl Journal for RecordingJournal {
    fn intent(&self, import_id: &str) {
        self.0.lock().expect("journal lock").push(import_id.to_string());
    }
}

/// A moto server, a provider configured against it, and a direct S3 client for checks.
pub struct Harness {
    pub moto: Moto,
    pub factory: AwsFactory,
    pub provider: Arc<dyn Provider>,
    pub journal: RecordingJournal,
    pub s3: aws_sdk_s3::Client,
    pub rt: tokio::runtime::Runtime,
    /// Builds the proposed state [`Harness::plan`] sends: [`proposed`] unless a suite plans the
    /// way the engine itself does ([`Harness::with_engine_proposals`]).
    pub proposer: fn(&Schema, Option<&Value>, &Value) -> Value,
}

/// The provider block used against moto, plus `extra` attributes.
pub fn provider_config(endpoint: &str, extra: Vec<(&str, Value)>) -> Value {
    let mut pairs: Vec<(&str, Value)> = vec![
        ("region", Value::from("us-east-1")),
        ("s3_use_path_style", Value::Bool(true)),
        (
            "endpoints",
            Value::List(
                vec![map([
                    ("s3", Value::from(endpoint)),
                    ("iam", Value::from(endpoint)),
                    ("sts", Value::from(endpoint)),
                ])]
                .into(),
            ),
        ),
    ];
    pairs.extend(extra);
    map(pairs)
}

impl Harness {
    pub fn new() -> Harness {
        Harness::with(Vec::new())
    }

    /// A harness whose provider block also has `extra` attributes (e.g. default_tags).
    pub fn with(extra: Vec<(&str, Value)>) -> Harness {
        test_env();
        let moto = Moto::start();
        let factory = AwsFactory::new();
        let provider = factory
            .configure("aws", &provider_config(&moto.endpoint, extra))
            .unwrap_or_else(|e| panic!("configure: {e}"));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("test runtime");
        let config = aws_sdk_s3::config::Builder::from(&moto.sdk_config())
            .force_path_style(true)
            .build();
        let s3 = aws_sdk_s3::Client::from_conf(config);
        Harness {
            moto,
            factory,
            provider,
            journal: RecordingJournal::default(),
            s3,
            rt,
            proposer: proposed,
        }
    }

    /// The harness with a provider that sends each of `services` (keys of the provider's
    /// `endpoints` block) to moto; the default routes only S3, IAM and STS there.
    pub fn with_endpoints(mut self, services: &[&str]) -> Harness {
        let endpoint = self.moto.endpoint.clone();
        let endpoints: Vec<(&str, Value)> = services.iter().map(|s| (*s, Value::from(endpoint.as_str()))).collect();
        let config = provider_config(&endpoint, vec![("endpoints", Value::List(vec![map(endpoints)].into()))]);
        self.provider = self
            .factory
            .configure("aws", &config)
            .unwrap_or_else(|e| panic!("configure: {e}"));
        self
    }

    /// The harness planning with the engine's own proposal (`engine::plan::diff::proposed`), which
    /// passes nested blocks through as configured.
    pub fn with_engine_proposals(mut self) -> Harness {
        self.proposer = |schema, prior, config| engine::plan::diff::proposed(schema, config, prior, &[]);
        self
    }

    /// SDK configuration for a direct client, with moto as the endpoint of every service.
    pub fn sdk_config(&self) -> aws_config::SdkConfig {
        self.moto.sdk_config()
    }

    pub fn schema(&self, type_name: &str) -> Schema {
        self.factory
            .resource_schema(type_name)
            .unwrap_or_else(|| panic!("no schema for {type_name}"))
    }

    pub fn validate(&self, type_name: &str, config: &Value) -> Vec<ValidateProblem> {
        self.factory.validate(ValidateRequest {
            data: false,
            type_name,
            config,
        })
    }

    /// Whether the schema lets the attribute at `path` (nested blocks joined by dots) take
    /// `value`; the engine reports values outside `one_of` before any provider call.
    pub fn allows(&self, type_name: &str, path: &str, value: &str) -> bool {
        let mut schema = self.schema(type_name);
        let mut parts: Vec<&str> = path.split('.').collect();
        let attr = parts.pop().expect("a path");
        for block in parts {
            schema = schema.blocks[block].schema.clone();
        }
        let attribute = &schema.attributes[attr];
        attribute.one_of.is_none_or(|allowed| allowed.contains(&value))
    }

    pub fn plan(&self, type_name: &str, prior: Option<&Value>, config: &Value) -> Result<PlanResponse, ProviderError> {
        let proposed = (self.proposer)(&self.schema(type_name), prior, config);
        self.provider.plan(PlanRequest {
            type_name,
            prior,
            proposed: &proposed,
            config,
        })
    }

    /// Plans and applies a create; panics on error.
    pub fn create(&self, type_name: &str, config: Value) -> Value {
        let problems = self.validate(type_name, &config);
        assert!(problems.is_empty(), "validate {type_name}: {problems:?}");
        let planned = self
            .plan(type_name, None, &config)
            .unwrap_or_else(|e| panic!("plan {type_name}: {e}"))
            .planned;
        let response = self.provider.apply(ApplyRequest {
            type_name,
            prior: None,
            planned: Some(&planned),
            journal: &self.journal,
            progress: &|_| {},
            private: None,
        });
        if let Some(e) = response.error {
            panic!("create {type_name}: {e}");
        }
        let state = response.new_state.expect("create returned no state");
        assert_complete(&self.schema(type_name), &state);
        state
    }

    /// Plans and applies an update from `prior` to `config`; panics on error.
    pub fn update(&self, type_name: &str, prior: &Value, config: Value) -> Value {
        let planned = self
            .plan(type_name, Some(prior), &config)
            .unwrap_or_else(|e| panic!("plan {type_name}: {e}"))
            .planned;
        let response = self.provider.apply(ApplyRequest {
            type_name,
            prior: Some(prior),
            planned: Some(&planned),
            journal: &self.journal,
            progress: &|_| {},
            private: None,
        });
        if let Some(e) = response.error {
            panic!("update {type_name}: {e}");
        }
        let state = response.new_state.expect("update returned no state");
        assert_complete(&self.schema(type_name), &state);
        state
    }

    /// Applies a delete; returns the error, if any, and the state left.
    pub fn try_destroy(&self, type_name: &str, prior: &Value) -> (Option<Value>, Option<ProviderError>) {
        let response = self.provider.apply(ApplyRequest {
            type_name,
            prior: Some(prior),
            planned: None,
            journal: &self.journal,
            progress: &|_| {},
            private: None,
        });
        (response.new_state, response.error)
    }

    pub fn destroy(&self, type_name: &str, prior: &Value) {
        let (state, error) = self.try_destroy(type_name, prior);
        if let Some(e) = error {
            panic!("destroy {type_name}: {e}");
        }
        assert!(state.is_none(), "destroy left state {state:?}");
    }

    pub fn read(&self, type_name: &str, prior: &Value) -> Option<Value> {
        self.provider
            .read(ReadRequest { type_name, prior })
            .unwrap_or_else(|e| panic!("read {type_name}: {e}"))
    }

    pub fn import(&self, type_name: &str, id: &str) -> Option<Value> {
        self.provider
            .import(ImportRequest { type_name, id })
            .unwrap_or_else(|e| panic!("import {type_name} {id}: {e}"))
    }

    pub fn intents(&self) -> Vec<String> {
        self.journal.0.lock().expect("journal lock").clone()
    }

    /// Creates a bucket through the provider.
    pub fn bucket(&self, name: &str) -> Value {
        self.create("aws_s3_bucket", map([("bucket", Value::from(name))]))
    }
}

/// What the engine proposes: configured values, else (for computed attributes) the prior value
/// on update or Unknown on create, else null. Nested blocks are as configured.
pub fn proposed(schema: &Schema, prior: Option<&Value>, config: &Value) -> Value {
    let mut out = BTreeMap::new();
    for (name, attribute) in &schema.attributes {
        let configured = config.get(name);
        let value = if !configured.is_null() {
            configured
        } else if attribute.computed {
            match prior {
                Some(prior) => prior.get(name),
                None => Value::UNKNOWN,
            }
        } else {
            Value::Null
        };
        out.insert(name.clone(), value);
    }
    for (name, block) in &schema.blocks {
        let items = config.get(name).as_list().map(<[Value]>::to_vec).unwrap_or_default();
        let items = items.iter().map(|item| proposed(&block.schema, None, item)).collect();
        out.insert(name.clone(), Value::List(items));
    }
    Value::Map(out.into())
}

/// Every attribute of the schema is present in the state, and nothing is unknown.
pub fn assert_complete(schema: &Schema, state: &Value) {
    assert!(!state.contains_unknown(), "state has unknown values: {state}");
    let map = state
        .as_map()
        .unwrap_or_else(|| panic!("state is not an object: {state}"));
    for name in schema.attributes.keys() {
        assert!(map.contains_key(name), "state lacks attribute {name}: {state}");
    }
    assert!(map.contains_key("id"), "state lacks id: {state}");
    for (name, block) in &schema.blocks {
        if block.object_in_state {
            // Terraform's `timeouts` block: the engine records it as an object or null; a
            // provider may hand it back as a list of at most one.
            let v = map
                .get(name)
                .unwrap_or_else(|| panic!("state lacks block {name}: {state}"));
            let ok = v.is_null() || v.as_map().is_some() || v.as_list().is_some_and(|l| l.len() <= 1);
            assert!(ok, "block {name} is neither null, an object nor a list of one: {state}");
            continue;
        }
        let items = map
            .get(name)
            .and_then(Value::as_list)
            .unwrap_or_else(|| panic!("state lacks block list {name}: {state}"));
        for item in items {
            assert_complete_block(&block.schema, item);
        }
    }
}

fn assert_complete_block(schema: &Schema, item: &Value) {
    let map = item
        .as_map()
        .unwrap_or_else(|| panic!("block is not an object: {item}"));
    for name in schema.attributes.keys() {
        assert!(map.contains_key(name), "block lacks attribute {name}: {item}");
    }
    for (name, block) in &schema.blocks {
        let items = map
            .get(name)
            .and_then(Value::as_list)
            .unwrap_or_else(|| panic!("block lacks block list {name}: {item}"));
        for inner in items {
            assert_complete_block(&block.schema, inner);
        }
    }
}

/// A list of strings.
pub fn strings(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| Value::from(*s)).collect())
}

/// A single nested block.
pub fn block(pairs: Vec<(&str, Value)>) -> Value {
    Value::List(vec![map(pairs)].into())
}

/// A unique bucket name for a test.
pub fn name(test: &str) -> String {
    format!("infinstor-{test}")
}

/// A tags map.
pub fn tags(pairs: &[(&str, &str)]) -> Value {
    map(pairs.iter().map(|(k, v)| (*k, Value::from(*v))))
}

/// True when two policy documents mean the same, compared the way the engine compares the
/// provider's policy attributes.
pub fn same_policy(a: &str, b: &str) -> bool {
    let schema = AwsFactory::new()
        .resource_schema("aws_iam_policy")
        .expect("aws_iam_policy schema");
    engine::core::document::equivalent(schema.attributes.get("policy"), a, b)
}
