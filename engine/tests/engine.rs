//! Engine behaviour with a test double of the provider trait (no AWS): planning, unknown and
//! sensitive propagation, partial failure, stale plans, lock contention, the create journal,
//! lifecycle rules, modules, count and for_each.

use engine::core::plan::Action;
use engine::core::provider::*;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use engine::plan::session::Ui;
use engine::{Engine, EngineError, Options};
use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

/// Objects "in the cloud", and a log of calls, shared by every configured provider.
#[derive(Default)]
struct Cloud {
    objects: Mutex<BTreeMap<String, Value>>,
    log: Mutex<Vec<String>>,
    /// Names whose create fails.
    fail: Mutex<Vec<String>>,
    /// Names whose create succeeds in the cloud but whose response is lost.
    lose_response: Mutex<Vec<String>>,
}

struct Factory(Arc<Cloud>);
struct Fake(Arc<Cloud>);

fn thing_schema() -> Schema {
    Schema::new()
        .attr("name", Attribute::required(Type::String).force_new())
        .attr("value", Attribute::optional(Type::String))
        .attr("secret", Attribute::optional(Type::String).sensitive())
        .attr("tags", Attribute::optional(Type::Map(Box::new(Type::String))))
        .attr("id", Attribute::computed(Type::String))
        .attr("arn", Attribute::computed(Type::String))
}

impl ProviderFactory for Factory {
    fn resource_schema(&self, t: &str) -> Option<Schema> {
        match t {
            "test_thing" => Some(thing_schema()),
            "test_record" => Some(
                Schema::new()
                    .attr("zone", Attribute::required(Type::String).force_new())
                    .attr("name", Attribute::required(Type::String).force_new())
                    .attr("value", Attribute::optional(Type::String))
                    .attr("id", Attribute::computed(Type::String)),
            ),
            _ => None,
        }
    }
    fn batched(&self, t: &str) -> bool {
        t == "test_record"
    }
    fn data_schema(&self, t: &str) -> Option<Schema> {
        (t == "test_echo").then(|| {
            Schema::new()
                .attr("input", Attribute::required(Type::String))
                .attr("output", Attribute::computed(Type::String))
        })
    }
    fn resource_types(&self) -> Vec<String> {
        vec!["test_thing".into(), "test_record".into()]
    }
    fn data_types(&self) -> Vec<String> {
        vec!["test_echo".into()]
    }
    fn config_schema(&self, provider: &str) -> Option<Schema> {
        (provider == "test").then(|| Schema::new().attr("region", Attribute::optional(Type::String)))
    }
    fn configure(&self, _: &str, _: &Value) -> Result<Arc<dyn Provider>, ProviderError> {
        Ok(Arc::new(Fake(self.0.clone())))
    }
}

fn with(v: &Value, k: &str, x: Value) -> Value {
    let mut m = v.as_map().cloned().unwrap_or_default();
    m.insert(k.to_string(), x);
    Value::Map(m.into())
}

impl Provider for Fake {
    fn plan(&self, req: PlanRequest<'_>) -> Result<PlanResponse, ProviderError> {
        let mut planned = req.proposed.clone();
        if let Some(name) = planned.get("name").as_str() {
            planned = with(&planned, "id", Value::from(name));
        }
        Ok(PlanResponse::planned(planned))
    }
    fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        let Some(planned) = req.planned else {
            let name = req
                .prior
                .map(|p| p.get("name"))
                .and_then(|n| n.as_str().map(str::to_string))
                .unwrap_or_default();
            self.0.log.lock().expect("log").push(format!("delete {name}"));
            self.0.objects.lock().expect("objects").remove(&name);
            return ApplyResponse {
                new_state: None,
                error: None,
            };
        };
        let name = planned.get("name").as_str().unwrap_or_default().to_string();
        if req.prior.is_none() {
            self.0.log.lock().expect("log").push(format!("create {name}"));
            if self.0.fail.lock().expect("fail").contains(&name) {
                return ApplyResponse {
                    new_state: None,
                    error: Some(ProviderError::new("Boom", format!("cannot create {name}"))),
                };
            }
            req.journal.intent(&name);
        } else {
            self.0.log.lock().expect("log").push(format!("update {name}"));
        }
        let state = with(
            &with(&planned.deep_unmark(), "id", Value::from(name.as_str())),
            "arn",
            Value::from(format!("arn:test:{name}")),
        );
        self.0
            .objects
            .lock()
            .expect("objects")
            .insert(name.clone(), state.clone());
        if self.0.lose_response.lock().expect("lose").contains(&name) {
            return ApplyResponse {
                new_state: None,
                error: Some(ProviderError::new("RequestTimeout", "the connection dropped")),
            };
        }
        ApplyResponse {
            new_state: Some(state),
            error: None,
        }
    }
    fn read(&self, req: ReadRequest<'_>) -> Result<Option<Value>, ProviderError> {
        let name = req.prior.get("name").as_str().unwrap_or_default().to_string();
        Ok(self.0.objects.lock().expect("objects").get(&name).cloned())
    }
    fn read_data(&self, req: ReadDataRequest<'_>) -> Result<Value, ProviderError> {
        Ok(with(
            req.config,
            "output",
            Value::from(format!("echo:{}", req.config.get("input").as_str().unwrap_or_default())),
        ))
    }
    fn import(&self, req: ImportRequest<'_>) -> Result<Option<Value>, ProviderError> {
        Ok(self.0.objects.lock().expect("objects").get(req.id).cloned())
    }
    fn batch_key(&self, type_name: &str, value: &Value) -> Option<String> {
        (type_name == "test_record")
            .then(|| value.get("zone").as_str().map(|z| format!("zone:{z}")))
            .flatten()
    }
    fn apply_batch(&self, reqs: Vec<ApplyRequest<'_>>) -> Vec<ApplyResponse> {
        self.0.log.lock().expect("log").push(format!("batch {}", reqs.len()));
        reqs.into_iter()
            .map(|r| {
                let bad = r
                    .planned
                    .map(|p| p.get("value") == Value::from("invalid"))
                    .unwrap_or(false);
                if bad {
                    let name = r.planned.map(|p| p.get("name")).unwrap_or_default();
                    return ApplyResponse {
                        new_state: None,
                        error: Some(ProviderError::new(
                            "InvalidChangeBatch",
                            format!("record {name} has an invalid value"),
                        )),
                    };
                }
                let v = r.planned.map(|p| with(p, "id", p.get("name")));
                let name = r
                    .planned
                    .or(r.prior)
                    .map(|p| p.get("name").as_str().unwrap_or_default().to_string())
                    .unwrap_or_default();
                match &v {
                    Some(v) => {
                        self.0.objects.lock().expect("objects").insert(name, v.clone());
                    }
                    None => {
                        self.0.objects.lock().expect("objects").remove(&name);
                    }
                }
                ApplyResponse {
                    new_state: v,
                    error: None,
                }
            })
            .collect()
    }
    fn read_batch(&self, type_name: &str, priors: &[&Value]) -> Vec<Result<Option<Value>, ProviderError>> {
        self.0
            .log
            .lock()
            .expect("log")
            .push(format!("read_batch {type_name} {}", priors.len()));
        priors
            .iter()
            .map(|p| self.read(ReadRequest { type_name, prior: p }))
            .collect()
    }
}

struct Quiet;
impl Ui for Quiet {
    fn progress(&self, _: &str) {}
}

struct Setup {
    dir: tempfile::TempDir,
    cloud: Arc<Cloud>,
    factory: Factory,
    stop: AtomicBool,
}

impl Setup {
    fn new(files: &[(&str, &str)]) -> Setup {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, text) in files {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        }
        let cloud = Arc::new(Cloud::default());
        Setup {
            dir,
            factory: Factory(cloud.clone()),
            cloud,
            stop: AtomicBool::new(false),
        }
    }
    fn engine(&self) -> Engine<'_> {
        Engine {
            factory: &self.factory,
            ui: &Quiet,
            stop: &self.stop,
        }
    }
    fn opts(&self) -> Options {
        Options {
            dir: self.dir.path().to_path_buf(),
            state_path: Some(self.dir.path().join("state.json")),
            ..Options::default()
        }
    }
    fn apply(&self, opts: &Options) -> Result<(), EngineError> {
        self.engine().plan_and_apply(opts, None, &|_| true).map(|_| ())
    }
    fn actions(&self, opts: &Options) -> BTreeMap<String, Action> {
        let plan = self.engine().plan(opts, None).expect("plan").plan;
        plan.changes.iter().map(|c| (c.addr.to_string(), c.action)).collect()
    }
    fn log(&self) -> Vec<String> {
        self.cloud.log.lock().expect("log").clone()
    }
}

const CHAIN: &str = r#"
resource "test_thing" "a" {
  name = "a"
}
resource "test_thing" "b" {
  name  = "b"
  value = test_thing.a.arn
}
resource "test_thing" "c" {
  name = "c"
}
"#;

#[test]
fn plan_apply_then_nothing_to_do() {
    let s = Setup::new(&[("main.tf", CHAIN)]);
    let o = s.opts();
    let plan = s.engine().plan(&o, None).expect("plan").plan;
    assert_eq!(plan.counts(), (3, 0, 0));
    let b = plan
        .changes
        .iter()
        .find(|c| c.addr.to_string() == "test_thing.b")
        .expect("b");
    assert_eq!(
        b.after.as_ref().map(|v| v.get("value")),
        Some(Value::UNKNOWN),
        "b.value is known only after a is created"
    );
    let text = engine::review::text::text(&plan, &s.factory, false);
    assert!(text.contains("+ value = (known after apply)"), "{text}");
    s.apply(&o).expect("apply");
    let log = s.log();
    let pos = |x: &str| log.iter().position(|l| l == x).expect(x);
    assert!(pos("create a") < pos("create b"), "dependency order: {log:?}");
    assert!(s.actions(&o).values().all(|a| *a == Action::NoOp));
    let objects = s.cloud.objects.lock().expect("objects").clone();
    assert_eq!(objects["b"].get("value"), Value::from("arn:test:a"));
}

#[test]
fn a_failure_skips_dependents_and_independent_work_goes_on() {
    let s = Setup::new(&[("main.tf", CHAIN)]);
    s.cloud.fail.lock().expect("fail").push("a".into());
    let o = s.opts();
    let err = s.apply(&o).expect_err("a fails");
    assert!(err.to_string().contains("cannot create a"), "{err}");
    let log = s.log();
    assert!(log.contains(&"create c".to_string()), "{log:?}");
    assert!(!log.contains(&"create b".to_string()), "b depends on a: {log:?}");
    let list = s.engine().state_list(&o).expect("list");
    assert_eq!(list, vec!["test_thing.c".to_string()]);
}

#[test]
fn a_saved_plan_is_stale_after_another_apply_or_a_config_change() {
    let s = Setup::new(&[("main.tf", CHAIN)]);
    let o = s.opts();
    let saved = s.engine().plan(&o, None).expect("plan").plan;
    s.apply(&o).expect("apply");
    let err = s.engine().apply_saved(&o, &saved).expect_err("stale");
    assert!(matches!(err, EngineError::StalePlan(_)), "{err}");

    let fresh = s.engine().plan(&o, None).expect("plan").plan;
    std::fs::write(
        s.dir.path().join("main.tf"),
        CHAIN.replace("name = \"c\"", "name = \"c2\""),
    )
    .expect("edit");
    let err = s.engine().apply_saved(&o, &fresh).expect_err("stale config");
    assert!(err.to_string().contains("configuration files changed"), "{err}");
}

#[test]
fn the_lock_refuses_a_second_writer() {
    let s = Setup::new(&[("main.tf", CHAIN)]);
    let o = s.opts();
    let backend = state::LocalBackend::new(o.state_path.clone().expect("state path"));
    let _held = state::Backend::lock(&backend, "apply").expect("first lock");
    let err = s.engine().plan(&o, None).expect_err("locked");
    assert!(
        matches!(err, EngineError::State(state::StateError::Locked { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("force-unlock"), "{err}");
}

#[test]
fn a_lost_create_response_is_adopted_on_the_next_run() {
    let s = Setup::new(&[("main.tf", r#"resource "test_thing" "a" { name = "a" }"#)]);
    s.cloud.lose_response.lock().expect("lose").push("a".into());
    let o = s.opts();
    s.apply(&o).expect_err("response lost");
    let raw = std::fs::read_to_string(o.state_path.as_ref().expect("state path")).expect("state");
    assert!(
        raw.contains("\"import_id\": \"a\""),
        "intent recorded before the call: {raw}"
    );
    s.cloud.lose_response.lock().expect("lose").clear();
    let plan = s.engine().plan(&o, None).expect("plan").plan;
    assert_eq!(plan.counts(), (0, 0, 0), "adopted, not created again");
    assert_eq!(plan.drift.len(), 1);
    s.apply(&o).expect("apply");
    assert_eq!(s.log().iter().filter(|l| *l == "create a").count(), 1, "{:?}", s.log());
    let raw = std::fs::read_to_string(o.state_path.as_ref().expect("state path")).expect("state");
    assert!(!raw.contains("intents"), "{raw}");
    assert_eq!(
        s.engine().state_list(&o).expect("list"),
        vec!["test_thing.a".to_string()]
    );
}

#[test]
fn force_new_replaces_and_create_before_destroy_orders_it() {
    let s = Setup::new(&[(
        "main.tf",
        r#"resource "test_thing" "a" {
  name = "one"
  lifecycle {
    create_before_destroy = true
  }
}"#,
    )]);
    let o = s.opts();
    s.apply(&o).expect("apply");
    std::fs::write(
        s.dir.path().join("main.tf"),
        "resource \"test_thing\" \"a\" {\n  name = \"two\"\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n",
    )
    .expect("edit");
    let plan = s.engine().plan(&o, None).expect("plan").plan;
    let c = &plan.changes[0];
    assert_eq!(
        c.action,
        Action::Replace {
            create_before_destroy: true
        }
    );
    assert_eq!(c.requires_replace, vec!["name".to_string()]);
    s.apply(&o).expect("apply");
    let log = s.log();
    assert_eq!(
        &log[1..],
        &["create two".to_string(), "delete one".to_string()],
        "{log:?}"
    );
}

#[test]
fn replace_flag_and_prevent_destroy() {
    let s = Setup::new(&[(
        "main.tf",
        r#"resource "test_thing" "a" {
  name = "keep"
  lifecycle {
    prevent_destroy = true
  }
}"#,
    )]);
    let o = s.opts();
    s.apply(&o).expect("apply");
    let mut r = s.opts();
    r.replace = vec!["test_thing.a".into()];
    let err = s.engine().plan(&r, None).expect_err("prevent_destroy");
    assert!(err.to_string().contains("prevent_destroy"), "{err}");
    let mut d = s.opts();
    d.destroy = true;
    assert!(s.engine().plan(&d, None).is_err());
}

#[test]
fn removed_configuration_is_deleted_in_reverse_dependency_order() {
    let s = Setup::new(&[("main.tf", CHAIN)]);
    let o = s.opts();
    s.apply(&o).expect("apply");
    std::fs::write(s.dir.path().join("main.tf"), "").expect("empty");
    let actions = s.actions(&o);
    assert!(actions.values().all(|a| *a == Action::Delete), "{actions:?}");
    s.apply(&o).expect("apply");
    let log = s.log();
    let pos = |x: &str| log.iter().position(|l| l == x).expect(x);
    assert!(pos("delete b") < pos("delete a"), "b depended on a: {log:?}");
}

#[test]
fn count_for_each_modules_and_data_sources() {
    let s = Setup::new(&[
        (
            "main.tf",
            r#"
variable "names" {
  type    = set(string)
  default = ["x", "y"]
}
resource "test_thing" "each" {
  for_each = var.names
  name     = "each-${each.key}"
}
resource "test_thing" "counted" {
  count = 2
  name  = "counted-${count.index}"
}
data "test_echo" "e" {
  input = join(",", [for k, v in test_thing.each : v.name])
}
module "child" {
  source = "./child"
  prefix = data.test_echo.e.output
}
output "child_name" {
  value = module.child.name
}
"#,
        ),
        (
            "child/main.tf",
            r#"
variable "prefix" {
  type = string
}
resource "test_thing" "inner" {
  name = "inner-${var.prefix}"
}
output "name" {
  value = test_thing.inner.name
}
"#,
        ),
    ]);
    let o = s.opts();
    let plan = s.engine().plan(&o, None).expect("plan").plan;
    let addrs: Vec<String> = plan
        .changes
        .iter()
        .map(|c| format!("{} {:?}", c.addr, c.action))
        .collect();
    assert_eq!(
        addrs,
        vec![
            "test_thing.counted[0] Create",
            "test_thing.counted[1] Create",
            "test_thing.each[\"x\"] Create",
            "test_thing.each[\"y\"] Create",
            "data.test_echo.e NoOp",
            "module.child.test_thing.inner Create",
        ]
    );
    assert_eq!(
        plan.outputs["child_name"].after,
        Value::from("inner-echo:each-x,each-y")
    );
    s.apply(&o).expect("apply");
    let outputs = s.engine().outputs(&o).expect("outputs");
    assert_eq!(
        outputs,
        vec![("child_name".to_string(), Value::from("inner-echo:each-x,each-y"))]
    );
}

#[test]
fn sensitive_values_stay_hidden_in_plan_text() {
    let s = Setup::new(&[(
        "main.tf",
        r#"
variable "token" {
  type      = string
  sensitive = true
  default   = "s3cr3t-token"
}
resource "test_thing" "a" {
  name   = "a"
  secret = "plain-but-schema-sensitive"
  tags   = { token = var.token }
}
"#,
    )]);
    let plan = s.engine().plan(&s.opts(), None).expect("plan").plan;
    let text = engine::review::text::text(&plan, &s.factory, false);
    assert!(!text.contains("s3cr3t"), "{text}");
    assert!(!text.contains("plain-but-schema-sensitive"), "{text}");
    assert_eq!(text.matches("(sensitive value)").count(), 2, "{text}");
    let a = &plan.changes[0];
    assert!(a
        .after
        .as_ref()
        .map(|v| v.get("tags").contains_sensitive())
        .unwrap_or(false));
}

#[test]
fn unknown_count_is_a_clear_error() {
    let s = Setup::new(&[(
        "main.tf",
        r#"
resource "test_thing" "a" {
  name = "a"
}
resource "test_thing" "b" {
  count = length(test_thing.a.arn)
  name  = "b"
}
"#,
    )]);
    let err = s.engine().plan(&s.opts(), None).expect_err("unknown count");
    let text = err.to_string();
    assert!(text.contains("Invalid count argument"), "{text}");
    assert!(
        text.contains("on main.tf line 6") || text.contains("main.tf line 6"),
        "{text}"
    );
}

const RECORDS: &str = r#"
resource "test_record" "api" {
  zone = "z1"
  name = "api"
}
resource "test_record" "mlflow" {
  zone = "z1"
  name = "mlflow"
}
resource "test_record" "many" {
  for_each = toset(["a", "b", "c", "d", "e", "f", "g", "h"])
  zone     = "z1"
  name     = "many-${each.key}"
}
"#;

#[test]
fn records_of_one_zone_ready_together_go_in_one_batch_and_refresh_in_one_read() {
    let s = Setup::new(&[("main.tf", RECORDS)]);
    let o = s.opts();
    s.apply(&o).expect("apply");
    let log = s.log();
    assert_eq!(
        log,
        vec!["batch 10".to_string()],
        "ten records, one provider call: {log:?}"
    );
    assert!(s.actions(&o).values().all(|a| *a == Action::NoOp));
    let log = s.log();
    assert_eq!(
        log[1], "read_batch test_record 10",
        "one read for all records of the refresh: {log:?}"
    );
    std::fs::write(s.dir.path().join("main.tf"), "").expect("empty");
    s.apply(&o).expect("destroy by removal");
    assert!(
        s.log().iter().any(|l| l == "batch 10"),
        "deletes batched too: {:?}",
        s.log()
    );
    assert!(s.cloud.objects.lock().expect("objects").is_empty());
}

#[test]
fn one_invalid_record_fails_alone_and_is_named() {
    let s = Setup::new(&[(
        "main.tf",
        &RECORDS.replace("name = \"mlflow\"", "name = \"mlflow\"\n  value = \"invalid\""),
    )]);
    let o = s.opts();
    let err = s.apply(&o).expect_err("one record is invalid");
    let text = err.to_string();
    assert!(text.contains("test_record.mlflow"), "{text}");
    assert!(text.contains("record \"mlflow\" has an invalid value"), "{text}");
    let list = s.engine().state_list(&o).expect("list");
    assert_eq!(list.len(), 9, "its batch-mates were created: {list:?}");
    assert!(!list.contains(&"test_record.mlflow".to_string()));
}

#[test]
fn interrupt_starts_nothing_new_and_keeps_what_finished() {
    let s = Setup::new(&[("main.tf", CHAIN)]);
    let o = s.opts();
    // Ctrl-C arrives while `a` is being created: b (which needs a) must not start.
    s.cloud.fail.lock().expect("fail").clear();
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    struct StopAfterA(std::sync::Arc<AtomicBool>);
    impl Ui for StopAfterA {
        fn progress(&self, line: &str) {
            if line.starts_with("test_thing.a: Creation complete")
                || line.starts_with("test_thing.c: Creation complete")
            {
                self.0.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }
    }
    let ui = StopAfterA(stop.clone());
    let engine = Engine {
        factory: &s.factory,
        ui: &ui,
        stop: &stop,
    };
    let mut one = o.clone();
    one.parallelism = 1;
    let err = engine.plan_and_apply(&one, None, &|_| true).expect_err("interrupted");
    assert!(err.to_string().contains("interrupted"), "{err}");
    let list = s.engine().state_list(&o).expect("list");
    assert!(!list.contains(&"test_thing.b".to_string()), "{list:?}");
    assert!(!list.is_empty(), "what finished is in state: {list:?}");
}
