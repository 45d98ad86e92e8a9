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
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

const INSTALL_HELP: &str = "The S3 integration tests need moto's server (an AWS emulator). Run the suite with \
`bash scripts/test.sh`, which installs it into .venv/, or install it with `pip install 'moto[server]==5.2.5'` \
so that `moto_server` is on PATH, or point INFINSTOR_MOTO_SERVER at a moto_server executable.";

/// INFINSTOR_MOTO_SERVER, else the workspace's .venv (where scripts/test.sh installs moto),
/// else `moto_server` on PATH.
fn moto_program() -> String {
    if let Ok(program) = std::env::var("INFINSTOR_MOTO_SERVER") {
        if !program.is_empty() {
            return program;
        }
    }
    let local = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/moto_server");
    if local.exists() {
        return local.to_string_lossy().into_owned();
    }
    "moto_server".to_string()
}

/// A moto server on a free local port, killed when dropped.
pub struct Moto {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// moto's request log (one line per request), for counting API calls.
    pub log_path: std::path::PathBuf,
}

impl Moto {
    /// Starts moto and waits until it answers; panics (never skips) when it cannot.
    pub fn start() -> Moto {
        let program = moto_program();
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("no free local port for moto");
        // moto logs every request to stderr: a file, unlike a pipe nobody drains, never fills up.
        let log_path = std::env::temp_dir().join(format!("infinstor-moto-{port}.log"));
        let log = std::fs::File::create(&log_path).expect("moto log file");
        let child = Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {program:?}: {e}\n{INSTALL_HELP}"));
        let mut moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            log_path,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = moto.child.try_wait() {
                let stderr = std::fs::read_to_string(&moto.log_path).unwrap_or_default();
                panic!("{program:?} exited at start ({status}):\n{stderr}\n{INSTALL_HELP}");
            }
            if answers(port) {
                return moto;
            }
            if Instant::now() > deadline {
                panic!("{program:?} did not answer on port {port} within 60 s\n{INSTALL_HELP}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// True when `GET /moto-api/` gets an HTTP answer.
fn answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = format!("GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    matches!(stream.read(&mut head), Ok(n) if n >= 12 && head.starts_with(b"HTTP/"))
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log_path);
    }
}

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

/// The SDK configuration direct clients use against moto: its region and fake credentials.
fn sdk_config(rt: &tokio::runtime::Runtime) -> aws_config::SdkConfig {
    rt.block_on(
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(aws_credential_types::Credentials::new(
                "testing", "testing", None, None, "test",
            ))
            .load(),
    )
}

/// The provider block used against moto, plus `extra` attributes.
pub fn provider_config(endpoint: &str, extra: Vec<(&str, Value)>) -> Value {
    let mut pairs: Vec<(&str, Value)> = vec![
        ("region", Value::from("us-east-1")),
        ("s3_use_path_style", Value::Bool(true)),
        (
            "endpoints",
            Value::List(vec![map([
                ("s3", Value::from(endpoint)),
                ("iam", Value::from(endpoint)),
                ("sts", Value::from(endpoint)),
            ])]),
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
            .configure(&provider_config(&moto.endpoint, extra))
            .unwrap_or_else(|e| panic!("configure: {e}"));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("test runtime");
        let config = aws_sdk_s3::config::Builder::from(&sdk_config(&rt))
            .endpoint_url(moto.endpoint.clone())
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
        let config = provider_config(&endpoint, vec![("endpoints", Value::List(vec![map(endpoints)]))]);
        self.provider = self
            .factory
            .configure(&config)
            .unwrap_or_else(|e| panic!("configure: {e}"));
        self
    }

    /// The harness planning with the engine's own proposal (`engine::plan::diff::proposed`), which
    /// passes nested blocks through as configured.
    pub fn with_engine_proposals(mut self) -> Harness {
        self.proposer = |schema, prior, config| engine::plan::diff::proposed(schema, config, prior, &[]);
        self
    }

    /// SDK configuration for a direct client; the client sets moto as its endpoint.
    pub fn sdk_config(&self) -> aws_config::SdkConfig {
        sdk_config(&self.rt)
    }

    /// SDK configuration with moto as the endpoint of every service.
    pub fn moto_sdk_config(&self) -> aws_config::SdkConfig {
        self.rt.block_on(
            aws_config::defaults(aws_config::BehaviorVersion::latest())
                .region(aws_config::Region::new("us-east-1"))
                .credentials_provider(aws_credential_types::Credentials::new(
                    "testing", "testing", None, None, "test",
                ))
                .endpoint_url(&self.moto.endpoint)
                .load(),
        )
    }

    pub fn schema(&self, type_name: &str) -> Schema {
        self.factory
            .resource_schema(type_name)
            .unwrap_or_else(|| panic!("no schema for {type_name}"))
    }

    pub fn validate(&self, type_name: &str, config: &Value) -> Vec<ValidateProblem> {
        self.provider.validate(ValidateRequest { type_name, config })
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
                None => Value::Unknown,
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
    Value::Map(out)
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
    Value::List(vec![map(pairs)])
}

/// A unique bucket name for a test.
pub fn name(test: &str) -> String {
    format!("infinstor-{test}")
}

/// A tags map.
pub fn tags(pairs: &[(&str, &str)]) -> Value {
    map(pairs.iter().map(|(k, v)| (*k, Value::from(*v))))
}
