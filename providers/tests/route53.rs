//! Route 53 zones, records and the zone data source against a private moto server. Every test
//! drives the provider through the engine's `Provider` trait (the batch methods included) and
//! checks the result with the AWS SDK directly. API calls are counted from moto's own request
//! log, which only the test's server writes to.

mod common;

use aws_sdk_route53::types::{Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType};
use common::{block, strings, tags, Harness};
use engine::core::provider::{ApplyRequest, ApplyResponse, ProviderFactory, ReadDataRequest, ReadRequest};
use engine::core::value::{map, Value};
use std::collections::BTreeMap;

const RECORD: &str = "aws_route53_record";
const ZONE: &str = "aws_route53_zone";

/// The harness, and a shorter name for its Route 53 client.
struct R53 {
    h: Harness,
    r53: aws_sdk_route53::Client,
}

fn start() -> R53 {
    let h = Harness::new()
        .with_endpoints(&["s3", "iam", "sts", "route53"])
        .with_engine_proposals();
    let config = aws_sdk_route53::config::Builder::from(&h.sdk_config())
        .endpoint_url(h.moto.endpoint.clone())
        .build();
    let r53 = aws_sdk_route53::Client::from_conf(config);
    R53 { h, r53 }
}

/// A simple record's configuration.
fn record(zone: &str, name: &str, rtype: &str, ttl: i64, values: &[&str]) -> Value {
    map([
        ("zone_id", Value::from(zone)),
        ("name", Value::from(name)),
        ("type", Value::from(rtype)),
        ("ttl", Value::from(ttl)),
        ("records", strings(values)),
    ])
}

fn with(config: Value, extra: Vec<(&str, Value)>) -> Value {
    let mut m = config.as_map().cloned().unwrap_or_default();
    for (k, v) in extra {
        m.insert(k.to_string(), v);
    }
    Value::Map(m.into())
}

impl R53 {
    /// Creates a hosted zone through the provider; returns its ID.
    fn zone(&self, name: &str) -> String {
        let state = self.h.create(ZONE, map([("name", Value::from(name))]));
        state.get("zone_id").as_str().expect("zone_id").to_string()
    }

    fn planned(&self, type_name: &str, config: &Value) -> Value {
        let problems = self.h.validate(type_name, config);
        assert!(problems.is_empty(), "validate: {problems:?}");
        self.h
            .plan(type_name, None, config)
            .unwrap_or_else(|e| panic!("plan: {e}"))
            .planned
    }

    /// Applies several changes in one `apply_batch`, the way the engine does for a batch key.
    fn apply_batch(&self, changes: &[(Option<&Value>, Option<&Value>)]) -> Vec<ApplyResponse> {
        let reqs = changes
            .iter()
            .map(|(prior, planned)| ApplyRequest {
                type_name: RECORD,
                prior: *prior,
                planned: *planned,
                journal: &self.h.journal,
                progress: &|_| {},
                private: None,
            })
            .collect();
        self.h.provider.apply_batch(reqs)
    }

    /// Every record set of a zone, as Route 53 reports it.
    fn remote(&self, zone: &str) -> Vec<ResourceRecordSet> {
        let mut out = Vec::new();
        let mut start: Option<(String, RrType)> = None;
        loop {
            let mut req = self.r53.list_resource_record_sets().hosted_zone_id(zone);
            if let Some((name, rtype)) = start.take() {
                req = req.start_record_name(name).start_record_type(rtype);
            }
            let page = self.h.rt.block_on(req.send()).expect("list records");
            for r in page.resource_record_sets() {
                if !out.contains(r) {
                    out.push(r.clone());
                }
            }
            match (page.is_truncated(), page.next_record_name(), page.next_record_type()) {
                (true, Some(n), Some(t)) => start = Some((n.to_string(), t.clone())),
                _ => return out,
            }
        }
    }

    fn find(&self, zone: &str, name: &str, rtype: &str, set: Option<&str>) -> Option<ResourceRecordSet> {
        let name = format!("{}.", name.trim_end_matches('.'));
        self.remote(zone)
            .into_iter()
            .find(|r| r.name() == name && r.r#type().as_str() == rtype && r.set_identifier() == set)
    }

    fn values(r: &ResourceRecordSet) -> Vec<String> {
        let mut v: Vec<String> = r.resource_records().iter().map(|v| v.value().to_string()).collect();
        v.sort();
        v
    }

    /// A change made outside the provider.
    fn change_outside(&self, zone: &str, action: ChangeAction, rrset: ResourceRecordSet) {
        let change = Change::builder()
            .action(action)
            .resource_record_set(rrset)
            .build()
            .expect("change");
        let batch = ChangeBatch::builder().changes(change).build().expect("batch");
        self.h
            .rt
            .block_on(
                self.r53
                    .change_resource_record_sets()
                    .hosted_zone_id(zone)
                    .change_batch(batch)
                    .send(),
            )
            .expect("change outside");
    }

    /// Requests moto has logged so far whose request line contains `needle`.
    fn requests(&self, needle: &str) -> usize {
        // moto logs a request as its response starts; give the line a moment to land.
        std::thread::sleep(std::time::Duration::from_millis(150));
        std::fs::read_to_string(&self.h.moto.log_path)
            .expect("moto log")
            .lines()
            .filter(|l| l.contains(needle))
            .count()
    }

    fn change_calls(&self, zone: &str) -> usize {
        self.requests(&format!("POST /2013-04-01/hostedzone/{zone}/rrset"))
    }

    fn list_calls(&self, zone: &str) -> usize {
        self.requests(&format!("GET /2013-04-01/hostedzone/{zone}/rrset"))
    }
}

fn rrset(name: &str, rtype: RrType, ttl: i64, values: &[&str]) -> ResourceRecordSet {
    let mut b = ResourceRecordSet::builder().name(name).r#type(rtype).ttl(ttl);
    for v in values {
        b = b.resource_records(ResourceRecord::builder().value(*v).build().expect("value"));
    }
    b.build().expect("rrset")
}

#[test]
fn zone_create_read_update_import_delete() {
    let t = start();
    let config = map([("name", Value::from("example.com")), ("tags", tags(&[("env", "test")]))]);
    let planned = t.planned(ZONE, &config);
    assert_eq!(planned.get("comment"), Value::from("Managed by Terraform"));
    assert_eq!(planned.get("force_destroy"), Value::Bool(false));
    assert_eq!(planned.get("zone_id"), Value::UNKNOWN);
    assert_eq!(planned.get("tags_all"), tags(&[("env", "test")]));

    let state = t.h.create(ZONE, config);
    let id = state.get("zone_id").as_str().expect("zone_id").to_string();
    assert!(!id.starts_with('/'), "{id}");
    assert_eq!(state.get("id"), Value::from(id.as_str()));
    assert_eq!(state.get("name"), Value::from("example.com"));
    assert_eq!(
        state.get("arn"),
        Value::from(format!("arn:aws:route53:::hostedzone/{id}"))
    );
    let servers = strings_of(&state.get("name_servers"));
    assert!(!servers.is_empty(), "{state}");
    let mut sorted = servers.clone();
    sorted.sort();
    assert_eq!(servers, sorted);
    let primary = state.get("primary_name_server").as_str().expect("primary").to_string();
    assert!(servers.contains(&primary));

    let intents = t.h.intents();
    assert_eq!(intents.len(), 1, "{intents:?}");
    let reference = intents[0].strip_prefix("callerref:").expect("caller reference intent");
    let remote = t.h.rt.block_on(t.r53.get_hosted_zone().id(&id).send()).expect("zone");
    let zone = remote.hosted_zone().expect("hosted zone");
    assert_eq!(zone.name(), "example.com.");
    assert_eq!(zone.caller_reference(), reference);
    assert_eq!(zone.config().and_then(|c| c.comment()), Some("Managed by Terraform"));
    assert_eq!(
        remote_tags(&t, &id),
        BTreeMap::from([("env".to_string(), "test".to_string())])
    );
    assert_eq!(t.h.read(ZONE, &state), Some(state.clone()));

    let updated = t.h.update(
        ZONE,
        &state,
        map([
            ("name", Value::from("example.com")),
            ("comment", Value::from("primary zone")),
            ("tags", tags(&[("env", "prod"), ("team", "dns")])),
        ]),
    );
    let remote = t.h.rt.block_on(t.r53.get_hosted_zone().id(&id).send()).expect("zone");
    assert_eq!(
        remote.hosted_zone().and_then(|z| z.config()).and_then(|c| c.comment()),
        Some("primary zone")
    );
    assert_eq!(
        remote_tags(&t, &id),
        BTreeMap::from([
            ("env".to_string(), "prod".to_string()),
            ("team".to_string(), "dns".to_string())
        ])
    );
    assert_eq!(t.h.read(ZONE, &updated), Some(updated.clone()));

    // A trailing dot or other case names the same zone: no replacement.
    let same =
        t.h.plan(
            ZONE,
            Some(&updated),
            &map([
                ("name", Value::from("Example.com.")),
                ("comment", Value::from("primary zone")),
                ("tags", tags(&[("env", "prod"), ("team", "dns")])),
            ]),
        )
        .expect("plan")
        .planned;
    assert!(
        engine::plan::diff::changed_attributes(&t.h.schema(ZONE), &updated, &same).is_empty(),
        "{same}"
    );

    // Import by zone ID (either form) and by the caller reference an interrupted create left.
    for import_id in [id.clone(), format!("/hostedzone/{id}"), intents[0].clone()] {
        let imported = t.h.import(ZONE, &import_id).expect("imported");
        common::assert_complete(&t.h.schema(ZONE), &imported);
        assert_eq!(imported, updated, "import {import_id}");
    }
    assert_eq!(t.h.import(ZONE, "callerref:nothing-like-this"), None);
    assert_eq!(t.h.import(ZONE, "ZNOSUCHZONE1234"), None);

    t.h.destroy(ZONE, &updated);
    let gone = t.h.rt.block_on(t.r53.get_hosted_zone().id(&id).send());
    assert!(gone.is_err());
    assert_eq!(t.h.read(ZONE, &updated), None);
    t.h.destroy(ZONE, &updated);
}

fn strings_of(v: &Value) -> Vec<String> {
    v.as_list()
        .unwrap_or(&[])
        .iter()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}

fn remote_tags(t: &R53, zone: &str) -> BTreeMap<String, String> {
    let out =
        t.h.rt
            .block_on(
                t.r53
                    .list_tags_for_resource()
                    .resource_type(aws_sdk_route53::types::TagResourceType::Hostedzone)
                    .resource_id(zone)
                    .send(),
            )
            .expect("tags");
    out.resource_tag_set()
        .map(|s| {
            s.tags()
                .iter()
                .map(|t| (t.key().unwrap_or("").to_string(), t.value().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn records_create_read_update_import_delete() {
    let t = start();
    let zone = t.zone("example.com");

    // An A record with a name relative to the zone.
    let a_config = record(&zone, "www", "A", 300, &["10.0.0.2", "10.0.0.1"]);
    let planned = t.planned(RECORD, &a_config);
    assert_eq!(planned.get("id"), Value::from(format!("{zone}_www_A")));
    assert_eq!(planned.get("fqdn"), Value::UNKNOWN);
    assert_eq!(planned.get("allow_overwrite"), Value::Bool(false));
    assert_eq!(planned.get("records"), strings(&["10.0.0.1", "10.0.0.2"]));
    assert_eq!(
        t.h.provider.batch_key(RECORD, &planned),
        Some(format!("route53:{zone}"))
    );

    let a = t.h.create(RECORD, a_config);
    assert_eq!(a.get("fqdn"), Value::from("www.example.com"));
    assert_eq!(a.get("name"), Value::from("www"));
    assert_eq!(a.get("ttl"), Value::from(300i64));
    assert!(t.h.intents().contains(&format!("{zone}_www_A")));
    let remote = t.find(&zone, "www.example.com", "A", None).expect("www exists");
    assert_eq!(remote.ttl(), Some(300));
    assert_eq!(R53::values(&remote), vec!["10.0.0.1", "10.0.0.2"]);
    assert_eq!(t.h.read(RECORD, &a), Some(a.clone()));

    // TTL is updated in place.
    let a2 =
        t.h.update(RECORD, &a, record(&zone, "www", "A", 60, &["10.0.0.1", "10.0.0.2"]));
    assert_eq!(a2.get("ttl"), Value::from(60i64));
    let remote = t.find(&zone, "www.example.com", "A", None).expect("www exists");
    assert_eq!(remote.ttl(), Some(60));
    assert_eq!(t.h.read(RECORD, &a2), Some(a2.clone()));

    // A CNAME named by its FQDN, with a trailing dot and upper case, as written.
    let c = t.h.create(
        RECORD,
        record(&zone, "API.example.com.", "CNAME", 300, &["www.example.com"]),
    );
    // Recorded as Terraform's provider records it: lower case, without the trailing dot.
    assert_eq!(c.get("name"), Value::from("api.example.com"));
    assert_eq!(c.get("fqdn"), Value::from("api.example.com"));
    assert_eq!(c.get("id"), Value::from(format!("{zone}_api.example.com_CNAME")));
    let remote = t.find(&zone, "api.example.com", "CNAME", None).expect("cname exists");
    assert_eq!(R53::values(&remote), vec!["www.example.com"]);
    assert_eq!(t.h.read(RECORD, &c), Some(c.clone()));
    // The same name written differently is the same record: nothing to change.
    let same =
        t.h.plan(
            RECORD,
            Some(&c),
            &record(&zone, "api.example.com", "CNAME", 300, &["www.example.com"]),
        )
        .expect("plan")
        .planned;
    assert!(
        engine::plan::diff::changed_attributes(&t.h.schema(RECORD), &c, &same).is_empty(),
        "{same}"
    );

    // TXT values are sent quoted and kept unquoted, as in Terraform.
    let txt =
        t.h.create(RECORD, record(&zone, "_dmarc", "TXT", 300, &["v=DMARC1; p=none"]));
    let remote = t.find(&zone, "_dmarc.example.com", "TXT", None).expect("txt exists");
    assert_eq!(R53::values(&remote), vec!["\"v=DMARC1; p=none\""]);
    assert_eq!(txt.get("records"), strings(&["v=DMARC1; p=none"]));
    assert_eq!(t.h.read(RECORD, &txt), Some(txt.clone()));

    // An alias at the zone apex.
    let alias = t.h.create(
        RECORD,
        map([
            ("zone_id", Value::from(zone.as_str())),
            ("name", Value::from("example.com")),
            ("type", Value::from("A")),
            (
                "alias",
                block(vec![
                    ("name", Value::from("www.example.com")),
                    ("zone_id", Value::from(zone.as_str())),
                    ("evaluate_target_health", Value::Bool(false)),
                ]),
            ),
        ]),
    );
    assert_eq!(alias.get("fqdn"), Value::from("example.com"));
    assert_eq!(alias.get("ttl"), Value::Null);
    assert_eq!(alias.get("records"), Value::Null);
    let remote = t.find(&zone, "example.com", "A", None).expect("alias exists");
    let target = remote.alias_target().expect("alias target");
    assert_eq!(target.dns_name().trim_end_matches('.'), "www.example.com");
    assert_eq!(target.hosted_zone_id(), zone);
    assert_eq!(t.h.read(RECORD, &alias), Some(alias.clone()));

    // Weighted records: one name and type, two set identifiers.
    let weighted = |set: &str, weight: i64, value: &str| {
        with(
            record(&zone, "app", "A", 60, &[value]),
            vec![
                ("set_identifier", Value::from(set)),
                ("weighted_routing_policy", block(vec![("weight", Value::from(weight))])),
            ],
        )
    };
    let blue = t.h.create(RECORD, weighted("blue", 10, "10.1.0.1"));
    let green = t.h.create(RECORD, weighted("green", 90, "10.1.0.2"));
    assert_eq!(blue.get("id"), Value::from(format!("{zone}_app_A_blue")));
    let remote_green = t.find(&zone, "app.example.com", "A", Some("green")).expect("green");
    assert_eq!(remote_green.weight(), Some(90));
    assert_eq!(R53::values(&remote_green), vec!["10.1.0.2"]);
    assert_eq!(t.h.read(RECORD, &blue), Some(blue.clone()));
    assert_eq!(t.h.read(RECORD, &green), Some(green.clone()));
    // The weight changes in place.
    let green2 = t.h.update(RECORD, &green, weighted("green", 50, "10.1.0.2"));
    assert_eq!(
        t.find(&zone, "app.example.com", "A", Some("green"))
            .and_then(|r| r.weight()),
        Some(50)
    );
    assert_eq!(t.h.read(RECORD, &green2), Some(green2.clone()));

    // Import IDs as Terraform documents them.
    let schema = t.h.schema(RECORD);
    let imported = t.h.import(RECORD, &format!("{zone}_www_A")).expect("www imported");
    common::assert_complete(&schema, &imported);
    assert_eq!(imported, a2);
    assert_eq!(t.h.import(RECORD, &format!("{zone}_app_A_green")), Some(green2.clone()));
    assert_eq!(t.h.import(RECORD, &format!("{zone}__dmarc_TXT")), Some(txt.clone()));
    let imported_c =
        t.h.import(RECORD, &format!("{zone}_api.example.com_CNAME"))
            .expect("cname imported");
    assert_eq!(imported_c.get("name"), Value::from("api.example.com"));
    assert_eq!(imported_c.get("fqdn"), c.get("fqdn"));
    assert_eq!(imported_c.get("records"), c.get("records"));
    assert_eq!(t.h.import(RECORD, &format!("{zone}_nothing_A")), None);
    let bad = t.h.provider.import(engine::core::provider::ImportRequest {
        type_name: RECORD,
        id: "not-an-id",
    });
    assert_eq!(bad.expect_err("invalid import ID").code, "InvalidImportId");

    // Deleted outside: read reports it gone, and destroying it is success.
    t.change_outside(
        &zone,
        ChangeAction::Delete,
        rrset("www.example.com", RrType::A, 60, &["10.0.0.1", "10.0.0.2"]),
    );
    assert_eq!(t.h.read(RECORD, &a2), None);
    t.h.destroy(RECORD, &a2);

    for state in [&c, &txt, &alias, &blue, &green2] {
        t.h.destroy(RECORD, state);
        assert_eq!(t.h.read(RECORD, state), None);
    }
    let left: Vec<String> = t
        .remote(&zone)
        .iter()
        .map(|r| format!("{} {}", r.name(), r.r#type().as_str()))
        .collect();
    assert_eq!(left.len(), 2, "only the apex NS and SOA stay: {left:?}");
}

#[test]
fn a_rejected_batch_gives_each_record_its_own_outcome() {
    let t = start();
    let zone = t.zone("batch.example");
    // `taken` exists already, created outside with exactly these values: Route 53 (and moto)
    // reject a CREATE of it, and with it the whole change batch.
    t.change_outside(
        &zone,
        ChangeAction::Create,
        rrset("taken.batch.example", RrType::A, 300, &["10.9.9.9"]),
    );
    let mut configs: Vec<Value> = (0..9)
        .map(|i| record(&zone, &format!("host{i}"), "A", 300, &[&format!("10.0.0.{i}")]))
        .collect();
    configs.insert(4, record(&zone, "taken", "A", 300, &["10.9.9.9"]));
    let planned: Vec<Value> = configs.iter().map(|c| t.planned(RECORD, c)).collect();
    let keys: Vec<Option<String>> = planned.iter().map(|p| t.h.provider.batch_key(RECORD, p)).collect();
    assert!(keys
        .iter()
        .all(|k| k.as_deref() == Some(&format!("route53:{zone}")[..])));

    let before = t.change_calls(&zone);
    let changes: Vec<(Option<&Value>, Option<&Value>)> = planned.iter().map(|p| (None, Some(p))).collect();
    let responses = t.apply_batch(&changes);
    let calls = t.change_calls(&zone) - before;
    assert_eq!(responses.len(), 10);
    let schema = t.h.schema(RECORD);
    for (i, r) in responses.iter().enumerate() {
        if i == 4 {
            let e = r.error.as_ref().expect("taken must fail");
            assert_eq!(e.code, "InvalidChangeBatch");
            assert!(e.message.contains("taken.batch.example A"), "{}", e.message);
            assert!(e.message.contains("already exists"), "{}", e.message);
            assert_eq!(r.new_state, None);
        } else {
            assert!(r.error.is_none(), "record {i}: {:?}", r.error);
            let state = r.new_state.as_ref().expect("state");
            common::assert_complete(&schema, state);
            assert_eq!(
                state.get("fqdn"),
                Value::from(format!("host{}.batch.example", if i < 4 { i } else { i - 1 }))
            );
        }
    }
    // The rejection names the record: the other nine go in one call, `taken` alone in another.
    assert_eq!(calls, 3, "ChangeResourceRecordSets calls");
    for i in 0..9 {
        let r = t
            .find(&zone, &format!("host{i}.batch.example"), "A", None)
            .unwrap_or_else(|| panic!("host{i} exists"));
        assert_eq!(R53::values(&r), vec![format!("10.0.0.{i}")]);
    }
    // Every create recorded its intent before the call.
    let intents = t.h.intents();
    for p in &planned {
        assert!(intents.contains(&p.get("id").as_str().expect("id").to_string()));
    }

    // A mixed batch: an update, a delete and two creates, one of which fails again.
    let states: Vec<Value> = responses.iter().filter_map(|r| r.new_state.clone()).collect();
    let ttl60 =
        t.h.plan(
            RECORD,
            Some(&states[0]),
            &record(&zone, "host0", "A", 60, &["10.0.0.0"]),
        )
        .expect("plan")
        .planned;
    let new_host = t.planned(RECORD, &record(&zone, "host9", "A", 300, &["10.0.0.9"]));
    let before = t.change_calls(&zone);
    let responses = t.apply_batch(&[
        (Some(&states[0]), Some(&ttl60)),
        (Some(&states[1]), None),
        (None, Some(&new_host)),
        (None, Some(&planned[4])),
    ]);
    let calls = t.change_calls(&zone) - before;
    assert!(responses[0].error.is_none(), "{:?}", responses[0].error);
    assert_eq!(
        responses[0].new_state.as_ref().map(|s| s.get("ttl")),
        Some(Value::from(60i64))
    );
    assert_eq!(
        responses[1],
        ApplyResponse {
            new_state: None,
            error: None
        }
    );
    assert!(responses[2].error.is_none(), "{:?}", responses[2].error);
    let e = responses[3].error.as_ref().expect("taken fails again");
    assert!(e.message.contains("taken.batch.example A"), "{}", e.message);
    assert_eq!(calls, 3, "ChangeResourceRecordSets calls");
    assert_eq!(
        t.find(&zone, "host0.batch.example", "A", None).and_then(|r| r.ttl()),
        Some(60)
    );
    assert!(t.find(&zone, "host1.batch.example", "A", None).is_none());
    assert!(t.find(&zone, "host9.batch.example", "A", None).is_some());
}

#[test]
fn one_listing_refreshes_every_record_of_a_zone() {
    let t = start();
    let zone = t.zone("many.example");
    let planned: Vec<Value> = (0..350)
        .map(|i| {
            let value = format!("10.0.{}.{}", i / 256, i % 256);
            t.planned(RECORD, &record(&zone, &format!("host{i:03}"), "A", 300, &[&value]))
        })
        .collect();
    let before = t.change_calls(&zone);
    let changes: Vec<(Option<&Value>, Option<&Value>)> = planned.iter().map(|p| (None, Some(p))).collect();
    let responses = t.apply_batch(&changes);
    assert_eq!(t.change_calls(&zone) - before, 1, "350 records fit one change batch");
    let states: Vec<Value> = responses
        .iter()
        .map(|r| {
            assert!(r.error.is_none(), "{:?}", r.error);
            r.new_state.clone().expect("state")
        })
        .collect();
    assert_eq!(t.remote(&zone).len(), 352);

    // Two records disappear outside.
    for i in [7usize, 300] {
        let value = format!("10.0.{}.{}", i / 256, i % 256);
        t.change_outside(
            &zone,
            ChangeAction::Delete,
            rrset(&format!("host{i:03}.many.example"), RrType::A, 300, &[&value]),
        );
    }

    let before = t.list_calls(&zone);
    let priors: Vec<&Value> = states.iter().collect();
    let results = t.h.provider.read_batch(RECORD, &priors);
    assert_eq!(t.list_calls(&zone) - before, 2, "352 record sets are two pages of 300");
    assert_eq!(results.len(), 350);
    for (i, (result, state)) in results.iter().zip(&states).enumerate() {
        let read = result.as_ref().unwrap_or_else(|e| panic!("read {i}: {e}"));
        if i == 7 || i == 300 {
            assert_eq!(read, &None, "record {i}");
        } else {
            assert_eq!(read.as_ref(), Some(state), "record {i}");
        }
    }
    // A single read is one short listing that starts at the record.
    let before = t.list_calls(&zone);
    let one = t.h.provider.read(ReadRequest {
        type_name: RECORD,
        prior: &states[200],
    });
    assert_eq!(one.expect("read"), Some(states[200].clone()));
    assert_eq!(t.list_calls(&zone) - before, 1);

    // Deleting them all, the two already gone included, is one change batch.
    let before = t.change_calls(&zone);
    let changes: Vec<(Option<&Value>, Option<&Value>)> = states.iter().map(|s| (Some(s), None)).collect();
    let responses = t.apply_batch(&changes);
    assert!(responses.iter().all(|r| r.error.is_none() && r.new_state.is_none()));
    assert!(t.change_calls(&zone) - before <= 2);
    assert_eq!(t.remote(&zone).len(), 2);
}

#[test]
fn deletes_use_the_current_values_and_tolerate_records_already_gone() {
    let t = start();
    let zone = t.zone("stale.example");
    let created = t.h.create(RECORD, record(&zone, "keep", "A", 300, &["10.0.0.1"]));
    // Changed outside after the last refresh: the state still says TTL 300.
    t.change_outside(
        &zone,
        ChangeAction::Create,
        rrset("moved.stale.example", RrType::A, 600, &["10.0.0.2"]),
    );
    let stale =
        t.h.import(RECORD, &format!("{zone}_moved_A"))
            .map(|s| with(s, vec![("ttl", Value::from(300i64))]))
            .expect("moved imported");
    // Never existed at all (or was deleted long ago).
    let ghost = with(
        created.clone(),
        vec![
            ("name", Value::from("ghost")),
            ("fqdn", Value::from("ghost.stale.example")),
            ("id", Value::from(format!("{zone}_ghost_A"))),
        ],
    );
    let (changes_before, lists_before) = (t.change_calls(&zone), t.list_calls(&zone));
    let responses = t.apply_batch(&[(Some(&created), None), (Some(&stale), None), (Some(&ghost), None)]);
    for r in &responses {
        assert_eq!(
            r,
            &ApplyResponse {
                new_state: None,
                error: None
            }
        );
    }
    // The rejected batch, one listing of the zone, and the batch with the current values.
    assert_eq!(t.change_calls(&zone) - changes_before, 2);
    assert_eq!(t.list_calls(&zone) - lists_before, 1);
    assert_eq!(t.remote(&zone).len(), 2, "only NS and SOA stay");
}

#[test]
fn zone_data_source_and_force_destroy() {
    let t = start();
    let state = t.h.create(
        ZONE,
        map([
            ("name", Value::from("data.example")),
            ("comment", Value::from("looked up")),
            ("force_destroy", Value::Bool(true)),
        ]),
    );
    let zone = state.get("zone_id").as_str().expect("zone").to_string();
    for (name, rtype, value) in [("a", RrType::A, "10.0.0.1"), ("b", RrType::Txt, "\"hello\"")] {
        t.change_outside(
            &zone,
            ChangeAction::Create,
            rrset(&format!("{name}.data.example"), rtype, 300, &[value]),
        );
    }

    for config in [
        map([("name", Value::from("data.example"))]),
        map([("name", Value::from("data.example."))]),
        map([("zone_id", Value::from(zone.as_str()))]),
    ] {
        let data =
            t.h.provider
                .read_data(ReadDataRequest {
                    type_name: ZONE,
                    config: &config,
                })
                .unwrap_or_else(|e| panic!("read data {config}: {e}"));
        assert_eq!(data.get("zone_id"), Value::from(zone.as_str()));
        assert_eq!(data.get("id"), Value::from(zone.as_str()));
        assert_eq!(data.get("name"), Value::from("data.example"));
        assert_eq!(data.get("comment"), Value::from("looked up"));
        assert_eq!(data.get("arn"), state.get("arn"));
        assert_eq!(data.get("private_zone"), Value::Bool(false));
        assert_eq!(data.get("resource_record_set_count"), Value::from(4i64));
        assert!(!strings_of(&data.get("name_servers")).is_empty());
        let schema = t.h.factory.data_schema(ZONE).expect("data schema");
        for attr in schema.attributes.keys() {
            assert!(data.as_map().is_some_and(|m| m.contains_key(attr)), "{attr} missing");
        }
    }
    let missing = t.h.provider.read_data(ReadDataRequest {
        type_name: ZONE,
        config: &map([
            ("name", Value::from("data.example")),
            ("private_zone", Value::Bool(true)),
        ]),
    });
    assert_eq!(missing.expect_err("no private zone").code, "NotFound");

    // Without force_destroy the zone's own records block the delete, with advice.
    let plain = t.h.create(ZONE, map([("name", Value::from("plain.example"))]));
    let plain_id = plain.get("zone_id").as_str().expect("zone").to_string();
    t.change_outside(
        &plain_id,
        ChangeAction::Create,
        rrset("x.plain.example", RrType::A, 300, &["10.0.0.1"]),
    );
    let (left, error) = t.h.try_destroy(ZONE, &plain);
    let error = error.expect("delete must fail");
    assert_eq!(error.code, "HostedZoneNotEmpty");
    assert!(error.message.contains("force_destroy = true"), "{}", error.message);
    assert_eq!(left, Some(plain));

    t.h.destroy(ZONE, &state);
    assert!(t.h.rt.block_on(t.r53.get_hosted_zone().id(&zone).send()).is_err());
}

#[path = "route53/special_cases.rs"]
mod special_cases;
