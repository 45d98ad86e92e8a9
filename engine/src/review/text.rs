//! Renders plans for people. Renderers read the [`Plan`]; they never compute the diff.
//!
//! The text form follows Terraform's: `# ADDR will be created`, `+ ~ - -/+ <=` markers,
//! `(known after apply)`, `# forces replacement`, and `Plan: N to add, N to change, N to
//! destroy.` JSON documents and multi-line strings are shown as a line diff of their pretty form.

use crate::core::document;
use crate::core::finding::Severity;
use crate::core::plan::{Action, Change, Plan};
use crate::core::provider::ProviderFactory;
use crate::core::schema::{Attribute, Nesting, Schema};
use crate::core::value::Value;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Terminal colours, or none.
#[derive(Clone, Copy)]
struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn marker(&self, m: &str) -> String {
        match m.trim() {
            "+" => self.paint("32", m),
            "-" => self.paint("31", m),
            "~" => self.paint("33", m),
            "-/+" | "+/-" => self.paint("31", m),
            "<=" => self.paint("36", m),
            _ => m.to_string(),
        }
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
}

/// Which side of a diff a value is on.
#[derive(Clone, Copy, PartialEq)]
enum Side {
    Create,
    Delete,
    Update,
    Same,
}

fn sym(side: Side) -> &'static str {
    match side {
        Side::Create => "+",
        Side::Delete => "-",
        Side::Update => "~",
        Side::Same => " ",
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Sensitive(_) => "(sensitive value)".into(),
        Value::Unknown(_) => "(known after apply)".into(),
        Value::Null => "null".into(),
        Value::String(s) => serde_json::Value::String(s.clone()).to_string(),
        other => other.to_string(),
    }
}

fn is_multiline_doc(v: &Value, attr: Option<&Attribute>) -> Option<String> {
    let s = v.as_str()?;
    if let Value::Sensitive(_) = v {
        return None;
    }
    let t = s.trim_start();
    if (t.starts_with('{') || t.starts_with('[')) && serde_json::from_str::<serde_json::Value>(s).is_ok() {
        return Some(document::pretty(attr, s));
    }
    if s.contains('\n') {
        return Some(s.to_string());
    }
    None
}

/// Renders one attribute line (or block of lines) at `indent`.
fn attr_lines(
    out: &mut Vec<String>,
    st: Style,
    indent: usize,
    name: &str,
    width: usize,
    before: Option<&Value>,
    after: Option<&Value>,
    forces: bool,
    attr: Option<&Attribute>,
) {
    let pad = " ".repeat(indent);
    let name_col = format!("{name:<width$}");
    let force = if forces { " # forces replacement" } else { "" };
    let side = match (before, after) {
        (None, Some(_)) => Side::Create,
        (Some(_), None) => Side::Delete,
        (Some(a), Some(b)) if a == b => Side::Same,
        _ => Side::Update,
    };
    let m = st.marker(sym(side));
    // Documents: a line diff of their pretty forms.
    let bdoc = before.and_then(|v| is_multiline_doc(v, attr));
    let adoc = after.and_then(|v| is_multiline_doc(v, attr));
    if bdoc.is_some() || adoc.is_some() {
        let b = bdoc
            .or_else(|| before.filter(|v| !v.is_null()).map(scalar))
            .unwrap_or_default();
        let a = adoc
            .or_else(|| after.filter(|v| !v.is_null()).map(scalar))
            .unwrap_or_default();
        out.push(format!("{pad}{m} {name_col} = <<-EOT{force}"));
        let diff = similar::TextDiff::from_lines(&b, &a);
        // A changed document shows its changes with three lines of context, as Terraform does;
        // the lines in between are counted, not shown.
        let groups = if b.is_empty() || a.is_empty() {
            vec![diff.ops().to_vec()]
        } else {
            diff.grouped_ops(3)
        };
        let mut shown_to = 0;
        for group in &groups {
            let first_old = group.first().map(|op| op.old_range().start).unwrap_or(0);
            if first_old > shown_to {
                out.push(format!(
                    "{pad}      # ({} unchanged lines hidden)",
                    first_old - shown_to
                ));
            }
            for op in group {
                for change in diff.iter_changes(op) {
                    let line = change.value().trim_end_matches('\n');
                    let (s, color) = match change.tag() {
                        similar::ChangeTag::Delete => ("-", true),
                        similar::ChangeTag::Insert => ("+", true),
                        similar::ChangeTag::Equal => (" ", false),
                    };
                    let mk = if color { st.marker(s) } else { s.to_string() };
                    out.push(format!("{pad}    {mk} {line}"));
                }
                shown_to = op.old_range().end;
            }
        }
        let old_lines = b.lines().count();
        if !groups.is_empty() && shown_to < old_lines {
            out.push(format!(
                "{pad}      # ({} unchanged lines hidden)",
                old_lines - shown_to
            ));
        }
        out.push(format!("{pad}  EOT"));
        return;
    }
    match (before.map(|v| v), after.map(|v| v)) {
        (_, Some(Value::List(items))) | (Some(Value::List(items)), None)
            if !items.is_empty() || side != Side::Update =>
        {
            let old: Vec<Value> = before.and_then(|b| b.as_list()).map(|l| l.to_vec()).unwrap_or_default();
            let new: Vec<Value> = after.and_then(|a| a.as_list()).map(|l| l.to_vec()).unwrap_or_default();
            if old.is_empty() && new.is_empty() {
                out.push(format!("{pad}{m} {name_col} = []{force}"));
                return;
            }
            out.push(format!("{pad}{m} {name_col} = [{force}"));
            for v in &old {
                if !new.contains(v) {
                    out.push(format!("{pad}    {} {},", st.marker("-"), scalar(v)));
                }
            }
            for v in &new {
                let s = if old.contains(v) || side == Side::Same {
                    " ".to_string()
                } else {
                    st.marker("+")
                };
                out.push(format!("{pad}    {s} {},", scalar(v)));
            }
            out.push(format!("{pad}  ]"));
        }
        (_, Some(Value::Map(map))) | (Some(Value::Map(map)), None)
            if !map.is_empty() || before.and_then(|b| b.as_map()).map(|m| !m.is_empty()).unwrap_or(false) =>
        {
            let old = before.and_then(|b| b.as_map()).cloned().unwrap_or_default();
            let new = after.and_then(|a| a.as_map()).cloned().unwrap_or_default();
            out.push(format!("{pad}{m} {name_col} = {{{force}"));
            let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
            let kw = keys.iter().map(|k| k.len() + 2).max().unwrap_or(0);
            for k in keys {
                let qk = format!("{:<kw$}", serde_json::Value::String(k.clone()).to_string());
                match (old.get(k), new.get(k)) {
                    (Some(a), Some(b)) if a == b => out.push(format!("{pad}      {qk} = {}", scalar(b))),
                    (Some(a), Some(b)) => out.push(format!(
                        "{pad}    {} {qk} = {} -> {}",
                        st.marker("~"),
                        scalar(a),
                        scalar(b)
                    )),
                    (None, Some(b)) => out.push(format!("{pad}    {} {qk} = {}", st.marker("+"), scalar(b))),
                    (Some(a), None) => out.push(format!("{pad}    {} {qk} = {} -> null", st.marker("-"), scalar(a))),
                    (None, None) => {}
                }
            }
            out.push(format!("{pad}  }}"));
        }
        _ => {
            let line = match side {
                Side::Create => format!("{pad}{m} {name_col} = {}{force}", scalar(after.unwrap_or(&Value::Null))),
                Side::Delete => format!(
                    "{pad}{m} {name_col} = {} -> null{force}",
                    scalar(before.unwrap_or(&Value::Null))
                ),
                Side::Same => format!("{pad}{m} {name_col} = {}", scalar(after.unwrap_or(&Value::Null))),
                Side::Update => format!(
                    "{pad}{m} {name_col} = {} -> {}{force}",
                    scalar(before.unwrap_or(&Value::Null)),
                    scalar(after.unwrap_or(&Value::Null))
                ),
            };
            out.push(line);
        }
    }
}

fn meaningful(v: &Value) -> bool {
    match v.unmark().0 {
        Value::Null => false,
        Value::List(l) => !l.is_empty(),
        Value::Map(m) => !m.is_empty(),
        _ => true,
    }
}

/// Renders an object's attributes (and nested blocks, which are lists of objects).
fn object_lines(
    out: &mut Vec<String>,
    st: Style,
    indent: usize,
    before: Option<&Value>,
    after: Option<&Value>,
    forcing: &[String],
    show_same: bool,
    schema: Option<&Schema>,
) {
    let empty = std::collections::BTreeMap::new();
    let b = before.and_then(|v| v.as_map()).unwrap_or(&empty);
    let a = after.and_then(|v| v.as_map()).unwrap_or(&empty);
    // A write-only attribute is null in every plan, and still shown where Terraform shows it.
    let write_only: BTreeSet<&String> = schema
        .map(|s| {
            s.attributes
                .iter()
                .filter(|(_, a)| a.write_only)
                .map(|(k, _)| k)
                .collect()
        })
        .unwrap_or_default();
    let keys: BTreeSet<&String> = b.keys().chain(a.keys()).chain(write_only.iter().copied()).collect();
    let is_block = |v: Option<&Value>| {
        v.and_then(|x| x.as_list())
            .map(|l| !l.is_empty() && l.iter().all(|i| matches!(i, Value::Map(_))))
            .unwrap_or(false)
    };
    let mut attrs = Vec::new();
    let mut blocks = Vec::new();
    for k in keys {
        let (bv, av) = (b.get(k), a.get(k));
        if is_block(bv) || is_block(av) {
            blocks.push((k, bv, av));
        } else {
            attrs.push((k, bv, av));
        }
    }
    let mut hidden = 0;
    let mut rows = Vec::new();
    for (k, bv, av) in attrs {
        let bv = bv.filter(|v| meaningful(v) || before.is_some() && after.is_some());
        let av = av.filter(|v| meaningful(v) || before.is_some() && after.is_some());
        match (before.is_some(), after.is_some()) {
            (false, true) if write_only.contains(k) => rows.push((k, None, Some(&Value::Null))),
            (true, false) if write_only.contains(k) => rows.push((k, Some(&Value::Null), None)),
            (false, true) => {
                if let Some(v) = av.filter(|v| meaningful(v)) {
                    rows.push((k, None, Some(v)));
                }
            }
            (true, false) => {
                if let Some(v) = bv.filter(|v| meaningful(v)) {
                    rows.push((k, Some(v), None));
                }
            }
            _ => {
                let bb = bv.cloned().unwrap_or(Value::Null);
                let aa = av.cloned().unwrap_or(Value::Null);
                let same = bb == aa || (!meaningful(&bb) && !meaningful(&aa));
                if same {
                    if show_same || k == "id" || k == "name" || k == "bucket" {
                        rows.push((k, Some(bv.unwrap_or(&Value::Null)), Some(av.unwrap_or(&Value::Null))));
                    } else {
                        hidden += 1;
                    }
                } else {
                    rows.push((k, bv.or(Some(&Value::Null)), av.or(Some(&Value::Null))));
                }
            }
        }
    }
    let width = rows.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
    for (k, bv, av) in rows {
        let (bv, av) = match (bv, av) {
            (Some(x), Some(y)) if !meaningful(x) && before.is_some() && after.is_some() && meaningful(y) => {
                (Some(x), Some(y))
            }
            other => other,
        };
        if write_only.contains(k) {
            let pad = " ".repeat(indent);
            let (m, tail) = match (bv, av) {
                (None, _) => ("+", ""),
                (_, None) => ("-", " -> null"),
                _ => (" ", ""),
            };
            out.push(format!(
                "{pad}{} {k:<width$} = (write-only attribute){tail}",
                st.marker(m)
            ));
            continue;
        }
        let attr = schema.and_then(|s| s.attributes.get(k.as_str()));
        attr_lines(out, st, indent, k, width, bv, av, forcing.contains(k), attr);
    }
    for (k, bv, av) in blocks {
        let empty_list = Vec::new();
        let bl = bv.and_then(|v| v.as_list()).unwrap_or(&empty_list);
        let al = av.and_then(|v| v.as_list()).unwrap_or(&empty_list);
        let pad = " ".repeat(indent);
        let inner = schema.and_then(|s| s.blocks.get(k.as_str())).map(|b| &b.schema);
        let forces = if forcing.contains(k) {
            " # forces replacement"
        } else {
            ""
        };
        // A block of at most one, or a list, changes element by element, as Terraform shows
        // it (`~ rule { ~ days = 7 -> 14 }`); a set's elements have no place to pair them by.
        let by_place = before.is_some()
            && after.is_some()
            && schema
                .and_then(|s| s.blocks.get(k.as_str()))
                .is_some_and(|b| b.nesting != Nesting::Set);
        let (bl, al) = if by_place {
            let paired = bl.len().min(al.len());
            for (x, y) in bl.iter().zip(al.iter()) {
                if x == y {
                    hidden += usize::from(!show_same);
                    if show_same {
                        out.push(format!("{pad}  {k} {{"));
                        object_lines(out, st, indent + 4, Some(x), Some(y), &[], true, inner);
                        out.push(format!("{pad}  }}"));
                    }
                    continue;
                }
                out.push(format!("{pad}{} {k} {{{forces}", st.marker("~")));
                object_lines(out, st, indent + 4, Some(x), Some(y), &[], show_same, inner);
                out.push(format!("{pad}  }}"));
            }
            (&bl[paired..], &al[paired..])
        } else {
            (&bl[..], &al[..])
        };
        for item in bl {
            if after.is_some() && al.contains(item) {
                if show_same {
                    out.push(format!("{pad}  {k} {{"));
                    object_lines(out, st, indent + 4, Some(item), Some(item), &[], true, inner);
                    out.push(format!("{pad}  }}"));
                } else {
                    hidden += 1;
                }
                continue;
            }
            out.push(format!("{pad}{} {k} {{{forces}", st.marker("-")));
            object_lines(out, st, indent + 4, Some(item), None, &[], false, inner);
            out.push(format!("{pad}  }}"));
        }
        for item in al {
            if before.is_some() && bl.contains(item) {
                continue;
            }
            out.push(format!("{pad}{} {k} {{{forces}", st.marker("+")));
            object_lines(out, st, indent + 4, None, Some(item), &[], false, inner);
            out.push(format!("{pad}  }}"));
        }
    }
    if hidden > 0 {
        let pad = " ".repeat(indent + 2);
        out.push(format!(
            "{pad}# ({hidden} unchanged {} hidden)",
            if hidden == 1 { "attribute" } else { "attributes" }
        ));
    }
}

fn header(c: &Change) -> (String, &'static str) {
    let addr = c.addr.to_string();
    match c.action {
        Action::Create => (format!("# {addr} will be created"), "+"),
        Action::Update => (format!("# {addr} will be updated in-place"), "~"),
        Action::Replace {
            create_before_destroy: false,
        } => (format!("# {addr} must be replaced"), "-/+"),
        Action::Replace {
            create_before_destroy: true,
        } => (format!("# {addr} must be replaced"), "+/-"),
        Action::Delete => (format!("# {addr} will be destroyed"), "-"),
        Action::DeleteDeposed => (format!("# {addr} (deposed object) will be destroyed"), "-"),
        Action::Forget => (
            format!("# {addr} will no longer be managed by infinstor (the object stays in AWS)"),
            ".",
        ),
        Action::Read => (format!("# {addr} will be read during apply"), "<="),
        Action::NoOp => (format!("# {addr} is unchanged"), " "),
    }
}

/// A value as shown in a plan (`(sensitive value)`, `(known after apply)`, quoted strings).
pub fn scalar_text(v: &Value) -> String {
    scalar(v)
}

/// One change without its `# ADDR will be ...` header, uncoloured; `show_unchanged` also lists
/// attributes that do not change.
pub fn change_body(c: &Change, schemas: &dyn ProviderFactory, show_unchanged: bool) -> String {
    resource_lines(c, Style { color: false }, show_unchanged, schemas).join("\n") + "\n"
}

/// Renders one change as Terraform does.
pub fn change_text(c: &Change, schemas: &dyn ProviderFactory, color: bool) -> String {
    let st = Style { color };
    let (head, _) = header(c);
    let mut lines = vec![format!("  {}", st.bold(&head))];
    if let Some(reason) = &c.reason {
        if matches!(c.action, Action::Delete | Action::Read | Action::Replace { .. }) {
            lines.push(format!("  # ({reason})"));
        }
    }
    lines.extend(resource_lines(c, st, false, schemas));
    lines.join("\n")
}

fn resource_lines(c: &Change, st: Style, show_unchanged: bool, schemas: &dyn ProviderFactory) -> Vec<String> {
    let (_, m) = header(c);
    let mut lines = Vec::new();
    let kind = if c.addr.resource.mode == crate::core::addr::Mode::Data {
        "data"
    } else {
        "resource"
    };
    let pad = if m.len() == 3 { "" } else { &"   "[..3 - m.len() - 1] };
    lines.push(format!(
        "{pad} {} {kind} \"{}\" \"{}\" {{",
        st.marker(m),
        c.addr.resource.type_,
        c.addr.resource.name
    ));
    let mut body = Vec::new();
    let before = match c.action {
        Action::Create | Action::Read => None,
        _ => c.before.as_ref(),
    };
    let after = match c.action {
        Action::Delete => None,
        _ => c.after.as_ref(),
    };
    // The schema says which attributes are documents and how the provider reads them.
    let schema = schemas.schema(c.addr.resource.mode, &c.addr.resource.type_);
    object_lines(
        &mut body,
        st,
        6,
        before,
        after,
        &c.requires_replace,
        show_unchanged,
        schema.as_ref(),
    );
    lines.extend(body);
    for d in &c.details {
        lines.push(format!("      # {d}"));
    }
    lines.push("    }".to_string());
    lines
}

/// "N to import, " as Terraform's summary starts when import blocks adopt objects.
fn import_count(plan: &Plan) -> String {
    match plan.imports.len() {
        0 => String::new(),
        n => format!("{n} to import, "),
    }
}

/// Terraform's summary line of a plan with changes: `Plan: N to add, N to change, N to destroy.`
pub fn summary_line(plan: &Plan) -> String {
    let (add, change, destroy) = plan.counts();
    format!(
        "Plan: {}{add} to add, {change} to change, {destroy} to destroy{}.",
        import_count(plan),
        match plan.changes.iter().filter(|c| c.action == Action::Forget).count() {
            0 => String::new(),
            n => format!(", {n} to forget"),
        }
    )
}

/// The whole plan as text.
pub fn text(plan: &Plan, schemas: &dyn ProviderFactory, color: bool) -> String {
    let st = Style { color };
    let mut out = String::new();
    let drift: Vec<&Change> = plan.drift.iter().collect();
    if !drift.is_empty() {
        let _ = writeln!(out, "\n{}\n", st.bold("Objects have changed outside of infinstor"));
        let _ = writeln!(
            out,
            "infinstor detected the following changes made outside of infinstor since the last apply:\n"
        );
        for c in &drift {
            let mut c2 = (*c).clone();
            let verb = match c.action {
                Action::Delete => "has been deleted",
                Action::Create => "has been adopted",
                _ => "has changed",
            };
            let _ = writeln!(out, "  {}", st.bold(&format!("# {} {verb}", c.addr)));
            if let Some(r) = &c.reason {
                let _ = writeln!(out, "  # ({r})");
            }
            c2.reason = None;
            let full = change_text(&c2, schemas, color);
            // Skip the generated header line: the drift header above replaces it.
            for line in full.lines().skip(1) {
                let _ = writeln!(out, "{line}");
            }
            out.push('\n');
        }
        if plan.refresh_only {
            let _ = writeln!(
                out,
                "This is a refresh-only plan: infinstor will not undo these changes. Apply it to record the updated values in state without changing any object in AWS.\n"
            );
            return out;
        }
        let _ = writeln!(
            out,
            "Unless you have made equivalent changes to your configuration, the plan below will undo them.\n"
        );
    }
    if plan.refresh_only {
        let _ = writeln!(
            out,
            "\n{}",
            st.bold("No changes. Your infrastructure still matches the state: nothing changed outside infinstor.")
        );
        return out;
    }
    let changes: Vec<&Change> = plan.effective_changes().collect();
    let output_changes: Vec<(&String, &crate::core::plan::OutputChange)> = plan
        .outputs
        .iter()
        .filter(|(_, o)| o.before.as_ref() != Some(&o.after))
        .collect();
    if !plan.imports.is_empty() {
        let _ = writeln!(out, "\n{}\n", st.bold("Objects that import blocks adopt into state:"));
        for i in &plan.imports {
            let _ = writeln!(
                out,
                "  {}",
                st.bold(&format!("# {} will be imported (id {:?})", i.addr, i.id))
            );
        }
    }
    if !plan.moves.is_empty() {
        let _ = writeln!(out, "\n{}\n", st.bold("Objects that move to a new address in state:"));
        for m in &plan.moves {
            let _ = writeln!(out, "  {}", st.bold(&format!("# {} has moved to {}", m.from, m.to)));
        }
    }
    if changes.is_empty() && output_changes.is_empty() {
        if !plan.moves.is_empty() || !plan.imports.is_empty() {
            let _ = writeln!(
                out,
                "\n{}",
                st.bold(&format!(
                    "Plan: {}0 to add, 0 to change, 0 to destroy; apply records the {} in state.",
                    import_count(plan),
                    if plan.imports.is_empty() { "moves" } else { "imports" }
                ))
            );
            return out;
        }
        let _ = writeln!(
            out,
            "\n{}",
            st.bold("No changes. Your infrastructure matches the configuration.")
        );
        let _ = writeln!(out, "\ninfinstor has compared your real infrastructure against your configuration and found no differences, so no changes are needed.");
        return out;
    }
    if !plan.access.is_empty() {
        let _ = writeln!(
            out,
            "\n{}\n",
            st.bold("Access review (who gains or loses access to what):")
        );
        for f in &plan.access {
            let marker = match f.severity {
                Severity::High => st.paint("1;31", "!"),
                Severity::Grant => st.marker("+"),
                Severity::Condition => st.marker("~"),
                Severity::Revoke => st.marker("-"),
            };
            let _ = writeln!(out, "  {marker} {}: {}", f.address, f.message);
        }
    }
    if !changes.is_empty() {
        let mut symbols = BTreeSet::new();
        for c in &changes {
            symbols.insert(match c.action {
                Action::Create => 0,
                Action::Update => 1,
                Action::Delete | Action::DeleteDeposed => 2,
                Action::Replace {
                    create_before_destroy: false,
                } => 3,
                Action::Replace {
                    create_before_destroy: true,
                } => 4,
                Action::Read => 5,
                Action::Forget => 7,
                Action::NoOp => 6,
            });
        }
        let _ = writeln!(out, "\ninfinstor will perform the following actions. Resource actions are indicated with the following symbols:");
        for s in symbols {
            let line = match s {
                0 => format!("  {} create", st.marker("+")),
                1 => format!("  {} update in-place", st.marker("~")),
                2 => format!("  {} destroy", st.marker("-")),
                3 => format!("{} destroy and then create replacement", st.marker("-/+")),
                4 => format!("{} create replacement and then destroy", st.marker("+/-")),
                5 => format!(" {} read (data resources)", st.marker("<=")),
                7 => format!("  {} forget (remove from state, keep in AWS)", st.marker(".")),
                _ => continue,
            };
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
        for c in &changes {
            let _ = writeln!(out, "{}\n", change_text(c, schemas, color));
        }
    }
    let _ = writeln!(out, "{}", st.bold(&summary_line(plan)));
    if !output_changes.is_empty() {
        let _ = writeln!(out, "\nChanges to Outputs:");
        let width = output_changes.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        for (k, o) in output_changes {
            let shown_after = if o.sensitive {
                Value::Sensitive(Box::new(Value::Null))
            } else {
                o.after.clone()
            };
            match &o.before {
                None => {
                    let _ = writeln!(out, "  {} {k:<width$} = {}", st.marker("+"), scalar(&shown_after));
                }
                Some(b) => {
                    let shown_before = if o.sensitive {
                        Value::Sensitive(Box::new(Value::Null))
                    } else {
                        b.clone()
                    };
                    let _ = writeln!(
                        out,
                        "  {} {k:<width$} = {} -> {}",
                        st.marker("~"),
                        scalar(&shown_before),
                        scalar(&shown_after)
                    );
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::value::map;

    fn change(action: Action, before: Option<Value>, after: Option<Value>) -> Change {
        Change {
            addr: "aws_s3_bucket.artifacts".parse().expect("addr"),
            provider: "aws".into(),
            action,
            before,
            after,
            requires_replace: vec!["bucket".into()],
            reason: Some("bucket cannot be updated in place".into()),
            dependencies: Vec::new(),
            private: None,
            details: Vec::new(),
        }
    }

    #[test]
    fn create_shows_known_after_apply_and_hides_nulls() {
        let c = change(
            Action::Create,
            None,
            Some(map([
                ("bucket", Value::from("b")),
                ("arn", Value::UNKNOWN),
                ("tags", Value::Null),
                ("secret", Value::from("x").mark_sensitive()),
            ])),
        );
        let text = change_text(&c, &crate::core::provider::NoSchemas, false);
        assert!(text.contains("+ arn    = (known after apply)"), "{text}");
        assert!(text.contains("+ secret = (sensitive value)"), "{text}");
        assert!(!text.contains("tags"), "{text}");
        assert!(!text.contains("\"x\""), "{text}");
    }

    #[test]
    fn replace_marks_forcing_attribute() {
        let c = change(
            Action::Replace {
                create_before_destroy: false,
            },
            Some(map([
                ("bucket", Value::from("a")),
                ("arn", Value::from("arn:aws:s3:::a")),
            ])),
            Some(map([("bucket", Value::from("b")), ("arn", Value::UNKNOWN)])),
        );
        let text = change_text(&c, &crate::core::provider::NoSchemas, false);
        assert!(
            text.contains("-/+ resource \"aws_s3_bucket\" \"artifacts\" {"),
            "{text}"
        );
        assert!(
            text.contains("~ bucket = \"a\" -> \"b\" # forces replacement"),
            "{text}"
        );
    }

    #[test]
    fn a_write_only_attribute_shows_as_terraform_shows_it() {
        // Terraform 1.11.4's lines for aws_secretsmanager_secret_version (AWS provider 5.100):
        // shown on create and destroy, never with a value, hidden (unchanged) on update.
        use crate::core::schema::Type;
        let schema = Schema::new()
            .attr(
                "secret_string_wo",
                Attribute::optional(Type::String).sensitive().write_only(),
            )
            .attr("secret_string_wo_version", Attribute::optional(Type::Number));
        let version = |n: i64| {
            map([
                ("secret_string_wo", Value::Null.mark_sensitive()),
                ("secret_string_wo_version", Value::from(n)),
            ])
        };
        let lines = |before: Option<&Value>, after: Option<&Value>| {
            let mut out = Vec::new();
            object_lines(
                &mut out,
                Style { color: false },
                6,
                before,
                after,
                &[],
                false,
                Some(&schema),
            );
            out
        };
        assert_eq!(
            lines(None, Some(&version(1))),
            [
                "      + secret_string_wo         = (write-only attribute)",
                "      + secret_string_wo_version = 1",
            ]
        );
        assert_eq!(
            lines(Some(&version(1)), None),
            [
                "      - secret_string_wo         = (write-only attribute) -> null",
                "      - secret_string_wo_version = 1 -> null",
            ]
        );
        assert_eq!(
            lines(Some(&version(1)), Some(&version(2))),
            [
                "      ~ secret_string_wo_version = 1 -> 2",
                "        # (1 unchanged attribute hidden)",
            ]
        );
    }
}
