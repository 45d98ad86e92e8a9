//! References: which variables, locals, module outputs and resources an expression names.

use crate::config::{Body, Expr};
use crate::core::addr::{InstanceKey, Mode, ResourceAddr};
use crate::core::diagnostic::Span;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span as _;

/// A reference found in an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Ref {
    /// `var.NAME`.
    Var(String),
    /// `local.NAME`.
    Local(String),
    /// `module.NAME.OUTPUT` (or every output when `None`).
    Module(String, Option<String>),
    /// A resource or data source.
    Resource(ResourceAddr),
}

/// One step of a traversal after the name a reference names.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `.NAME`.
    Attr(String),
    /// `[0]` or `["key"]`: an index written as a literal.
    Key(crate::core::addr::InstanceKey),
    /// A splat, or an index computed from an expression.
    Other,
}

/// A reference with the steps written after what it names (`terraform_data.a[0].input` is
/// the resource `terraform_data.a` and the steps `[0]`, `.input`).
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// What is named.
    pub reference: Ref,
    /// Where.
    pub span: Option<Span>,
    /// What follows the name.
    pub steps: Vec<Step>,
}

/// What a walk collects: the references, and when asked, the traversals of the names that
/// name no object (`each.key`, `count.index`, `path.module`, `terraform.workspace`) as
/// (`each`, `key`, steps after).
#[derive(Default)]
struct Out {
    found: Vec<Found>,
    meta: Option<Vec<Meta>>,
}

/// A traversal of a name that names no object: where it starts, its root (`each`), its name
/// (`key`) and the steps after.
type Meta = (usize, String, String, Vec<Step>);

/// The references of every expression of a body, nested blocks included; inside the `content`
/// of a `dynamic` block its iterator is a bound name, not a reference.
pub fn body_references(body: &Body) -> Vec<(Ref, Option<Span>)> {
    body_traversals(body)
        .into_iter()
        .map(|f| (f.reference, f.span))
        .collect()
}

/// [`body_references`] with the steps after each name.
pub fn body_traversals(body: &Body) -> Vec<Found> {
    let mut out = Out::default();
    walk_body(body, &mut Vec::new(), &mut out);
    out.found
}

/// [`references`] with the steps after each name.
pub fn traversals(e: &Expr) -> Vec<Found> {
    let mut out = Out::default();
    collect(&e.expr, e, &mut Vec::new(), &mut out);
    out.found
}

/// The references of an expression as Terraform's JSON configuration lists them: each
/// reference with its steps, then without them one by one down to what it names, then, for
/// an instance (`aws_s3_bucket.b[0]`) or a module's output, the whole resource or call
/// (`"aws_s3_bucket.b[0].id", "aws_s3_bucket.b[0]", "aws_s3_bucket.b"`). `each.key`,
/// `count.index` and the like are listed too.
pub fn json_references(e: &Expr) -> Vec<String> {
    let mut out = Out {
        found: Vec::new(),
        meta: Some(Vec::new()),
    };
    collect(&e.expr, e, &mut Vec::new(), &mut out);
    // Both kinds in source order.
    let mut items: Vec<(usize, Vec<String>)> = out
        .found
        .iter()
        .map(|f| (f.span.as_ref().map_or(0, |s| s.range.start), found_strings(f)))
        .collect();
    for (at, root, name, steps) in out.meta.unwrap_or_default() {
        items.push((at, with_steps(&format!("{root}.{name}"), &steps, &[])));
    }
    items.sort_by_key(|(at, _)| *at);
    items.into_iter().flat_map(|(_, strings)| strings).collect()
}

/// `subject` with the steps after it, then with one step fewer each time, then `extra`.
fn with_steps(subject: &str, steps: &[Step], extra: &[String]) -> Vec<String> {
    // A splat or a computed index ends the traversal Terraform sees.
    let end = steps.iter().position(|s| *s == Step::Other).unwrap_or(steps.len());
    let mut out: Vec<String> = (1..=end)
        .rev()
        .map(|n| {
            let mut text = subject.to_string();
            for step in &steps[..n] {
                step_text(step, &mut text);
            }
            text
        })
        .collect();
    out.push(subject.to_string());
    out.extend_from_slice(extra);
    out
}

fn step_text(step: &Step, out: &mut String) {
    match step {
        Step::Attr(a) => {
            out.push('.');
            out.push_str(a);
        }
        Step::Key(k) => out.push_str(&k.to_string()),
        Step::Other => {}
    }
}

fn found_strings(f: &Found) -> Vec<String> {
    let keyed = |base: String| -> (String, usize, Vec<String>) {
        match f.steps.first() {
            Some(Step::Key(k)) => {
                let mut instance = base.clone();
                step_text(&Step::Key(k.clone()), &mut instance);
                (instance, 1, vec![base])
            }
            _ => (base, 0, Vec::new()),
        }
    };
    let (subject, used, extra) = match &f.reference {
        Ref::Var(n) => (format!("var.{n}"), 0, Vec::new()),
        Ref::Local(n) => (format!("local.{n}"), 0, Vec::new()),
        Ref::Resource(a) => keyed(a.to_string()),
        Ref::Module(m, _) => {
            let (call, used, _) = keyed(format!("module.{m}"));
            match f.steps.get(used) {
                Some(Step::Attr(o)) => (format!("{call}.{o}"), used + 1, vec![call]),
                _ if used == 1 => (call, used, vec![format!("module.{m}")]),
                _ => (call, used, Vec::new()),
            }
        }
    };
    with_steps(&subject, &f.steps[used.min(f.steps.len())..], &extra)
}

fn walk_body(body: &Body, bound: &mut Vec<String>, out: &mut Out) {
    for attr in body.attrs.values() {
        collect(&attr.expr.expr, &attr.expr, bound, out);
    }
    for block in &body.blocks {
        if block.kind != "dynamic" {
            walk_body(&block.body, bound, out);
            continue;
        }
        for (name, attr) in &block.body.attrs {
            if name != "iterator" {
                collect(&attr.expr.expr, &attr.expr, bound, out);
            }
        }
        bound.push(dynamic_iterator(block));
        for content in block.body.blocks.iter().filter(|b| b.kind == "content") {
            walk_body(&content.body, bound, out);
        }
        bound.pop();
    }
}

/// The name a `dynamic` block's content refers to its element by: `iterator = NAME`, else the
/// block's label.
pub fn dynamic_iterator(block: &super::Block) -> String {
    block
        .body
        .attrs
        .get("iterator")
        .and_then(|a| super::traversal_text(&a.expr.expr))
        .or_else(|| block.labels.first().cloned())
        .unwrap_or_default()
}

/// Collects the references of an expression, skipping names bound by `for`.
pub fn references(e: &Expr) -> Vec<(Ref, Option<Span>)> {
    traversals(e).into_iter().map(|f| (f.reference, f.span)).collect()
}

fn collect(e: &Expression, ctx: &Expr, bound: &mut Vec<String>, out: &mut Out) {
    match e {
        Expression::Variable(v) => root_ref(v.as_str(), &[], e, ctx, bound, out),
        Expression::Traversal(t) => {
            let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
            if let Expression::Variable(v) = &t.expr {
                root_ref(v.as_str(), &ops, e, ctx, bound, out);
            } else {
                collect(&t.expr, ctx, bound, out);
            }
            for op in ops {
                if let TraversalOperator::Index(ie) = op {
                    collect(ie, ctx, bound, out);
                }
            }
        }
        Expression::Array(items) => items.iter().for_each(|i| collect(i, ctx, bound, out)),
        Expression::Object(obj) => {
            for (k, v) in obj.iter() {
                if let ObjectKey::Expression(ke) = k {
                    if !matches!(ke, Expression::Variable(_)) {
                        collect(ke, ctx, bound, out);
                    }
                }
                collect(v.expr(), ctx, bound, out);
            }
        }
        Expression::StringTemplate(t) => collect_template(t, ctx, bound, out),
        Expression::HeredocTemplate(h) => collect_template(&h.template, ctx, bound, out),
        Expression::Parenthesis(p) => collect(p.inner(), ctx, bound, out),
        Expression::Conditional(c) => {
            collect(&c.cond_expr, ctx, bound, out);
            collect(&c.true_expr, ctx, bound, out);
            collect(&c.false_expr, ctx, bound, out);
        }
        Expression::FuncCall(f) => f.args.iter().for_each(|a| collect(a, ctx, bound, out)),
        Expression::UnaryOp(u) => collect(&u.expr, ctx, bound, out),
        Expression::BinaryOp(b) => {
            collect(&b.lhs_expr, ctx, bound, out);
            collect(&b.rhs_expr, ctx, bound, out);
        }
        Expression::ForExpr(f) => {
            collect(&f.intro.collection_expr, ctx, bound, out);
            let n = bound.len();
            if let Some(k) = &f.intro.key_var {
                bound.push(k.as_str().to_string());
            }
            bound.push(f.intro.value_var.as_str().to_string());
            if let Some(k) = &f.key_expr {
                collect(k, ctx, bound, out);
            }
            collect(&f.value_expr, ctx, bound, out);
            if let Some(c) = &f.cond {
                collect(&c.expr, ctx, bound, out);
            }
            bound.truncate(n);
        }
        _ => {}
    }
}

fn collect_template(t: &Template, ctx: &Expr, bound: &mut Vec<String>, out: &mut Out) {
    for el in t.iter() {
        match el {
            Element::Literal(_) => {}
            Element::Interpolation(i) => collect(&i.expr, ctx, bound, out),
            Element::Directive(d) => match &**d {
                Directive::If(i) => {
                    collect(&i.if_expr.cond_expr, ctx, bound, out);
                    collect_template(&i.if_expr.template, ctx, bound, out);
                    if let Some(e) = &i.else_expr {
                        collect_template(&e.template, ctx, bound, out);
                    }
                }
                Directive::For(f) => {
                    let fe = &f.for_expr;
                    collect(&fe.collection_expr, ctx, bound, out);
                    let n = bound.len();
                    if let Some(k) = &fe.key_var {
                        bound.push(k.as_str().to_string());
                    }
                    bound.push(fe.value_var.as_str().to_string());
                    collect_template(&fe.template, ctx, bound, out);
                    bound.truncate(n);
                }
            },
        }
    }
}

fn root_ref(root: &str, ops: &[&TraversalOperator], whole: &Expression, ctx: &Expr, bound: &[String], out: &mut Out) {
    if bound.iter().any(|b| b == root) {
        return;
    }
    let attr = |i: usize| match ops.get(i) {
        Some(TraversalOperator::GetAttr(id)) => Some(id.as_str().to_string()),
        _ => None,
    };
    let span = whole.span().map(|range| Span {
        file: ctx.file.clone(),
        range,
    });
    let r = match root {
        "var" => attr(0).map(Ref::Var),
        "local" => attr(0).map(Ref::Local),
        "module" => attr(0).map(|m| Ref::Module(m, attr(1))),
        "data" | "ephemeral" => match (attr(0), attr(1)) {
            (Some(t), Some(n)) => Some(Ref::Resource(ResourceAddr {
                mode: if root == "data" { Mode::Data } else { Mode::Ephemeral },
                type_: t,
                name: n,
            })),
            _ => None,
        },
        "each" | "count" | "path" | "terraform" => {
            if let (Some(meta), Some(name)) = (out.meta.as_mut(), attr(0)) {
                let steps = ops.iter().skip(1).map(|op| step_of(op)).collect();
                let at = span.as_ref().map_or(0, |s| s.range.start);
                meta.push((at, root.to_string(), name, steps));
            }
            None
        }
        "self" => None,
        t => attr(0).map(|n| {
            Ref::Resource(ResourceAddr {
                mode: Mode::Managed,
                type_: t.to_string(),
                name: n,
            })
        }),
    };
    // What the name takes of the traversal; the rest are steps.
    let named = match root {
        "data" | "ephemeral" => 2,
        _ => 1,
    };
    let steps = ops.iter().skip(named).map(|op| step_of(op)).collect();
    if let Some(reference) = r {
        out.found.push(Found { reference, span, steps });
    }
}

fn step_of(op: &TraversalOperator) -> Step {
    match op {
        TraversalOperator::GetAttr(id) => Step::Attr(id.as_str().to_string()),
        TraversalOperator::LegacyIndex(n) => Step::Key(InstanceKey::Int(**n as i64)),
        TraversalOperator::Index(Expression::Number(n)) => match n.value().as_u64() {
            Some(i) => Step::Key(InstanceKey::Int(i as i64)),
            None => Step::Other,
        },
        TraversalOperator::Index(Expression::String(s)) => Step::Key(InstanceKey::Str(s.as_str().to_string())),
        _ => Step::Other,
    }
}

/// Every expression in a body, nested blocks included.
pub fn all_exprs(body: &Body) -> Vec<&Expr> {
    let mut out: Vec<&Expr> = body.attrs.values().map(|a| &a.expr).collect();
    for b in &body.blocks {
        out.extend(all_exprs(&b.body));
    }
    out
}

/// Every expression written in a module (not its children): resource and provider bodies,
/// meta-arguments, locals, outputs, module inputs, variable defaults and validations.
pub fn module_exprs(m: &super::Module) -> Vec<&Expr> {
    let mut out = Vec::new();
    for r in m.resources.values() {
        out.extend(all_exprs(&r.body));
        out.extend(r.count.iter().chain(&r.for_each));
    }
    for p in m.providers.values() {
        out.extend(all_exprs(&p.body));
    }
    out.extend(m.locals.values().map(|a| &a.expr));
    out.extend(m.outputs.values().map(|o| &o.value));
    for call in m.module_calls.values() {
        out.extend(call.inputs.values().map(|a| &a.expr));
    }
    for v in m.variables.values() {
        out.extend(v.default.iter());
        for val in &v.validations {
            out.push(&val.condition);
            out.push(&val.error_message);
        }
    }
    out
}

/// Every `TYPE.NAME.ATTR` and `data.TYPE.NAME.ATTR` written in `e` (an index or splat after
/// the name is looked through): what `validate` checks against the resource's schema. Names
/// that are not resources of the module (for-expression variables) are the caller's to skip.
pub fn attribute_refs(e: &Expr) -> Vec<(ResourceAddr, String, Option<Span>)> {
    struct Found<'a> {
        e: &'a Expr,
        out: Vec<(ResourceAddr, String, Option<Span>)>,
    }
    impl hcl_edit::visit::Visit for Found<'_> {
        fn visit_traversal(&mut self, t: &hcl_edit::expr::Traversal) {
            if let Expression::Variable(root) = &t.expr {
                let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                let name_at = |i: usize| match ops.get(i) {
                    Some(TraversalOperator::GetAttr(id)) => Some(id.as_str().to_string()),
                    _ => None,
                };
                let (mode, type_, name, next) = match root.as_str() {
                    "var" | "local" | "module" | "each" | "count" | "path" | "terraform" | "self" => {
                        (None, String::new(), None, 0)
                    }
                    "data" => (Some(Mode::Data), name_at(0).unwrap_or_default(), name_at(1), 2),
                    "ephemeral" => (Some(Mode::Ephemeral), name_at(0).unwrap_or_default(), name_at(1), 2),
                    t => (Some(Mode::Managed), t.to_string(), name_at(0), 1),
                };
                if let (Some(mode), Some(name)) = (mode, name) {
                    let mut i = next;
                    if matches!(
                        ops.get(i),
                        Some(
                            TraversalOperator::Index(_)
                                | TraversalOperator::LegacyIndex(_)
                                | TraversalOperator::FullSplat(_)
                                | TraversalOperator::AttrSplat(_)
                        )
                    ) {
                        i += 1;
                    }
                    if let Some(attr) = name_at(i) {
                        let span = t.span().map(|range| Span {
                            file: self.e.file.clone(),
                            range,
                        });
                        self.out.push((ResourceAddr { mode, type_, name }, attr, span));
                    }
                }
            }
            hcl_edit::visit::visit_traversal(self, t);
        }
    }
    let mut v = Found { e, out: Vec::new() };
    hcl_edit::visit::Visit::visit_expr(&mut v, &e.expr);
    v.out
}

/// What a reference to a resource that `place` ("the root module", "this module") does not
/// declare says, with a "did you mean" among the `declared` addresses.
pub fn undeclared_resource<'a>(
    addr: &ResourceAddr,
    place: &str,
    declared: impl IntoIterator<Item = &'a str>,
) -> String {
    format!(
        "A {} \"{}\" \"{}\" has not been declared in {place}.{}",
        if addr.mode == Mode::Data {
            "data source"
        } else {
            "managed resource"
        },
        addr.type_,
        addr.name,
        crate::core::diagnostic::suggestion(&addr.to_string(), declared)
    )
}

/// Whether the expression names anything at all (a variable, local, resource, `self`, `each`,
/// `count`, `path`, ...): a condition that names nothing always has the same result, and
/// Terraform refuses it as checking nothing.
pub fn names_anything(e: &Expression) -> bool {
    use hcl_edit::visit::Visit;
    struct Finder(bool);
    impl Visit for Finder {
        fn visit_expr(&mut self, node: &Expression) {
            if matches!(node, Expression::Variable(_)) {
                self.0 = true;
            } else if !self.0 {
                hcl_edit::visit::visit_expr(self, node);
            }
        }
        fn visit_object_key(&mut self, node: &ObjectKey) {
            // A bare key (`{a = 1}`) is a name of the object's own, not a reference.
            if let ObjectKey::Expression(e) = node {
                if !matches!(e, Expression::Variable(_)) {
                    self.visit_expr(e);
                }
            }
        }
    }
    let mut finder = Finder(false);
    finder.visit_expr(e);
    finder.0
}
