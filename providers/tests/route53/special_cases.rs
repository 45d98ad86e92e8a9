//! Record validation, private zones, and two changes of one record set.

use super::*;

#[test]
fn record_validation() {
    let t = start();
    let zone = "Z0000000000000000000";
    let problems = |config: Value| -> Vec<String> {
        t.h.validate(RECORD, &config)
            .into_iter()
            .map(|p| p.attribute.unwrap_or_default())
            .collect()
    };
    assert!(problems(record(zone, "www", "A", 300, &["10.0.0.1"])).is_empty());
    assert!(!t.h.allows(RECORD, "type", "BOGUS"));
    assert!(t.h.allows(RECORD, "type", "CNAME"));
    let no_ttl = map([
        ("zone_id", Value::from(zone)),
        ("name", Value::from("www")),
        ("type", Value::from("A")),
        ("records", strings(&["10.0.0.1"])),
    ]);
    assert_eq!(problems(no_ttl), vec!["ttl"]);
    let alias_and_records = with(
        record(zone, "www", "A", 300, &["10.0.0.1"]),
        vec![(
            "alias",
            block(vec![
                ("name", Value::from("x.example.com")),
                ("zone_id", Value::from(zone)),
                ("evaluate_target_health", Value::Bool(false)),
            ]),
        )],
    );
    let found = problems(alias_and_records);
    assert!(
        found.contains(&"records".to_string()) && found.contains(&"ttl".to_string()),
        "{found:?}"
    );
    let set_without_policy = with(
        record(zone, "www", "A", 300, &["10.0.0.1"]),
        vec![("set_identifier", Value::from("x"))],
    );
    assert_eq!(problems(set_without_policy), vec!["set_identifier"]);
    let policy_without_set = with(
        record(zone, "www", "A", 300, &["10.0.0.1"]),
        vec![("weighted_routing_policy", block(vec![("weight", Value::from(10i64))]))],
    );
    assert_eq!(problems(policy_without_set), vec!["set_identifier"]);
    // Unknown values are checked at apply, not now.
    let unknown = map([
        ("zone_id", Value::UNKNOWN),
        ("name", Value::UNKNOWN),
        ("type", Value::UNKNOWN),
        ("ttl", Value::UNKNOWN),
        ("records", Value::UNKNOWN),
    ]);
    assert!(problems(unknown.clone()).is_empty());
    assert_eq!(t.h.provider.batch_key(RECORD, &unknown), None);
    assert_eq!(
        t.h.provider
            .batch_key(RECORD, &map([("zone_id", Value::from("/hostedzone/Z1"))])),
        Some("route53:Z1".to_string())
    );
    assert_eq!(
        t.h.provider.batch_key(ZONE, &map([("zone_id", Value::from("Z1"))])),
        None
    );
}

#[test]
fn private_zone_with_a_vpc() {
    let t = start();
    let state = t.h.create(
        ZONE,
        map([
            ("name", Value::from("internal.example")),
            ("vpc", block(vec![("vpc_id", Value::from("vpc-12345678"))])),
        ]),
    );
    let zone = state.get("zone_id").as_str().expect("zone").to_string();
    let remote = t.h.rt.block_on(t.r53.get_hosted_zone().id(&zone).send()).expect("zone");
    assert_eq!(
        remote.hosted_zone().and_then(|z| z.config()).map(|c| c.private_zone()),
        Some(true)
    );
    assert_eq!(
        remote.vpcs().iter().filter_map(|v| v.vpc_id()).collect::<Vec<_>>(),
        vec!["vpc-12345678"]
    );
    assert!(!strings_of(&state.get("name_servers")).is_empty(), "{state}");
    // The region left out of the configuration stays out of the state.
    assert_eq!(
        state.get("vpc"),
        block(vec![
            ("vpc_id", Value::from("vpc-12345678")),
            ("vpc_region", Value::Null)
        ])
    );
    assert_eq!(t.h.read(ZONE, &state), Some(state.clone()));

    let data =
        t.h.provider
            .read_data(ReadDataRequest {
                type_name: ZONE,
                config: &map([
                    ("name", Value::from("internal.example")),
                    ("private_zone", Value::Bool(true)),
                    ("vpc_id", Value::from("vpc-12345678")),
                ]),
            })
            .expect("private zone found");
    assert_eq!(data.get("zone_id"), Value::from(zone.as_str()));
    assert_eq!(data.get("private_zone"), Value::Bool(true));
    t.h.destroy(ZONE, &state);
}

#[test]
fn two_changes_of_one_record_set_go_in_separate_requests() {
    // ACM gives a wildcard and its base domain the same validation record; Terraform's
    // documented pattern then has two resources UPSERT one record set, which Route 53 refuses
    // within a single request.
    let t = start();
    let zone = t.zone("acm.example");
    let validation = with(
        record(&zone, "_abc.acm.example.", "CNAME", 60, &["_xyz.acm-validations.aws."]),
        vec![("allow_overwrite", Value::Bool(true))],
    );
    let planned = t.planned(RECORD, &validation);
    let other = t.planned(RECORD, &record(&zone, "www", "A", 60, &["10.0.0.1"]));
    let before = t.change_calls(&zone);
    let responses = t.apply_batch(&[(None, Some(&planned)), (None, Some(&other)), (None, Some(&planned))]);
    for r in &responses {
        assert!(r.error.is_none(), "{:?}", r.error);
    }
    assert_eq!(t.change_calls(&zone) - before, 2);
    assert_eq!(responses[0].new_state, responses[2].new_state);
    let state = responses[0].new_state.as_ref().expect("state");
    assert_eq!(state.get("fqdn"), Value::from("_abc.acm.example"));
    assert_eq!(state.get("name"), Value::from("_abc.acm.example"));
    let remote = t
        .find(&zone, "_abc.acm.example", "CNAME", None)
        .expect("validation record");
    assert_eq!(R53::values(&remote), vec!["_xyz.acm-validations.aws."]);
    assert_eq!(t.h.read(RECORD, state), Some(state.clone()));
}
