//! The dependency graph: one node per variable, local, resource, output and provider of every
//! module instance, plus one per orphaned state instance to delete. Edges point from a
//! dependency to its dependent. A bounded-parallel [`walk`] visits nodes in dependency order.

use crate::addr::{Mode, ResourceAddr};
use crate::config::{DependsOn, Expr, Module};
use crate::diagnostic::{suggestion, Diagnostic, Diagnostics, Span};
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span as _;
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};

/// A module instance path (module call names from the root).
pub type ModPath = Vec<String>;

/// One node of the graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    /// A provider configuration (`aws`, `aws.west`); root module only.
    Provider(String),
    /// `variable` of a module instance.
    Variable(ModPath, String),
    /// `locals` entry.
    Local(ModPath, String),
    /// A resource or data source (all its instances).
    Resource(ModPath, ResourceAddr),
    /// An `output`.
    Output(ModPath, String),
    /// A state instance without configuration, to be deleted.
    Orphan(String),
}

fn prefix(path: &ModPath) -> String {
    path.iter().map(|m| format!("module.{m}.")).collect()
}

impl std::fmt::Display for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Node::Provider(k) => write!(f, "provider[\"{k}\"]"),
            Node::Variable(p, n) => write!(f, "{}var.{n}", prefix(p)),
            Node::Local(p, n) => write!(f, "{}local.{n}", prefix(p)),
            Node::Resource(p, a) => write!(f, "{}{a}", prefix(p)),
            Node::Output(p, n) => write!(f, "{}output.{n}", prefix(p)),
            Node::Orphan(a) => write!(f, "{a} (delete)"),
        }
    }
}

/// The graph and an index from node to its position.
#[derive(Debug, Default, Clone)]
pub struct Graph {
    /// Nodes and edges (dependency -> dependent).
    pub graph: StableDiGraph<Node, ()>,
    /// Node lookup.
    pub index: HashMap<Node, NodeIndex>,
}

impl Graph {
    fn add(&mut self, node: Node) -> NodeIndex {
        if let Some(i) = self.index.get(&node) {
            return *i;
        }
        let i = self.graph.add_node(node.clone());
        self.index.insert(node, i);
        i
    }

    /// Adds an edge: `from` must finish before `to` starts.
    pub fn edge(&mut self, from: &Node, to: &Node) {
        if let (Some(a), Some(b)) = (self.index.get(from).copied(), self.index.get(to).copied()) {
            if a != b && self.graph.find_edge(a, b).is_none() {
                self.graph.add_edge(a, b, ());
            }
        }
    }

    /// Adds a node that is not part of the configuration (an orphan delete).
    pub fn add_node(&mut self, node: Node) -> NodeIndex {
        self.add(node)
    }

    /// The resource nodes a node depends on, looking through variables, locals and outputs.
    pub fn resource_dependencies(&self, node: &Node) -> BTreeSet<Node> {
        let mut out = BTreeSet::new();
        let Some(start) = self.index.get(node) else {
            return out;
        };
        let mut stack = vec![*start];
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            for e in self.graph.edges_directed(n, Direction::Incoming) {
                let src = e.source();
                if !seen.insert(src) {
                    continue;
                }
                match &self.graph[src] {
                    r @ Node::Resource(..) => {
                        out.insert(r.clone());
                    }
                    Node::Provider(_) | Node::Orphan(_) => {}
                    _ => stack.push(src),
                }
            }
        }
        out
    }

    /// Rejects cycles, naming every node of each cycle.
    pub fn check_cycles(&self) -> Result<(), Diagnostics> {
        let mut diags = Diagnostics::default();
        for scc in petgraph::algo::tarjan_scc(&self.graph) {
            let self_loop = scc.len() == 1 && self.graph.find_edge(scc[0], scc[0]).is_some();
            if scc.len() > 1 || self_loop {
                let mut names: Vec<String> = scc.iter().map(|i| self.graph[*i].to_string()).collect();
                names.sort();
                diags.push(Diagnostic::error(
                    "Cycle in references",
                    format!(
                        "These depend on each other in a cycle: {}. Break the cycle by removing one of the references (or a depends_on).",
                        names.join(" -> ")
                    ),
                ));
            }
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(())
        }
    }
}

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

/// Collects the references of an expression, skipping names bound by `for`.
pub fn references(e: &Expr) -> Vec<(Ref, Option<Span>)> {
    let mut out = Vec::new();
    collect(&e.expr, e, &mut Vec::new(), &mut out);
    out
}

fn collect(e: &Expression, ctx: &Expr, bound: &mut Vec<String>, out: &mut Vec<(Ref, Option<Span>)>) {
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

fn collect_template(t: &Template, ctx: &Expr, bound: &mut Vec<String>, out: &mut Vec<(Ref, Option<Span>)>) {
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

fn root_ref(
    root: &str,
    ops: &[&TraversalOperator],
    whole: &Expression,
    ctx: &Expr,
    bound: &[String],
    out: &mut Vec<(Ref, Option<Span>)>,
) {
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
        "data" => match (attr(0), attr(1)) {
            (Some(t), Some(n)) => Some(Ref::Resource(ResourceAddr {
                mode: Mode::Data,
                type_: t,
                name: n,
            })),
            _ => None,
        },
        "each" | "count" | "path" | "terraform" | "self" => None,
        t => attr(0).map(|n| {
            Ref::Resource(ResourceAddr {
                mode: Mode::Managed,
                type_: t.to_string(),
                name: n,
            })
        }),
    };
    if let Some(r) = r {
        out.push((r, span));
    }
}

/// Every module instance of the tree with its path.
pub fn module_instances(root: &Module) -> Vec<(ModPath, &Module)> {
    let mut out = Vec::new();
    fn rec<'a>(path: ModPath, m: &'a Module, out: &mut Vec<(ModPath, &'a Module)>) {
        out.push((path.clone(), m));
        for (name, call) in &m.module_calls {
            let mut p = path.clone();
            p.push(name.clone());
            rec(p, &call.module, out);
        }
    }
    rec(Vec::new(), root, &mut out);
    out
}

/// Finds the module at a path.
pub fn module_at<'a>(root: &'a Module, path: &[String]) -> Option<&'a Module> {
    let mut m = root;
    for name in path {
        m = &m.module_calls.get(name)?.module;
    }
    Some(m)
}

fn ref_targets(path: &ModPath, module: &Module, r: &Ref, span: Option<Span>, diags: &mut Diagnostics) -> Vec<Node> {
    match r {
        Ref::Var(n) => {
            if module.variables.contains_key(n) {
                vec![Node::Variable(path.clone(), n.clone())]
            } else {
                diags.push(
                    Diagnostic::error(
                        "Reference to undeclared input variable",
                        format!(
                            "An input variable with the name \"{n}\" has not been declared. Add a variable \"{n}\" {{}} block.{}",
                            suggestion(n, module.variables.keys().map(String::as_str))
                        ),
                    )
                    .at(span),
                );
                Vec::new()
            }
        }
        Ref::Local(n) => {
            if module.locals.contains_key(n) {
                vec![Node::Local(path.clone(), n.clone())]
            } else {
                diags.push(
                    Diagnostic::error(
                        "Reference to undeclared local value",
                        format!(
                            "A local value with the name \"{n}\" has not been declared.{}",
                            suggestion(n, module.locals.keys().map(String::as_str))
                        ),
                    )
                    .at(span),
                );
                Vec::new()
            }
        }
        Ref::Module(m, out) => {
            let Some(call) = module.module_calls.get(m) else {
                diags.push(
                    Diagnostic::error(
                        "Reference to undeclared module",
                        format!(
                            "No module call named \"{m}\" is declared.{}",
                            suggestion(m, module.module_calls.keys().map(String::as_str))
                        ),
                    )
                    .at(span),
                );
                return Vec::new();
            };
            let mut child = path.clone();
            child.push(m.clone());
            match out {
                Some(o) if call.module.outputs.contains_key(o) => {
                    vec![Node::Output(child, o.clone())]
                }
                Some(o) => {
                    diags.push(
                        Diagnostic::error(
                            "Unsupported attribute",
                            format!(
                                "module.{m} has no output named \"{o}\".{}",
                                suggestion(o, call.module.outputs.keys().map(String::as_str))
                            ),
                        )
                        .at(span),
                    );
                    Vec::new()
                }
                None => call
                    .module
                    .outputs
                    .keys()
                    .map(|o| Node::Output(child.clone(), o.clone()))
                    .collect(),
            }
        }
        Ref::Resource(addr) => {
            if module.resources.contains_key(addr) {
                vec![Node::Resource(path.clone(), addr.clone())]
            } else {
                let names: Vec<String> = module.resources.keys().map(|a| a.to_string()).collect();
                diags.push(
                    Diagnostic::error(
                        "Reference to undeclared resource",
                        format!(
                            "A {} \"{}\" \"{}\" has not been declared in {}.{}",
                            if addr.mode == Mode::Data {
                                "data source"
                            } else {
                                "managed resource"
                            },
                            addr.type_,
                            addr.name,
                            if path.is_empty() {
                                "the root module".to_string()
                            } else {
                                format!("module.{}", path.join(".module."))
                            },
                            suggestion(&addr.to_string(), names.iter().map(String::as_str))
                        ),
                    )
                    .at(span),
                );
                Vec::new()
            }
        }
    }
}

fn depends_targets(path: &ModPath, module: &Module, deps: &[DependsOn], diags: &mut Diagnostics) -> Vec<Node> {
    let mut out = Vec::new();
    for d in deps {
        let parts: Vec<&str> = d.target.split('.').collect();
        let r = match parts.as_slice() {
            ["module", m] => Ref::Module((*m).to_string(), None),
            ["data", t, n] => Ref::Resource(ResourceAddr {
                mode: Mode::Data,
                type_: (*t).to_string(),
                name: (*n).to_string(),
            }),
            [t, n] => Ref::Resource(ResourceAddr {
                mode: Mode::Managed,
                type_: (*t).to_string(),
                name: (*n).to_string(),
            }),
            _ => {
                diags.push(
                    Diagnostic::error("Invalid depends_on reference", "depends_on items must name a whole resource, data source or module, e.g. aws_iam_role.r or module.dns.")
                        .at(d.span.clone()),
                );
                continue;
            }
        };
        out.extend(ref_targets(path, module, &r, d.span.clone(), diags));
    }
    out
}

/// Builds the graph of a module tree. All undeclared references are reported together.
pub fn build(root: &Module) -> Result<Graph, Diagnostics> {
    let mut g = Graph::default();
    let mut diags = Diagnostics::default();
    let mut edges: Vec<(Node, Node)> = Vec::new();
    let provider_keys: BTreeSet<String> = root.providers.keys().cloned().collect();
    for key in &provider_keys {
        g.add(Node::Provider(key.clone()));
    }
    let instances = module_instances(root);
    for (path, module) in &instances {
        for name in module.variables.keys() {
            g.add(Node::Variable(path.clone(), name.clone()));
        }
        for name in module.locals.keys() {
            g.add(Node::Local(path.clone(), name.clone()));
        }
        for addr in module.resources.keys() {
            g.add(Node::Resource(path.clone(), addr.clone()));
        }
        for name in module.outputs.keys() {
            g.add(Node::Output(path.clone(), name.clone()));
        }
    }
    // Providers referenced without a block still need a node (configured from the environment).
    for (_, module) in &instances {
        for res in module.resources.values() {
            if !g.index.contains_key(&Node::Provider(res.provider.clone())) {
                if res.provider.contains('.') {
                    diags.push(
                        Diagnostic::error(
                            "Provider configuration not present",
                            format!("{} uses provider {}, but there is no provider block with that alias. Add provider \"aws\" {{ alias = \"...\" }} to the root module.", res.describe(), res.provider),
                        )
                        .at(res.span.clone()),
                    );
                    continue;
                }
                g.add(Node::Provider(res.provider.clone()));
            }
        }
    }
    for (key, pc) in &root.providers {
        let me = Node::Provider(key.clone());
        for expr in all_exprs(&pc.body) {
            for (r, span) in references(expr) {
                for t in ref_targets(&Vec::new(), root, &r, span, &mut diags) {
                    edges.push((t, me.clone()));
                }
            }
        }
    }
    for (path, module) in &instances {
        for (name, local) in &module.locals {
            let me = Node::Local(path.clone(), name.clone());
            for (r, span) in references(&local.expr) {
                for t in ref_targets(path, module, &r, span, &mut diags) {
                    edges.push((t, me.clone()));
                }
            }
        }
        for (addr, res) in &module.resources {
            let me = Node::Resource(path.clone(), addr.clone());
            edges.push((Node::Provider(res.provider.clone()), me.clone()));
            let mut exprs: Vec<&Expr> = all_exprs(&res.body);
            exprs.extend(res.count.iter());
            exprs.extend(res.for_each.iter());
            for expr in exprs {
                for (r, span) in references(expr) {
                    for t in ref_targets(path, module, &r, span, &mut diags) {
                        edges.push((t, me.clone()));
                    }
                }
            }
            for t in depends_targets(path, module, &res.depends_on, &mut diags) {
                edges.push((t, me.clone()));
            }
        }
        for (name, out) in &module.outputs {
            let me = Node::Output(path.clone(), name.clone());
            for (r, span) in references(&out.value) {
                for t in ref_targets(path, module, &r, span, &mut diags) {
                    edges.push((t, me.clone()));
                }
            }
            for t in depends_targets(path, module, &out.depends_on, &mut diags) {
                edges.push((t, me.clone()));
            }
        }
        for (call_name, call) in &module.module_calls {
            let mut child = path.clone();
            child.push(call_name.clone());
            for (input, attr) in &call.inputs {
                if !call.module.variables.contains_key(input) {
                    diags.push(
                        Diagnostic::error(
                            "Unsupported argument",
                            format!(
                                "module \"{call_name}\" has no variable named \"{input}\".{}",
                                suggestion(input, call.module.variables.keys().map(String::as_str))
                            ),
                        )
                        .at(attr.name_span.clone()),
                    );
                    continue;
                }
                let me = Node::Variable(child.clone(), input.clone());
                for (r, span) in references(&attr.expr) {
                    for t in ref_targets(path, module, &r, span, &mut diags) {
                        edges.push((t, me.clone()));
                    }
                }
            }
            for (vname, var) in &call.module.variables {
                if var.default.is_none() && !call.inputs.contains_key(vname) {
                    diags.push(
                        Diagnostic::error(
                            "Missing required argument",
                            format!("module \"{call_name}\" requires the input \"{vname}\", which has no default. Add {vname} = ... to the module block."),
                        )
                        .at(call.span.clone()),
                    );
                }
            }
            let targets = depends_targets(path, module, &call.depends_on, &mut diags);
            if !targets.is_empty() {
                for (cpath, cm) in module_instances(&call.module) {
                    let mut full = child.clone();
                    full.extend(cpath);
                    for addr in cm.resources.keys() {
                        for t in &targets {
                            edges.push((t.clone(), Node::Resource(full.clone(), addr.clone())));
                        }
                    }
                }
            }
        }
    }
    for (a, b) in edges {
        g.edge(&a, &b);
    }
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    g.check_cycles()?;
    Ok(g)
}

/// Every expression in a body, nested blocks included.
pub fn all_exprs(body: &crate::config::Body) -> Vec<&Expr> {
    let mut out: Vec<&Expr> = body.attrs.values().map(|a| &a.expr).collect();
    for b in &body.blocks {
        out.extend(all_exprs(&b.body));
    }
    out
}

/// How a node's visit ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done.
    Ok,
    /// Failed; dependents are skipped.
    Failed,
    /// Not run because a dependency failed or the walk was interrupted.
    Skipped,
}

struct WalkState {
    remaining: HashMap<NodeIndex, usize>,
    ready: VecDeque<NodeIndex>,
    outcomes: BTreeMap<NodeIndex, Outcome>,
    running: usize,
}

/// Visits every node after its dependencies, at most `parallelism` at a time. A failed node's
/// dependents are skipped; independent nodes go on. When `stop` becomes true, nothing new
/// starts and the walk waits for the visits in flight.
pub fn walk<F>(graph: &Graph, parallelism: usize, stop: &AtomicBool, visit: F) -> BTreeMap<NodeIndex, Outcome>
where
    F: Fn(NodeIndex, &Node) -> Outcome + Sync,
{
    walk_grouped(
        graph,
        parallelism,
        stop,
        |_, _| false,
        |batch| batch.iter().map(|(i, n)| visit(*i, n)).collect(),
    )
}

/// Like [`walk`], but nodes that are ready at the same moment and that `group` says belong
/// together (Route53 records of one type and provider) are visited in one call, taking one
/// parallelism slot, so their provider can make one API call for all of them. `visit`
/// returns one outcome per node, in order.
pub fn walk_grouped<G, F>(
    graph: &Graph,
    parallelism: usize,
    stop: &AtomicBool,
    group: G,
    visit: F,
) -> BTreeMap<NodeIndex, Outcome>
where
    G: Fn(&Node, &Node) -> bool + Sync,
    F: Fn(&[(NodeIndex, &Node)]) -> Vec<Outcome> + Sync,
{
    let g = &graph.graph;
    let mut remaining = HashMap::new();
    let mut ready = VecDeque::new();
    let mut order: Vec<NodeIndex> = g.node_indices().collect();
    order.sort_by(|a, b| g[*a].cmp(&g[*b]));
    for i in &order {
        let n = g.edges_directed(*i, Direction::Incoming).count();
        if n == 0 {
            ready.push_back(*i);
        }
        remaining.insert(*i, n);
    }
    let state = Mutex::new(WalkState {
        remaining,
        ready,
        outcomes: BTreeMap::new(),
        running: 0,
    });
    let cv = Condvar::new();
    let total = order.len();
    std::thread::scope(|scope| {
        for _ in 0..parallelism.max(1) {
            scope.spawn(|| loop {
                let batch: Vec<NodeIndex> = {
                    let mut st = match state.lock() {
                        Ok(s) => s,
                        Err(p) => p.into_inner(),
                    };
                    loop {
                        if st.outcomes.len() == total {
                            cv.notify_all();
                            return;
                        }
                        if let Some(n) = st.ready.pop_front() {
                            let mut batch = vec![n];
                            let mut rest = VecDeque::new();
                            while let Some(m) = st.ready.pop_front() {
                                if group(&g[n], &g[m]) {
                                    batch.push(m);
                                } else {
                                    rest.push_back(m);
                                }
                            }
                            st.ready = rest;
                            st.running += 1;
                            break batch;
                        }
                        st = match cv.wait(st) {
                            Ok(s) => s,
                            Err(p) => p.into_inner(),
                        };
                    }
                };
                let outcomes = if stop.load(Ordering::SeqCst) {
                    vec![Outcome::Skipped; batch.len()]
                } else {
                    let nodes: Vec<(NodeIndex, &Node)> = batch.iter().map(|i| (*i, &g[*i])).collect();
                    let mut out = visit(&nodes);
                    out.resize(batch.len(), Outcome::Failed);
                    out
                };
                let mut st = match state.lock() {
                    Ok(s) => s,
                    Err(p) => p.into_inner(),
                };
                st.running -= 1;
                for (node, outcome) in batch.into_iter().zip(outcomes) {
                    if !st.outcomes.contains_key(&node) {
                        finish(g, &mut st, node, outcome);
                    }
                }
                cv.notify_all();
            });
        }
    });
    match state.into_inner() {
        Ok(s) => s.outcomes,
        Err(p) => p.into_inner().outcomes,
    }
}

fn finish(g: &StableDiGraph<Node, ()>, st: &mut WalkState, node: NodeIndex, outcome: Outcome) {
    st.outcomes.insert(node, outcome);
    let mut to_skip = Vec::new();
    for e in g.edges_directed(node, Direction::Outgoing) {
        let t = e.target();
        if outcome != Outcome::Ok {
            to_skip.push(t);
            continue;
        }
        if let Some(r) = st.remaining.get_mut(&t) {
            *r -= 1;
            if *r == 0 && !st.outcomes.contains_key(&t) {
                st.ready.push_back(t);
            }
        }
    }
    for t in to_skip {
        if !st.outcomes.contains_key(&t) {
            st.ready.retain(|r| *r != t);
            finish(g, st, t, Outcome::Skipped);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn chain() -> (Graph, Vec<Node>) {
        let mut g = Graph::default();
        let nodes: Vec<Node> = (0..4).map(|i| Node::Local(Vec::new(), format!("l{i}"))).collect();
        for n in &nodes {
            g.add(n.clone());
        }
        g.edge(&nodes[0], &nodes[1]);
        g.edge(&nodes[1], &nodes[2]);
        (g, nodes)
    }

    #[test]
    fn failure_skips_only_dependents() {
        let (g, nodes) = chain();
        let stop = AtomicBool::new(false);
        let visited = AtomicUsize::new(0);
        let out = walk(&g, 4, &stop, |_, n| {
            visited.fetch_add(1, Ordering::SeqCst);
            if *n == nodes[1] {
                Outcome::Failed
            } else {
                Outcome::Ok
            }
        });
        let by_node = |n: &Node| out[&g.index[n]];
        assert_eq!(by_node(&nodes[0]), Outcome::Ok);
        assert_eq!(by_node(&nodes[1]), Outcome::Failed);
        assert_eq!(by_node(&nodes[2]), Outcome::Skipped);
        assert_eq!(by_node(&nodes[3]), Outcome::Ok, "independent work continues");
        assert_eq!(visited.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn cycles_are_named() {
        let (mut g, nodes) = chain();
        g.edge(&nodes[2], &nodes[0]);
        let err = g.check_cycles().expect_err("cycle");
        let text = err.to_string();
        assert!(text.contains("local.l0 -> local.l1 -> local.l2"), "{text}");
    }

    #[test]
    fn ready_nodes_that_belong_together_are_visited_in_one_call() {
        let mut g = Graph::default();
        let root = Node::Local(Vec::new(), "root".into());
        g.add(root.clone());
        let leaves: Vec<Node> = (0..5).map(|i| Node::Output(Vec::new(), format!("o{i}"))).collect();
        for l in &leaves {
            g.add(l.clone());
            g.edge(&root, l);
        }
        let stop = AtomicBool::new(false);
        let calls = Mutex::new(Vec::new());
        let out = walk_grouped(
            &g,
            4,
            &stop,
            |a, b| matches!((a, b), (Node::Output(..), Node::Output(..))),
            |batch| {
                calls.lock().expect("calls").push(batch.len());
                vec![Outcome::Ok; batch.len()]
            },
        );
        assert!(out.values().all(|o| *o == Outcome::Ok));
        let calls = calls.into_inner().expect("calls");
        assert_eq!(
            calls,
            vec![1, 5],
            "the five outputs became ready together and went in one call"
        );
    }

    #[test]
    fn stop_starts_nothing_new() {
        let (g, _) = chain();
        let stop = AtomicBool::new(true);
        let out = walk(&g, 2, &stop, |_, _| Outcome::Ok);
        assert!(out.values().all(|o| *o == Outcome::Skipped));
    }
}
