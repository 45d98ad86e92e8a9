//! The picture's model, layout and page, on plans made here.

use super::layout::{arrange, layout, Rect};
use super::model::{of_plan, Kind};
use super::page::html;
use crate::core::finding::{Finding, Severity};
use crate::core::plan::{Action, Change, Plan};
use crate::core::provider::NoSchemas;
use crate::core::value::{map, Value};

fn change(addr: &str, action: Action, deps: &[&str]) -> Change {
    let value = map([
        ("bucket", Value::from(addr.replace(['.', '[', ']', '"'], "-"))),
        ("arn", Value::UNKNOWN),
    ]);
    let mut c = Change::new(
        addr.parse().expect("address"),
        "aws",
        action,
        (action != Action::Create).then(|| value.clone()),
        (action != Action::Delete).then_some(value),
    )
    .depending_on(deps.iter().map(|d| d.to_string()).collect());
    if matches!(action, Action::Replace { .. }) {
        c.requires_replace = vec!["bucket".into()];
    }
    c
}

fn plan(changes: Vec<Change>) -> Plan {
    Plan::of_changes(
        changes,
        vec![Finding {
            severity: Severity::High,
            address: "module.tenant[\"a\"].aws_iam_role.r".into(),
            attribute: Some("assume_role_policy".into()),
            message: "trusts AWS account 697756613082".into(),
        }],
    )
}

const REPLACE: Action = Action::Replace {
    create_before_destroy: false,
};

/// A root bucket replaced, two tenant module instances whose roles and buckets depend on it,
/// and `count` instances in each.
fn tenants(instances: usize) -> Plan {
    let mut changes = vec![change("aws_s3_bucket.shared", REPLACE, &[])];
    for t in ["a", "b"] {
        let m = format!("module.tenant[\"{t}\"]");
        changes.push(change(
            &format!("{m}.aws_iam_role.r"),
            Action::Update,
            &["aws_s3_bucket.shared"],
        ));
        changes.push(change(
            &format!("{m}.aws_s3_bucket.data"),
            REPLACE,
            &["aws_s3_bucket.shared", "module.tenant.aws_iam_role.r"],
        ));
        for i in 0..instances {
            changes.push(change(
                &format!("{m}.aws_s3_object.o[{i}]"),
                Action::Create,
                &["module.tenant.aws_s3_bucket.data"],
            ));
        }
    }
    changes.push(change("aws_sns_topic.idle", Action::NoOp, &[]));
    plan(changes)
}

#[test]
fn instances_of_a_module_depend_on_their_own_instance_and_replacements_are_marked() {
    let pic = of_plan(&tenants(2), &NoSchemas);
    let idx = |a: &str| pic.nodes.iter().position(|n| n.address == a).expect(a);
    let edge = |a: &str, b: &str| pic.edges.iter().find(|e| e.from == idx(a) && e.to == idx(b)).copied();
    let data_a = "module.tenant[\"a\"].aws_s3_bucket.data";
    let role_a = "module.tenant[\"a\"].aws_iam_role.r";
    assert!(edge(role_a, data_a).is_some_and(|e| !e.replaced));
    assert!(
        edge("module.tenant[\"b\"].aws_iam_role.r", data_a).is_none(),
        "another instance's role"
    );
    assert!(edge("aws_s3_bucket.shared", data_a).is_some_and(|e| e.replaced));
    assert!(edge(data_a, "module.tenant[\"a\"].aws_s3_object.o[1]").is_some_and(|e| e.replaced));
    assert_eq!(pic.nodes[idx("aws_sns_topic.idle")].kind, Kind::NoOp);
    assert_eq!(
        pic.nodes[idx(data_a)].reasons,
        vec!["forces replacement: bucket".to_string()]
    );
    assert_eq!(pic.summary, "Plan: 7 to add, 2 to change, 3 to destroy.");
    assert_eq!(pic.findings[0].node, Some(idx("module.tenant[\"a\"].aws_iam_role.r")));
    let groups: Vec<&str> = pic.groups.iter().map(|g| g.address.as_str()).collect();
    assert_eq!(
        groups,
        [
            "",
            "module.tenant[\"a\"]",
            "module.tenant[\"a\"].aws_s3_object.o",
            "module.tenant[\"b\"]",
            "module.tenant[\"b\"].aws_s3_object.o"
        ]
    );
    assert!(pic.nodes[idx("aws_sns_topic.idle")].diff.is_empty());
    assert!(
        pic.nodes[idx(data_a)].diff.contains("must be replaced"),
        "{}",
        pic.nodes[idx(data_a)].diff
    );
}

fn overlap(a: Rect, b: Rect) -> bool {
    a.x < b.x + b.w - 0.01 && b.x < a.x + a.w - 0.01 && a.y < b.y + b.h - 0.01 && b.y < a.y + a.h - 0.01
}

fn inside(a: Rect, outer: Rect) -> bool {
    a.x >= outer.x - 0.01
        && a.y >= outer.y - 0.01
        && a.x + a.w <= outer.x + outer.w + 0.01
        && a.y + a.h <= outer.y + outer.h + 0.01
}

#[test]
fn opening_and_closing_groups_never_makes_boxes_overlap_and_dependencies_stay_above() {
    let pic = of_plan(&tenants(15), &NoSchemas);
    let lay = layout(&pic);
    // Every combination of the four groups open or closed.
    for mask in 0..16u32 {
        let (nodes, groups) = arrange(&pic, &lay, &|g| g == 0 || mask & (1 << (g - 1)) != 0);
        // Items of one group do not overlap, and stay inside their group's box.
        let mut items: Vec<(usize, Rect)> = Vec::new();
        for (i, r) in nodes.iter().enumerate() {
            if let Some(r) = r {
                items.push((pic.nodes[i].group, *r));
            }
        }
        for (g, r) in groups.iter().enumerate().skip(1) {
            if let Some(r) = r {
                items.push((pic.groups[g].parent.expect("parent"), *r));
            }
        }
        for (k, (ga, a)) in items.iter().enumerate() {
            let outer = groups[*ga].expect("an item's group is shown");
            assert!(inside(*a, outer), "mask {mask}: {a:?} outside {outer:?}");
            for (gb, b) in &items[k + 1..] {
                if ga == gb {
                    assert!(!overlap(*a, *b), "mask {mask}: {a:?} and {b:?} overlap");
                }
            }
        }
        for e in &pic.edges {
            let (Some(a), Some(b)) = (nodes[e.from], nodes[e.to]) else {
                continue;
            };
            if pic.nodes[e.from].group == pic.nodes[e.to].group {
                assert!(
                    a.y + a.h <= b.y,
                    "mask {mask}: {} is not above {}",
                    pic.nodes[e.from].address,
                    pic.nodes[e.to].address
                );
            }
        }
    }
}

#[test]
fn the_page_is_self_contained_and_stays_small_at_five_thousand_changes() {
    let small = html(&of_plan(&tenants(2), &NoSchemas), "infinstor plan");
    assert!(small.contains(r#"<script id="plan-data" type="application/json">"#));
    assert!(small.contains("Plan: 7 to add, 2 to change, 3 to destroy."));
    assert!(
        small.contains(r##"<a href="#node-1" data-node="1">module.tenant[&quot;a&quot;].aws_iam_role.r</a>"##),
        "{small}"
    );
    for external in ["http://", "https://", "src=", "@import", "url("] {
        let hits: Vec<&str> = small.matches(external).collect();
        assert!(
            hits.iter()
                .all(|_| external == "http://" && small.contains("http://www.w3.org/2000/svg")),
            "{external} in the page"
        );
    }
    let big = tenants(2498);
    assert!(big.changes.len() >= 5000);
    let page = html(&of_plan(&big, &NoSchemas), "infinstor plan");
    assert!(page.contains(r#"type="application/gzip+base64""#));
    assert!(page.len() < 2 * 1024 * 1024, "{} bytes", page.len());
}

/// The page with its stylesheet and script left out and its data pretty-printed: what a
/// change to the page's structure or data shows in review.
fn structure(page: &str) -> String {
    let cut = |text: &str, open: &str, close: &str, name: &str| -> String {
        let Some(start) = text.find(open) else {
            return text.to_string();
        };
        let body = start + open.len();
        let end = body + text[body..].find(close).unwrap_or(0);
        format!("{}{open}[{name}: {} bytes]{}", &text[..start], end - body, &text[end..])
    };
    let page = cut(page, "<style>", "</style>", "stylesheet");
    let page = cut(&page, "<script>", "</script>", "page.js");
    let open = r#"<script id="plan-data" type="application/json">"#;
    let start = page.find(open).expect("data") + open.len();
    let end = start + page[start..].find("</script>").expect("end of data");
    let data: serde_json::Value = serde_json::from_str(&page[start..end]).expect("data is JSON");
    format!(
        "{}\n{}\n{}",
        &page[..start],
        serde_json::to_string_pretty(&data).expect("JSON"),
        &page[end..]
    )
}

#[test]
fn page_structure_and_data() {
    let pic = of_plan(&tenants(2), &NoSchemas);
    insta::assert_snapshot!(structure(&html(&pic, "infinstor plan")));
}

#[test]
fn plan_as_dot_and_svg() {
    let pic = of_plan(&tenants(2), &NoSchemas);
    insta::assert_snapshot!("plan_dot", super::dot::dot(&pic));
    insta::assert_snapshot!("plan_svg", super::svg::svg(&pic));
}

#[test]
fn moves_and_changes_made_outside_are_said_on_their_nodes() {
    let mut p = plan(vec![
        change("aws_s3_bucket.kept", Action::NoOp, &[]),
        change("aws_s3_bucket.touched", Action::Update, &[]),
    ]);
    p.moves.push(crate::core::plan::StateMove {
        from: "aws_s3_bucket.old".parse().expect("address"),
        to: "aws_s3_bucket.kept".parse().expect("address"),
    });
    p.drift.push(change("aws_s3_bucket.touched", Action::Update, &[]));
    let pic = of_plan(&p, &NoSchemas);
    assert_eq!(pic.nodes[0].kind, Kind::Move);
    assert_eq!(pic.nodes[0].reasons, vec!["moved from aws_s3_bucket.old".to_string()]);
    assert_eq!(
        pic.nodes[1].reasons,
        vec!["changed outside infinstor since the last apply".to_string()]
    );
    assert!(
        pic.nodes[1]
            .diff
            .contains("  # aws_s3_bucket.touched changed outside infinstor:\n"),
        "{}",
        pic.nodes[1].diff
    );
}
