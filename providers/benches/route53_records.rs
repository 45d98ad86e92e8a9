//! 1,000 Route 53 records in one hosted zone, against a private moto server: create (one
//! `apply_batch`), a refresh that changes nothing (one `read_batch`) and delete (one
//! `apply_batch`). Prints the API calls of each phase, by operation, and its wall time.
//!
//! Run with `cargo bench -p providers --bench route53_records`; moto's server comes from
//! INFINSTOR_MOTO_SERVER, the workspace's .venv, or `moto_server` on PATH.

use engine::core::provider::{ApplyRequest, Journal, PlanRequest, Provider, ProviderFactory};
use engine::core::value::{map, Value};
use providers::resource::CallCounter;
use providers::AwsFactory;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use test_support::Moto;

const RECORDS: usize = 1_000;
const RECORD: &str = "aws_route53_record";

#[derive(Default)]
struct Intents(Mutex<Vec<String>>);

impl Journal for Intents {
    fn intent(&self, import_id: &str) {
        if let Ok(mut v) = self.0.lock() {
            v.push(import_id.to_string());
        }
    }
}

fn no_progress(_: &str) {}

fn request<'a>(
    type_name: &'a str,
    prior: Option<&'a Value>,
    planned: Option<&'a Value>,
    journal: &'a dyn Journal,
) -> ApplyRequest<'a> {
    ApplyRequest {
        type_name,
        prior,
        planned,
        journal,
        progress: &no_progress,
        private: None,
    }
}

fn plan(factory: &AwsFactory, provider: &dyn Provider, type_name: &str, config: &Value) -> Value {
    let schema = factory.resource_schema(type_name).expect("schema");
    let proposed = engine::plan::diff::proposed(&schema, config, None, &[]);
    provider
        .plan(PlanRequest {
            type_name,
            prior: None,
            proposed: &proposed,
            config,
        })
        .unwrap_or_else(|e| panic!("plan {type_name}: {e}"))
        .planned
}

/// Calls made since `before`, by operation.
fn delta(before: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    CallCounter::global()
        .snapshot()
        .into_iter()
        .filter_map(|(op, n)| {
            let d = n - before.get(&op).copied().unwrap_or(0);
            (d > 0).then_some((op, d))
        })
        .collect()
}

fn report(phase: &str, elapsed: Duration, calls: &BTreeMap<String, u64>, terraform: &str) {
    let total: u64 = calls.values().sum();
    println!(
        "{phase:<32} {:>9.3} s  {total:>5} API calls  ({:.4} calls/record)",
        elapsed.as_secs_f64(),
        total as f64 / RECORDS as f64
    );
    for (op, n) in calls {
        println!("    {op:<44} {n:>5}");
    }
    println!("    Terraform AWS provider, same work: {terraform}");
}

fn main() {
    std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    let moto = Moto::start();
    let url = || Value::from(moto.endpoint.as_str());
    let factory = AwsFactory::new();
    let provider = factory
        .configure(
            "aws",
            &map([
                ("region", Value::from("us-east-1")),
                ("endpoints", Value::List(vec![map([("route53", url())])].into())),
            ]),
        )
        .unwrap_or_else(|e| panic!("configure: {e}"));
    let journal = Intents::default();
    let apply = |type_name, prior, planned| request(type_name, prior, planned, &journal);

    let zone_planned = plan(
        &factory,
        provider.as_ref(),
        "aws_route53_zone",
        &map([("name", Value::from("bench.example"))]),
    );
    let zone_state = provider
        .apply(apply("aws_route53_zone", None, Some(&zone_planned)))
        .new_state
        .expect("zone created");
    let zone = zone_state.get("zone_id").as_str().expect("zone_id").to_string();
    println!(
        "{RECORDS} A records in hosted zone {zone} (moto at {})\n",
        moto.endpoint
    );

    let planned: Vec<Value> = (0..RECORDS)
        .map(|i| {
            let config = map([
                ("zone_id", Value::from(zone.as_str())),
                ("name", Value::from(format!("host{i:04}"))),
                ("type", Value::from("A")),
                ("ttl", Value::from(300i64)),
                (
                    "records",
                    Value::List(vec![Value::from(format!("10.{}.{}.{}", i / 65536, i / 256 % 256, i % 256))].into()),
                ),
            ]);
            plan(&factory, provider.as_ref(), RECORD, &config)
        })
        .collect();

    // Create.
    let before = CallCounter::global().snapshot();
    let start = Instant::now();
    let responses = provider.apply_batch(planned.iter().map(|p| apply(RECORD, None, Some(p))).collect());
    let elapsed = start.elapsed();
    let states: Vec<Value> = responses
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            if let Some(e) = r.error {
                panic!("record {i}: {e}");
            }
            r.new_state.expect("state")
        })
        .collect();
    report(
        "create (apply_batch)",
        elapsed,
        &delta(&before),
        ">= 5 calls and >= 15 s per record: >= 5,000 calls",
    );

    // Refresh: nothing changed.
    let before = CallCounter::global().snapshot();
    let start = Instant::now();
    let priors: Vec<&Value> = states.iter().collect();
    let results = provider.read_batch(RECORD, &priors);
    let elapsed = start.elapsed();
    for (i, (r, s)) in results.iter().zip(&states).enumerate() {
        match r {
            Ok(Some(now)) if now == s => {}
            other => panic!("record {i} changed on refresh: {other:?}"),
        }
    }
    report(
        "no-op refresh (read_batch)",
        elapsed,
        &delta(&before),
        "2 calls per record: 2,000 calls",
    );

    // Delete.
    let before = CallCounter::global().snapshot();
    let start = Instant::now();
    let responses = provider.apply_batch(states.iter().map(|s| apply(RECORD, Some(s), None)).collect());
    let elapsed = start.elapsed();
    for (i, r) in responses.iter().enumerate() {
        if let Some(e) = &r.error {
            panic!("deleting record {i}: {e}");
        }
    }
    report(
        "delete (apply_batch)",
        elapsed,
        &delta(&before),
        ">= 4 calls per record (GetHostedZone, list, change, wait): >= 4,000 calls",
    );

    let response = provider.apply(apply("aws_route53_zone", Some(&zone_state), None));
    if let Some(e) = response.error {
        panic!("deleting the zone: {e}");
    }
}
