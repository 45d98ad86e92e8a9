//! Markdown for pull-request review: summary first, destroys and replacements and the access
//! review above everything else, then one collapsible diff per changed resource — and the
//! whole comment fits in GitHub's limit.
//!
//! When the full plan is larger than `max_chars`, detail is dropped least-important first:
//! unchanged attributes, then the bodies of plain creates, then of updates, then of the rest;
//! the summary, the destroy/replace list and the access review always stay. What was left out
//! is said, with the command that shows everything. Sections are whole units, so nothing is
//! ever cut inside a code fence or an HTML tag.

use crate::core::finding::Severity;
use crate::core::plan::{Action, Change, Plan};
use crate::core::provider::ProviderFactory;
use crate::review::text;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// GitHub's comment limit is 65,536 characters; leave room for a marker line a bot may add.
pub const DEFAULT_MAX_CHARS: usize = 65_000;

fn action_word(a: Action) -> &'static str {
    match a {
        Action::Create => "create",
        Action::Update => "update",
        Action::Replace { .. } => "replace",
        Action::Delete | Action::DeleteDeposed => "destroy",
        Action::Forget => "forget",
        Action::Read => "read",
        Action::NoOp => "no-op",
    }
}

fn header_sentence(c: &Change) -> String {
    match c.action {
        Action::Create => "will be created".into(),
        Action::Update => "will be updated in-place".into(),
        Action::Replace {
            create_before_destroy: false,
        } => "must be replaced (destroy, then create)".into(),
        Action::Replace {
            create_before_destroy: true,
        } => "must be replaced (create, then destroy)".into(),
        Action::Delete => "will be destroyed".into(),
        Action::DeleteDeposed => "(deposed object) will be destroyed".into(),
        Action::Forget => "will no longer be managed (it stays in AWS)".into(),
        Action::Read => "will be read during apply".into(),
        Action::NoOp => "is unchanged".into(),
    }
}

/// Moves each line's change marker to the first column so a ```diff fence colours it.
fn diff_lines(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let (marker, rest) = if let Some(r) = trimmed.strip_prefix("-/+ ").or_else(|| trimmed.strip_prefix("+/- ")) {
            ("!", r)
        } else if let Some(r) = trimmed.strip_prefix("+ ") {
            ("+", r)
        } else if let Some(r) = trimmed.strip_prefix("- ") {
            ("-", r)
        } else if let Some(r) = trimmed.strip_prefix("~ ") {
            ("!", r)
        } else if let Some(r) = trimmed.strip_prefix("<= ") {
            ("!", r)
        } else {
            (" ", trimmed)
        };
        let _ = writeln!(out, "{marker}{}{rest}", " ".repeat(indent.max(1)));
    }
    // A fence inside a value must not close ours.
    out.replace("```", "` ` `")
}

fn detail_block(c: &Change, schemas: &dyn ProviderFactory, show_unchanged: bool) -> String {
    let body = text::change_body(c, schemas, show_unchanged);
    format!(
        "<details><summary><code>{}</code> {}</summary>\n\n```diff\n{}```\n\n</details>\n",
        c.addr,
        header_sentence(c),
        diff_lines(&body)
    )
}

fn summary(plan: &Plan) -> String {
    let mut out = String::new();
    let (add, change, destroy) = plan.counts();
    let _ = writeln!(out, "## infinstor plan\n");
    if !plan.has_changes() {
        let _ = writeln!(out, "**No changes.** The infrastructure matches the configuration.\n");
        return out;
    }
    let _ = writeln!(
        out,
        "**Plan: {add} to add, {change} to change, {destroy} to destroy.**\n"
    );
    for m in &plan.moves {
        let _ = writeln!(out, "- `{}` moves to `{}` in state", m.from, m.to);
    }
    if !plan.moves.is_empty() {
        out.push('\n');
    }
    let mut by_action: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_type: BTreeMap<&str, [usize; 5]> = BTreeMap::new();
    for c in plan.effective_changes() {
        *by_action.entry(action_word(c.action)).or_default() += 1;
        let idx = match c.action {
            Action::Create => 0,
            Action::Update => 1,
            Action::Replace { .. } => 2,
            Action::Delete => 3,
            _ => 4,
        };
        by_type.entry(c.addr.resource.type_.as_str()).or_default()[idx] += 1;
    }
    let _ = writeln!(out, "| action | count |\n|---|---:|");
    for a in ["create", "update", "replace", "destroy", "read"] {
        if let Some(n) = by_action.get(a) {
            let _ = writeln!(out, "| {a} | {n} |");
        }
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "| resource type | create | update | replace | destroy | read |\n|---|---:|---:|---:|---:|---:|"
    );
    for (t, n) in &by_type {
        let _ = writeln!(out, "| `{t}` | {} | {} | {} | {} | {} |", n[0], n[1], n[2], n[3], n[4]);
    }
    out.push('\n');
    out
}

fn destroy_list(plan: &Plan) -> String {
    let risky: Vec<&Change> = plan
        .effective_changes()
        .filter(|c| matches!(c.action, Action::Delete | Action::Replace { .. }))
        .collect();
    if risky.is_empty() {
        return String::new();
    }
    let mut out = String::from("> [!WARNING]\n> **Destroyed or replaced:**\n>\n");
    for c in risky {
        let why = c.reason.clone().unwrap_or_default();
        let _ = writeln!(
            out,
            "> - `{}` {}{}",
            c.addr,
            header_sentence(c),
            if why.is_empty() {
                String::new()
            } else {
                format!(": {why}")
            }
        );
    }
    out.push('\n');
    out
}

fn access_section(plan: &Plan) -> String {
    if plan.access.is_empty() {
        return String::new();
    }
    let mut out = String::from("### Access review\n\n");
    for f in &plan.access {
        let tag = match f.severity {
            Severity::High => "**⚠ review**",
            Severity::Grant => "grants",
            Severity::Condition => "condition",
            Severity::Revoke => "revokes",
        };
        let _ = writeln!(out, "- {tag} `{}`: {}", f.address, f.message.replace('|', "\\|"));
    }
    out.push('\n');
    out
}

fn outputs_section(plan: &Plan) -> String {
    let changed: Vec<_> = plan
        .outputs
        .iter()
        .filter(|(_, o)| o.before.as_ref() != Some(&o.after))
        .collect();
    if changed.is_empty() {
        return String::new();
    }
    let mut out = String::from("<details><summary>Changes to outputs</summary>\n\n```diff\n");
    for (k, o) in changed {
        let shown = if o.sensitive {
            "(sensitive value)".to_string()
        } else {
            text::scalar_text(&o.after)
        };
        let line = match &o.before {
            None => format!("+ {k} = {shown}"),
            Some(b) => format!(
                "! {k} = {} -> {shown}",
                if o.sensitive {
                    "(sensitive value)".to_string()
                } else {
                    text::scalar_text(b)
                }
            ),
        };
        let _ = writeln!(out, "{}", line.replace("```", "` ` `"));
    }
    out.push_str("```\n\n</details>\n\n");
    out
}

/// Which changes keep their diff body at a level of detail.
fn keeps_body(level: u8, c: &Change) -> bool {
    match level {
        0 | 1 => true,
        2 => c.action != Action::Create,
        3 => !matches!(c.action, Action::Create | Action::Update | Action::Read),
        _ => false,
    }
}

fn compact_list(title: &str, items: &[String], limit: Option<usize>) -> String {
    if items.is_empty() {
        return String::new();
    }
    let shown = limit.unwrap_or(items.len()).min(items.len());
    let mut out = format!("<details><summary>{title} ({})</summary>\n\n", items.len());
    for i in &items[..shown] {
        let _ = writeln!(out, "- {i}");
    }
    if shown < items.len() {
        let _ = writeln!(out, "- … and {} more", items.len() - shown);
    }
    out.push_str("\n</details>\n\n");
    out
}

fn render_level(
    plan: &Plan,
    schemas: &dyn ProviderFactory,
    level: u8,
    list_limit: Option<usize>,
    show_cmd: &str,
) -> String {
    let mut out = summary(plan);
    out.push_str(&destroy_list(plan));
    out.push_str(&access_section(plan));
    let changes: Vec<&Change> = plan.effective_changes().collect();
    if !changes.is_empty() {
        out.push_str("### Changes\n\n");
    }
    let mut left_out: Vec<String> = Vec::new();
    let mut dropped = BTreeMap::<&str, usize>::new();
    for c in &changes {
        if keeps_body(level, c) {
            out.push_str(&detail_block(c, schemas, level == 0));
            out.push('\n');
        } else {
            left_out.push(format!("`{}` {}", c.addr, header_sentence(c)));
            *dropped.entry(action_word(c.action)).or_default() += 1;
        }
    }
    out.push_str(&compact_list(
        "Changes listed without their diff",
        &left_out,
        list_limit,
    ));
    out.push_str(&outputs_section(plan));
    if level > 0 || list_limit.is_some() {
        let mut what = Vec::new();
        if level >= 1 {
            what.push("unchanged attributes".to_string());
        }
        for (a, n) in &dropped {
            what.push(format!("the diffs of {n} {a}{}", if *n == 1 { "" } else { "s" }));
        }
        let _ = writeln!(
            out,
            "_To fit in one comment, {} {} left out. Run `{show_cmd}` to see everything._",
            what.join(", "),
            if what.len() == 1 && what[0].starts_with("unchanged") {
                "were"
            } else {
                "were"
            }
        );
    }
    out
}

/// Renders a plan as Markdown of at most `max_chars` characters (as far as the summary, the
/// destroy list and the access review allow). `show_cmd` is the command that shows everything.
pub fn markdown(plan: &Plan, schemas: &dyn ProviderFactory, max_chars: usize, show_cmd: &str) -> String {
    for level in 0..=4u8 {
        let text = render_level(plan, schemas, level, None, show_cmd);
        if text.chars().count() <= max_chars {
            return text;
        }
    }
    // Even the list of addresses is too long: shorten it until it fits.
    let total = plan.effective_changes().count();
    let mut limit = total;
    loop {
        let text = render_level(plan, schemas, 4, Some(limit), show_cmd);
        if text.chars().count() <= max_chars || limit == 0 {
            return text;
        }
        let over = text.chars().count() - max_chars;
        // Each listed line is ~60-120 characters; step down by what must go, at least one.
        limit = limit.saturating_sub((over / 60).max(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::finding::Finding;
    use crate::core::value::{map, Value};

    fn change(addr: &str, action: Action) -> Change {
        let value = map([
            ("bucket", Value::from(addr.replace(['.', '[', ']', '"'], "-"))),
            ("arn", Value::UNKNOWN),
            (
                "tags",
                map([("Team", Value::from("ml")), ("Owner", Value::from("platform"))]),
            ),
            (
                "policy",
                Value::from(r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#),
            ),
        ]);
        Change {
            addr: addr.parse().expect("address"),
            provider: "aws".into(),
            action,
            before: (action != Action::Create).then(|| value.clone()),
            after: (action != Action::Delete).then_some(value),
            requires_replace: Vec::new(),
            reason: matches!(action, Action::Delete | Action::Replace { .. })
                .then(|| "its configuration was removed".to_string()),
            dependencies: Vec::new(),
            private: None,
            details: Vec::new(),
        }
    }

    fn big_plan(n: usize) -> Plan {
        let mut changes: Vec<Change> = (0..n)
            .map(|i| change(&format!("aws_s3_bucket.b[{i}]"), Action::Create))
            .collect();
        changes.push(change("aws_iam_role.old", Action::Delete));
        changes.push(change(
            "aws_s3_bucket.renamed",
            Action::Replace {
                create_before_destroy: false,
            },
        ));
        Plan::of_changes(
            changes,
            vec![Finding {
                severity: Severity::High,
                address: "aws_iam_role.r".into(),
                attribute: Some("assume_role_policy".into()),
                message: "trusts AWS account 697756613082 (arn:aws:iam::697756613082:root)".into(),
            }],
        )
    }

    fn balanced(md: &str) {
        assert_eq!(md.matches("```").count() % 2, 0, "fences balanced");
        assert_eq!(
            md.matches("<details>").count(),
            md.matches("</details>").count(),
            "tags balanced"
        );
    }

    #[test]
    fn a_2000_resource_plan_fits_a_comment_with_summary_destroys_and_access_review() {
        let plan = big_plan(2000);
        let md = markdown(
            &plan,
            &crate::core::provider::NoSchemas,
            DEFAULT_MAX_CHARS,
            "infinstor show plan.out",
        );
        assert!(md.chars().count() <= DEFAULT_MAX_CHARS, "{} chars", md.chars().count());
        assert!(md.contains("**Plan: 2001 to add, 0 to change, 2 to destroy.**"));
        assert!(md.contains("`aws_iam_role.old` will be destroyed: its configuration was removed"));
        assert!(md.contains("`aws_s3_bucket.renamed` must be replaced"));
        assert!(md.contains("trusts AWS account 697756613082"));
        assert!(md.contains("Run `infinstor show plan.out` to see everything."));
        balanced(&md);
        assert_eq!(
            md,
            markdown(
                &plan,
                &crate::core::provider::NoSchemas,
                DEFAULT_MAX_CHARS,
                "infinstor show plan.out"
            ),
            "deterministic"
        );
    }

    #[test]
    fn detail_is_dropped_least_important_first() {
        let plan = big_plan(40);
        let full = markdown(&plan, &crate::core::provider::NoSchemas, usize::MAX, "x");
        assert!(
            full.contains("\"Team\""),
            "unchanged attributes shown when there is room"
        );
        assert!(!full.contains("left out"));
        // Room for diffs of replacements and deletes, but not of the 40 creates.
        let budget = render_level(&plan, &crate::core::provider::NoSchemas, 2, None, "x")
            .chars()
            .count();
        let md = markdown(&plan, &crate::core::provider::NoSchemas, budget, "x");
        assert!(md.chars().count() <= budget);
        assert!(
            md.contains("<code>aws_s3_bucket.renamed</code> must be replaced"),
            "replacement keeps its diff"
        );
        assert!(
            !md.contains("<code>aws_s3_bucket.b[0]</code>"),
            "plain creates lose their diff first"
        );
        assert!(
            md.contains("`aws_s3_bucket.b[0]` will be created"),
            "but are still listed"
        );
        assert!(md.contains("the diffs of 40 creates"));
        balanced(&md);
    }

    #[test]
    fn a_tiny_budget_keeps_the_essentials_and_shortens_lists() {
        let plan = big_plan(500);
        let md = markdown(&plan, &crate::core::provider::NoSchemas, 3000, "x");
        assert!(md.contains("**Plan: 501 to add"));
        assert!(md.contains("`aws_iam_role.old` will be destroyed"));
        assert!(md.contains("trusts AWS account 697756613082"));
        assert!(md.contains("… and "));
        balanced(&md);
    }
}
