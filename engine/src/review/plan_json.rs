//! The plan in Terraform's documented JSON representation (`terraform show -json PLANFILE`),
//! so tools that read Terraform plans work unmodified.
//!
//! Differences on purpose: sensitive values are never written (they are `null`, with the
//! `*_sensitive` structure marking them), and the access review is added under the extra
//! top-level key `access_review`, which Terraform consumers ignore.

use crate::config::refs::json_references;
use crate::config::{Body, Expr, Module};
use crate::core::addr::{InstanceAddr, InstanceKey, Mode};
use crate::core::plan::{Action, Change, Plan};
use crate::core::shape::Shape;
use crate::core::value::Value;
use crate::eval::{Evaluator, Scope};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Map, Value as Json};
use std::collections::{BTreeMap, HashMap};

/// The provider address Terraform tools expect for `aws`.
pub const AWS_PROVIDER: &str = "registry.terraform.io/hashicorp/aws";

fn provider_name(key: &str) -> String {
    let local = key.split('.').next().unwrap_or(key);
    match local {
        "aws" => AWS_PROVIDER.to_string(),
        "terraform" => "terraform.io/builtin/terraform".to_string(),
        _ => format!("registry.terraform.io/hashicorp/{local}"),
    }
}

/// The key of a provider configuration in the configuration JSON: its name within the module,
/// after the module's address for a module other than the root (`module.logs:aws`).
fn provider_key(local: &str, module: &str) -> String {
    match module.is_empty() {
        true => local.to_string(),
        false => format!("{module}:{local}"),
    }
}

/// Known, non-sensitive parts of a value as JSON; unknown and sensitive parts are `null`.
pub fn known(v: &Value) -> Json {
    match v {
        Value::Null | Value::Unknown(_) | Value::Sensitive(_) | Value::Ephemeral(_) => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(_) => v.to_json().unwrap_or(Json::Null),
        Value::String(s) => Json::String(s.clone()),
        // An unknown element keeps its place (as null) so the mask lines up with it.
        Value::List(items) => Json::Array(items.iter().map(known).collect()),
        // An unknown attribute is left out, as Terraform leaves it out: after_unknown says it.
        Value::Map(m) => Json::Object(
            m.iter()
                .filter(|(_, v)| !matches!(v, Value::Unknown(_)))
                .map(|(k, v)| (k.clone(), known(v)))
                .collect(),
        ),
    }
}

/// Terraform's mask shape: `true` where `pred` holds; a sequence is an array of its elements'
/// masks (`[]` when empty); a mapping an object of the masks that are not `false` (`{}` when
/// none is); an unknown sequence or mapping `[]` or `{}` (nothing is known of its elements);
/// anything else `false`.
fn mask(v: &Value, pred: &dyn Fn(&Value) -> bool) -> Json {
    if pred(v) {
        return Json::Bool(true);
    }
    match v {
        Value::List(items) => Json::Array(items.iter().map(|i| mask(i, pred)).collect()),
        Value::Map(m) => Json::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), mask(x, pred)))
                .filter(|(_, inner)| *inner != Json::Bool(false))
                .collect(),
        ),
        Value::Unknown(e) => match e.shape() {
            Shape::List(_) | Shape::Set(_) | Shape::Tuple(_) => Json::Array(Vec::new()),
            Shape::Map(_) | Shape::Object(_) => Json::Object(Map::new()),
            _ => Json::Bool(false),
        },
        _ => Json::Bool(false),
    }
}

fn unknown_mask(v: &Value) -> Json {
    mask(v, &|x| matches!(x, Value::Unknown(_)))
}

fn sensitive_mask(v: &Value) -> Json {
    mask(v, &|x| matches!(x, Value::Sensitive(_)))
}

fn object_mask(v: Option<&Value>, f: fn(&Value) -> Json) -> Json {
    match v {
        None => Json::Bool(false),
        Some(v) => match f(v) {
            Json::Bool(false) => json!({}),
            other => other,
        },
    }
}

fn actions(a: Action) -> Vec<&'static str> {
    match a {
        Action::NoOp => vec!["no-op"],
        Action::Create => vec!["create"],
        Action::Read => vec!["read"],
        Action::Update => vec!["update"],
        Action::Delete | Action::DeleteDeposed => vec!["delete"],
        Action::Forget => vec!["forget"],
        Action::Replace {
            create_before_destroy: false,
        } => vec!["delete", "create"],
        Action::Replace {
            create_before_destroy: true,
        } => vec!["create", "delete"],
    }
}

fn index_json(k: &InstanceKey) -> Option<Json> {
    match k {
        InstanceKey::None => None,
        InstanceKey::Int(i) => Some(json!(i)),
        InstanceKey::Str(s) => Some(json!(s)),
    }
}

fn module_address(c: &Change) -> Option<String> {
    let m = crate::core::addr::module_path_string(&c.addr.module);
    (!m.is_empty()).then_some(m)
}

fn mode_str(m: Mode) -> &'static str {
    match m {
        Mode::Managed => "managed",
        Mode::Data => "data",
        Mode::Ephemeral => "ephemeral",
    }
}

fn resource_change(c: &Change) -> Json {
    let before = match c.action {
        Action::Create | Action::Read => None,
        _ => c.before.as_ref(),
    };
    let after = match c.action {
        Action::Delete => None,
        _ => c.after.as_ref(),
    };
    let mut change = Map::new();
    change.insert("actions".into(), json!(actions(c.action)));
    change.insert("before".into(), before.map(known).unwrap_or(Json::Null));
    change.insert("after".into(), after.map(known).unwrap_or(Json::Null));
    change.insert("after_unknown".into(), object_mask(after, unknown_mask));
    change.insert("before_sensitive".into(), object_mask(before, sensitive_mask));
    change.insert("after_sensitive".into(), object_mask(after, sensitive_mask));
    if !c.requires_replace.is_empty() {
        change.insert(
            "replace_paths".into(),
            json!(c.requires_replace.iter().map(|p| vec![p.clone()]).collect::<Vec<_>>()),
        );
    }
    let mut out = Map::new();
    out.insert("address".into(), json!(c.addr.to_string()));
    if let Some(m) = module_address(c) {
        out.insert("module_address".into(), json!(m));
    }
    out.insert("mode".into(), json!(mode_str(c.addr.resource.mode)));
    out.insert("type".into(), json!(c.addr.resource.type_));
    out.insert("name".into(), json!(c.addr.resource.name));
    if let Some(i) = index_json(&c.addr.key) {
        out.insert("index".into(), i);
    }
    out.insert("provider_name".into(), json!(provider_name(&c.provider)));
    out.insert("change".into(), Json::Object(change));
    let reason = match (c.action, c.reason.as_deref()) {
        (Action::Replace { .. }, Some(r)) if r.contains("--replace") => Some("replace_by_request"),
        (Action::Replace { .. }, Some(r)) if r.contains("tainted") => Some("replace_because_tainted"),
        (Action::Replace { .. }, _) => Some("replace_because_cannot_update"),
        (Action::Delete, Some(r)) if r.contains("configuration was removed") => {
            Some("delete_because_no_resource_config")
        }
        (Action::Read, Some(r)) if r.contains("pending changes") => Some("read_because_dependency_pending"),
        (Action::Read, _) => Some("read_because_config_unknown"),
        _ => None,
    };
    if let Some(r) = reason {
        out.insert("action_reason".into(), json!(r));
    }
    Json::Object(out)
}

fn resource_value(c: &Change, v: &Value) -> Json {
    let mut out = Map::new();
    out.insert("address".into(), json!(c.addr.to_string()));
    out.insert("mode".into(), json!(mode_str(c.addr.resource.mode)));
    out.insert("type".into(), json!(c.addr.resource.type_));
    out.insert("name".into(), json!(c.addr.resource.name));
    if let Some(i) = index_json(&c.addr.key) {
        out.insert("index".into(), i);
    }
    out.insert("provider_name".into(), json!(provider_name(&c.provider)));
    out.insert("schema_version".into(), json!(0));
    out.insert("values".into(), known(v));
    out.insert("sensitive_values".into(), object_mask(Some(v), sensitive_mask));
    Json::Object(out)
}

/// The resources of `planned_values` or `prior_state` as Terraform's `{resources,
/// child_modules}` module tree: the changes grouped by module address, each resource's JSON
/// built only as it is written.
struct Tree<'a> {
    by_module: BTreeMap<String, Vec<(&'a Change, &'a Value)>>,
}

impl<'a> Tree<'a> {
    fn new(items: impl Iterator<Item = (&'a Change, &'a Value)>) -> Tree<'a> {
        let mut by_module: BTreeMap<String, Vec<(&'a Change, &'a Value)>> = BTreeMap::new();
        for (c, v) in items {
            by_module
                .entry(module_address(c).unwrap_or_default())
                .or_default()
                .push((c, v));
        }
        // Intermediate modules without resources still need a node.
        let mut intermediate = Vec::new();
        for k in by_module.keys() {
            let mut acc = String::new();
            for part in k.split(".module.") {
                acc = if acc.is_empty() {
                    part.to_string()
                } else {
                    format!("{acc}.module.{part}")
                };
                intermediate.push(acc.clone());
            }
        }
        intermediate.push(String::new());
        for k in intermediate {
            by_module.entry(k).or_default();
        }
        Tree { by_module }
    }

    fn root(&self) -> Node<'_, 'a> {
        Node {
            tree: self,
            address: "",
        }
    }
}

/// One module of a [`Tree`].
struct Node<'t, 'a> {
    tree: &'t Tree<'a>,
    address: &'t str,
}

impl Serialize for Node<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_map(None)?;
        if !self.address.is_empty() {
            out.serialize_entry("address", self.address)?;
        }
        let resources = self
            .tree
            .by_module
            .get(self.address)
            .map(Vec::as_slice)
            .unwrap_or_default();
        out.serialize_entry(
            "resources",
            &Each(|| resources.iter().map(|(c, v)| resource_value(c, v))),
        )?;
        let prefix = if self.address.is_empty() {
            "module.".to_string()
        } else {
            format!("{}.module.", self.address)
        };
        // The keys under `prefix` are one run of the sorted map, so each module reads only the
        // keys below it; scanning every key for every module was quadratic in module instances.
        let children: Vec<Node<'_, '_>> = self
            .tree
            .by_module
            .range::<str, _>((std::ops::Bound::Included(prefix.as_str()), std::ops::Bound::Unbounded))
            .map(|(k, _)| k)
            .take_while(|k| k.starts_with(&prefix))
            .filter(|k| !k[prefix.len()..].contains(".module."))
            .map(|k| Node {
                tree: self.tree,
                address: k,
            })
            .collect();
        if !children.is_empty() {
            out.serialize_entry("child_modules", &children)?;
        }
        out.end()
    }
}

/// A JSON array written item by item from an iterator, so its items are never all in memory.
struct Each<F>(F);

impl<F, I> Serialize for Each<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

fn outputs_json(plan: &Plan, after: bool) -> Json {
    let mut out = Map::new();
    for (k, o) in &plan.outputs {
        let v = if after { Some(&o.after) } else { o.before.as_ref() };
        let Some(v) = v else { continue };
        let mut m = Map::new();
        m.insert("sensitive".into(), json!(o.sensitive));
        if !o.sensitive && !v.contains_unknown() {
            m.insert("value".into(), known(v));
        }
        out.insert(k.clone(), Json::Object(m));
    }
    Json::Object(out)
}

fn expression(e: &Expr) -> Json {
    let names = json_references(e);
    // Terraform evaluates without functions here: a call has no constant value.
    if names.is_empty() && !calls_a_function(&e.expr) {
        if let Ok(v) = Evaluator::new(&Scope::default()).eval(e) {
            if !v.contains_sensitive() {
                return json!({ "constant_value": known(&v) });
            }
        }
        return json!({});
    }
    if names.is_empty() {
        return json!({});
    }
    json!({ "references": names })
}

/// Whether a function is called anywhere in `e`.
fn calls_a_function(e: &hcl_edit::expr::Expression) -> bool {
    use hcl_edit::expr::Expression as E;
    use hcl_edit::template::{Directive, Element, Template};
    fn template(t: &Template) -> bool {
        t.iter().any(|el| match el {
            Element::Literal(_) => false,
            Element::Interpolation(i) => calls_a_function(&i.expr),
            Element::Directive(d) => match &**d {
                Directive::If(i) => {
                    calls_a_function(&i.if_expr.cond_expr)
                        || template(&i.if_expr.template)
                        || i.else_expr.as_ref().is_some_and(|e| template(&e.template))
                }
                Directive::For(f) => calls_a_function(&f.for_expr.collection_expr) || template(&f.for_expr.template),
            },
        })
    }
    match e {
        E::FuncCall(_) => true,
        E::Array(items) => items.iter().any(calls_a_function),
        E::Object(obj) => obj.iter().any(|(k, v)| {
            matches!(k, hcl_edit::expr::ObjectKey::Expression(k) if calls_a_function(k)) || calls_a_function(v.expr())
        }),
        E::Parenthesis(p) => calls_a_function(p.inner()),
        E::Conditional(c) => {
            calls_a_function(&c.cond_expr) || calls_a_function(&c.true_expr) || calls_a_function(&c.false_expr)
        }
        E::UnaryOp(u) => calls_a_function(&u.expr),
        E::BinaryOp(b) => calls_a_function(&b.lhs_expr) || calls_a_function(&b.rhs_expr),
        E::Traversal(t) => calls_a_function(&t.expr),
        E::StringTemplate(t) => template(t),
        E::HeredocTemplate(h) => template(&h.template),
        E::ForExpr(f) => {
            calls_a_function(&f.intro.collection_expr)
                || f.key_expr.as_ref().is_some_and(calls_a_function)
                || calls_a_function(&f.value_expr)
        }
        _ => false,
    }
}

/// An expression for `count_expression` or `for_each_expression`, left out when it says
/// nothing (neither a constant nor a reference), as Terraform leaves it out.
fn meta_expression(o: &mut Map<String, Json>, key: &str, e: &Expr) {
    let j = expression(e);
    if j.as_object().is_some_and(|m| !m.is_empty()) {
        o.insert(key.into(), j);
    }
}

fn expressions(body: &Body) -> Json {
    let mut out = Map::new();
    for (k, a) in &body.attrs {
        out.insert(k.clone(), expression(&a.expr));
    }
    let mut blocks: BTreeMap<&str, Vec<Json>> = BTreeMap::new();
    // As in Terraform, `dynamic` blocks are not listed: what they make is known when planning.
    for b in body.blocks.iter().filter(|b| b.kind != "dynamic") {
        blocks.entry(b.kind.as_str()).or_default().push(expressions(&b.body));
    }
    for (k, v) in blocks {
        out.insert(k.to_string(), json!(v));
    }
    Json::Object(out)
}

/// A module's configuration (`path` is its address, `module.a.module.b`); as in Terraform,
/// addresses inside are relative to the module (tools such as checkov join a module's
/// resources by them).
fn module_config(m: &Module, path: &str) -> Json {
    let mut resources = Vec::new();
    for (addr, r) in &m.resources {
        let mut o = Map::new();
        o.insert("address".into(), json!(addr.to_string()));
        o.insert("mode".into(), json!(mode_str(addr.mode)));
        o.insert("type".into(), json!(addr.type_));
        o.insert("name".into(), json!(addr.name));
        o.insert(
            "provider_config_key".into(),
            json!(provider_key(&r.local_provider, path)),
        );
        let exprs = expressions(&r.body);
        if exprs.as_object().is_some_and(|m| !m.is_empty()) {
            o.insert("expressions".into(), exprs);
        }
        o.insert("schema_version".into(), json!(0));
        if let Some(c) = &r.count {
            meta_expression(&mut o, "count_expression", c);
        }
        if let Some(f) = &r.for_each {
            meta_expression(&mut o, "for_each_expression", f);
        }
        if !r.depends_on.is_empty() {
            o.insert(
                "depends_on".into(),
                json!(r.depends_on.iter().map(|d| d.target.clone()).collect::<Vec<_>>()),
            );
        }
        resources.push(Json::Object(o));
    }
    let mut outputs = Map::new();
    for (k, o) in &m.outputs {
        let mut j = Map::new();
        j.insert("expression".into(), expression(&o.value));
        if o.sensitive {
            j.insert("sensitive".into(), json!(true));
        }
        if let Some(d) = &o.description {
            j.insert("description".into(), json!(d));
        }
        outputs.insert(k.clone(), Json::Object(j));
    }
    let mut variables = Map::new();
    for (k, v) in &m.variables {
        let mut j = Map::new();
        if let Some(d) = &v.default {
            // The default as the variable's type makes it, optional attributes filled in.
            let converted = Evaluator::new(&Scope::default())
                .eval(d)
                .ok()
                .and_then(|val| crate::eval::vars::var_type(v).ok()?.convert(val).ok());
            if let Some(val) = converted {
                if !v.sensitive {
                    j.insert("default".into(), known(&val));
                }
            }
        }
        if let Some(d) = &v.description {
            j.insert("description".into(), json!(d));
        }
        if v.sensitive {
            j.insert("sensitive".into(), json!(true));
        }
        variables.insert(k.clone(), Json::Object(j));
    }
    let mut calls = Map::new();
    for (k, c) in &m.module_calls {
        let mut inputs = Body::default();
        inputs.attrs = c.inputs.clone();
        let mut call = Map::new();
        call.insert("source".into(), json!(c.source));
        let inputs = expressions(&inputs);
        if inputs.as_object().is_some_and(|m| !m.is_empty()) {
            call.insert("expressions".into(), inputs);
        }
        if let Some(e) = &c.count {
            meta_expression(&mut call, "count_expression", e);
        }
        if let Some(e) = &c.for_each {
            meta_expression(&mut call, "for_each_expression", e);
        }
        let child = match path.is_empty() {
            true => format!("module.{k}"),
            false => format!("{path}.module.{k}"),
        };
        call.insert("module".into(), module_config(&c.module, &child));
        if !c.depends_on.is_empty() {
            call.insert(
                "depends_on".into(),
                json!(c.depends_on.iter().map(|d| d.target.clone()).collect::<Vec<_>>()),
            );
        }
        calls.insert(k.clone(), Json::Object(call));
    }
    let mut out = Map::new();
    if !outputs.is_empty() {
        out.insert("outputs".into(), Json::Object(outputs));
    }
    if !resources.is_empty() {
        out.insert("resources".into(), json!(resources));
    }
    if !calls.is_empty() {
        out.insert("module_calls".into(), Json::Object(calls));
    }
    if !variables.is_empty() {
        out.insert("variables".into(), Json::Object(variables));
    }
    Json::Object(out)
}

/// The `configuration` section, computed from the module tree when the plan is made.
pub fn configuration(root: &Module) -> Json {
    let mut providers = Map::new();
    for (key, p) in &root.providers {
        let mut j = Map::new();
        j.insert("name".into(), json!(p.name));
        j.insert("full_name".into(), json!(provider_name(key)));
        if let Some((_, alias)) = key.split_once('.') {
            j.insert("alias".into(), json!(alias));
        }
        j.insert("expressions".into(), expressions(&p.body));
        providers.insert(key.clone(), Json::Object(j));
    }
    // The configurations resources use without a provider block of their own module, as
    // Terraform lists them: name, source and the module they are used in.
    for (path, m) in crate::config::tree::modules(root) {
        let module: String = path.iter().map(|n| format!("module.{n}")).collect::<Vec<_>>().join(".");
        for r in m.resources.values() {
            let key = provider_key(&r.local_provider, &module);
            if providers.contains_key(&key) {
                continue;
            }
            let mut j = Map::new();
            let (name, alias) = match r.local_provider.split_once('.') {
                Some((n, a)) => (n, Some(a)),
                None => (r.local_provider.as_str(), None),
            };
            j.insert("name".into(), json!(name));
            j.insert("full_name".into(), json!(provider_name(name)));
            if let Some(a) = alias {
                j.insert("alias".into(), json!(a));
            }
            if !module.is_empty() {
                j.insert("module_address".into(), json!(module));
            }
            providers.insert(key, Json::Object(j));
        }
    }
    let mut out = Map::new();
    if !providers.is_empty() {
        out.insert("provider_config".into(), Json::Object(providers));
    }
    out.insert("root_module".into(), module_config(root, ""));
    Json::Object(out)
}

/// Writes the whole plan as Terraform's plan JSON, pretty-printed. Resources are converted
/// one at a time as they are written: the document is never in memory whole (at 30,000
/// resources it would take about a gigabyte).
pub fn write_plan_json(plan: &Plan, out: impl std::io::Write) -> serde_json::Result<()> {
    let mut writer = serde_json::Serializer::with_formatter(out, serde_json::ser::PrettyFormatter::new());
    Document(plan).serialize(&mut writer)
}

/// The plan JSON document of one plan.
struct Document<'a>(&'a Plan);

/// `planned_values` and the `values` of `prior_state`.
#[derive(serde::Serialize)]
struct Values<'t, 'a> {
    outputs: Json,
    root_module: Node<'t, 'a>,
}

/// `prior_state`.
#[derive(serde::Serialize)]
struct PriorState<'t, 'a> {
    format_version: &'static str,
    terraform_version: &'static str,
    values: Values<'t, 'a>,
}

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let plan = self.0;
        let mut variables = Map::new();
        for (k, v) in &plan.variables {
            if v.contains_sensitive() {
                variables.insert(k.clone(), json!({ "value": null, "sensitive": true }));
            } else {
                variables.insert(k.clone(), json!({ "value": known(v) }));
            }
        }
        // A data source read while planning is part of the prior state, as in Terraform; one
        // read at apply (its arguments not known yet) is planned.
        let read_now = |c: &Change| c.addr.resource.mode == Mode::Data && c.action == Action::NoOp;
        let planned = Tree::new(
            plan.changes
                .iter()
                .filter(|c| c.action != Action::Delete && !read_now(c))
                .filter_map(|c| c.after.as_ref().map(|a| (c, a))),
        );
        let prior = Tree::new(plan.changes.iter().filter_map(|c| match read_now(c) {
            true => c.after.as_ref().map(|a| (c, a)),
            false => c.before.as_ref().filter(|_| c.action != Action::Create).map(|b| (c, b)),
        }));
        let moved_from: HashMap<&InstanceAddr, &InstanceAddr> = plan.moves.iter().map(|m| (&m.to, &m.from)).collect();
        let imported: HashMap<&InstanceAddr, &str> = plan.imports.iter().map(|i| (&i.addr, i.id.as_str())).collect();
        let change_entry = |c: &Change| {
            let mut rc = resource_change(c);
            // Terraform's field for an object a move gives a new address.
            if let (Some(from), Json::Object(o)) = (moved_from.get(&c.addr), &mut rc) {
                o.insert("previous_address".into(), json!(from.to_string()));
            }
            // And for one an import block adopts.
            if let (Some(id), Json::Object(o)) = (imported.get(&c.addr), &mut rc) {
                if let Some(Json::Object(change)) = o.get_mut("change") {
                    change.insert("importing".into(), json!({ "id": id }));
                }
            }
            rc
        };
        let mut output_changes = Map::new();
        for (k, o) in &plan.outputs {
            let action = match (&o.before, o.changes()) {
                (_, false) => "no-op",
                (None, true) => "create",
                (Some(_), true) => "update",
            };
            output_changes.insert(
                k.clone(),
                json!({
                    "actions": [action],
                    "before": o.before.as_ref().map(|b| if o.sensitive { Json::Null } else { known(b) }).unwrap_or(Json::Null),
                    "after": if o.sensitive { Json::Null } else { known(&o.after) },
                    // An output's masks are a whole `false` while nothing in it is unknown.
                    "after_unknown": if o.after.contains_unknown() { unknown_mask(&o.after) } else { Json::Bool(false) },
                    "before_sensitive": o.sensitive,
                    "after_sensitive": o.sensitive,
                }),
            );
        }
        let mut out = s.serialize_map(None)?;
        out.serialize_entry("format_version", "1.2")?;
        out.serialize_entry("terraform_version", env!("CARGO_PKG_VERSION"))?;
        // As in Terraform's document, a key whose content would be empty is left out.
        if !variables.is_empty() {
            out.serialize_entry("variables", &variables)?;
        }
        out.serialize_entry(
            "planned_values",
            &Values {
                outputs: outputs_json(plan, true),
                root_module: planned.root(),
            },
        )?;
        if !plan.drift.is_empty() {
            out.serialize_entry("resource_drift", &Each(|| plan.drift.iter().map(resource_change)))?;
        }
        let listed = |c: &&Change| !(c.action == Action::NoOp && c.addr.resource.mode == Mode::Data);
        if plan.changes.iter().any(|c| listed(&c)) {
            out.serialize_entry(
                "resource_changes",
                &Each(|| plan.changes.iter().filter(listed).map(change_entry)),
            )?;
        }
        if !output_changes.is_empty() {
            out.serialize_entry("output_changes", &output_changes)?;
        }
        // Terraform writes the prior state when it holds something: objects, or root outputs
        // whose values were known before this plan.
        let prior_outputs = plan
            .outputs
            .values()
            .any(|o| o.before.is_some() || (!o.after.is_null() && !o.after.contains_unknown()));
        if plan
            .changes
            .iter()
            .any(|c| (c.before.is_some() && c.action != Action::Create) || (read_now(c) && c.after.is_some()))
            || prior_outputs
        {
            out.serialize_entry(
                "prior_state",
                &PriorState {
                    format_version: "1.0",
                    terraform_version: env!("CARGO_PKG_VERSION"),
                    values: Values {
                        outputs: outputs_json(plan, false),
                        root_module: prior.root(),
                    },
                },
            )?;
        }
        out.serialize_entry("configuration", &plan.configuration)?;
        // Left out when there are none, as Terraform leaves it out.
        if !plan.relevant_attributes.is_empty() {
            out.serialize_entry("relevant_attributes", &plan.relevant_attributes)?;
        }
        // Present when the configuration has something to check, as Terraform has it.
        if !plan.checks.is_empty() {
            out.serialize_entry("checks", &plan.checks.plan_json())?;
        }
        out.serialize_entry("applyable", &plan.has_changes())?;
        out.serialize_entry("complete", &true)?;
        out.serialize_entry("errored", &false)?;
        out.serialize_entry("timestamp", &crate::eval::functions::utc(plan.plan_time))?;
        out.serialize_entry("access_review", &plan.access)?;
        out.end()
    }
}
