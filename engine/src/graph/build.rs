//! Building the graph: nodes for every module instance's variables, locals, resources, outputs
//! and providers; edges from references and `depends_on`; cycles named.

use crate::config::refs::{body_references, references, Ref};
use crate::config::tree::{modules, ModPath};
use crate::config::{DependsOn, Module};
use crate::core::addr::{InstanceAddr, Mode, ResourceAddr};
use crate::core::diagnostic::{suggestion, Diagnostic, Diagnostics, Span};
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use std::collections::{BTreeSet, HashMap};

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
    /// A module call (the path ends with its name): evaluates its `count`/`for_each` in each
    /// instance of the calling module, which decides the instances of the called one.
    Module(ModPath),
    /// The delete of one instance (a removed resource, a destroy, or the old half of a
    /// replacement), added by apply from the plan's delete changes.
    Delete(InstanceAddr),
    /// The delete of the old object of a `create_before_destroy` replacement, after the new
    /// one exists and every dependent is updated.
    Deposed(InstanceAddr),
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
            Node::Module(p) => write!(f, "{}", prefix(p).trim_end_matches('.')),
            Node::Delete(a) => write!(f, "{a} (delete)"),
            Node::Deposed(a) => write!(f, "{a} (deposed)"),
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
    /// The edges already added: petgraph's `find_edge` scans a node's edges, which made adding
    /// the provider's N edges quadratic.
    edges: std::collections::HashSet<(NodeIndex, NodeIndex)>,
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
            if a != b && self.edges.insert((a, b)) {
                self.graph.add_edge(a, b, ());
            }
        }
    }

    /// Adds a node that is not part of the configuration (a delete).
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
                    Node::Provider(_) | Node::Delete(_) | Node::Deposed(_) => {}
                    _ => stack.push(src),
                }
            }
        }
        out
    }

    /// Rejects cycles, naming every node of each cycle.
    pub fn check_cycles(&self) -> Result<(), Diagnostics> {
        self.check_cycles_in(&|_| None)
    }

    /// Rejects cycles, naming every node of each cycle with where `locate` says it is written.
    pub fn check_cycles_in(&self, locate: &dyn Fn(&Node) -> Option<Span>) -> Result<(), Diagnostics> {
        let mut diags = Diagnostics::default();
        for scc in petgraph::algo::tarjan_scc(&self.graph) {
            let self_loop = scc.len() == 1 && self.graph.find_edge(scc[0], scc[0]).is_some();
            if scc.len() > 1 || self_loop {
                let mut names: Vec<String> = scc
                    .iter()
                    .map(|i| {
                        let node = &self.graph[*i];
                        match locate(node) {
                            Some(span) => {
                                let (line, _) = span.file.line_col(span.range.start);
                                format!("{node} ({} line {line})", span.file.display)
                            }
                            None => node.to_string(),
                        }
                    })
                    .collect();
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
                        crate::config::refs::undeclared_resource(
                            addr,
                            &crate::config::tree::describe(path),
                            names.iter().map(String::as_str),
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
            ["ephemeral", t, n] => Ref::Resource(ResourceAddr {
                mode: Mode::Ephemeral,
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

/// Where a node of the configuration is written.
fn locate(root: &Module, node: &Node) -> Option<Span> {
    let at = |path: &ModPath| crate::config::tree::module_at(root, path);
    match node {
        Node::Variable(p, n) => at(p)?.variables.get(n)?.span.clone(),
        Node::Local(p, n) => at(p)?.locals.get(n)?.name_span.clone(),
        Node::Resource(p, a) => at(p)?.resources.get(a)?.span.clone(),
        Node::Output(p, n) => at(p)?.outputs.get(n)?.span.clone(),
        Node::Module(p) => {
            let (name, parent) = p.split_last()?;
            at(&parent.to_vec())?.module_calls.get(name)?.span.clone()
        }
        Node::Provider(k) => root.providers.get(k)?.span.clone(),
        Node::Delete(_) | Node::Deposed(_) => None,
    }
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
    let instances = modules(root);
    for (path, module) in &instances {
        super::scoped::scoped_data_refs(module, &mut diags);
        if !path.is_empty() {
            g.add(Node::Module(path.clone()));
        }
        for (name, var) in &module.variables {
            g.add(Node::Variable(path.clone(), name.clone()));
            // A validation may read the module's other variables (Terraform 1.9): they are
            // known before it runs.
            let me = Node::Variable(path.clone(), name.clone());
            for v in &var.validations {
                for (r, _) in references(&v.condition).into_iter().chain(references(&v.error_message)) {
                    if let Ref::Var(other) = &r {
                        if other != name && module.variables.contains_key(other) {
                            edges.push((Node::Variable(path.clone(), other.clone()), me.clone()));
                        }
                    }
                }
            }
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
        for (r, span) in body_references(&pc.body) {
            for t in ref_targets(&Vec::new(), root, &r, span, &mut diags) {
                edges.push((t, me.clone()));
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
            let mut refs = body_references(&res.body);
            let conditions = res.lifecycle.preconditions.iter().chain(&res.lifecycle.postconditions);
            let condition_exprs = conditions
                .flat_map(|c| [&c.condition, &c.error_message])
                .chain(&res.lifecycle.replace_triggered_by);
            for expr in res.count.iter().chain(&res.for_each).chain(condition_exprs) {
                refs.extend(references(expr));
            }
            for p in &res.provisioners {
                let found = body_references(&p.body);
                if !p.when_destroy {
                    refs.extend(found);
                    continue;
                }
                // As in Terraform: when it runs, what else it could name may be gone already.
                for (r, span) in found {
                    diags.push(
                        Diagnostic::error(
                            "Invalid reference from destroy provisioner",
                            format!("A destroy-time provisioner may refer only to self, count.index and each.key, not to {}. Pass the value through the resource (for example in triggers) and read it with self.", ref_text(&r)),
                        )
                        .at(span),
                    );
                }
            }
            {
                for (r, span) in refs {
                    for t in ref_targets(path, module, &r, span.clone(), &mut diags) {
                        if t == me {
                            diags.push(
                                Diagnostic::error(
                                    "Self-referential block",
                                    format!("Configuration for {} may not refer to itself; use a variable or a local value instead.", res.addr),
                                )
                                .at(span.clone()),
                            );
                        }
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
            let conditions = out.preconditions.iter().flat_map(|c| [&c.condition, &c.error_message]);
            for (r, span) in std::iter::once(&out.value).chain(conditions).flat_map(references) {
                for t in ref_targets(path, module, &r, span, &mut diags) {
                    edges.push((t, me.clone()));
                }
            }
            for t in depends_targets(path, module, &out.depends_on, &mut diags) {
                edges.push((t, me.clone()));
            }
        }
        if !path.is_empty() {
            // Nothing of a module instance exists before the call has decided its instances.
            let me = Node::Module(path.clone());
            let members = (module.variables.keys().map(|n| Node::Variable(path.clone(), n.clone())))
                .chain(module.locals.keys().map(|n| Node::Local(path.clone(), n.clone())))
                .chain(module.resources.keys().map(|a| Node::Resource(path.clone(), a.clone())))
                .chain(module.outputs.keys().map(|n| Node::Output(path.clone(), n.clone())));
            for member in members {
                edges.push((me.clone(), member));
            }
        }
        for (call_name, call) in &module.module_calls {
            let mut child = path.clone();
            child.push(call_name.clone());
            let call_node = Node::Module(child.clone());
            if !path.is_empty() {
                edges.push((Node::Module(path.clone()), call_node.clone()));
            }
            for expr in call.count.iter().chain(&call.for_each) {
                for (r, span) in references(expr) {
                    for t in ref_targets(path, module, &r, span, &mut diags) {
                        edges.push((t, call_node.clone()));
                    }
                }
            }
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
                for (cpath, cm) in modules(&call.module) {
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
    g.check_cycles_in(&|node| locate(root, node))?;
    Ok(g)
}

/// A reference as written (`var.x`, `aws_s3_bucket.b`, `module.m.out`).
fn ref_text(r: &Ref) -> String {
    match r {
        Ref::Var(n) => format!("var.{n}"),
        Ref::Local(n) => format!("local.{n}"),
        Ref::Module(m, Some(o)) => format!("module.{m}.{o}"),
        Ref::Module(m, None) => format!("module.{m}"),
        Ref::Resource(a) => a.to_string(),
    }
}
