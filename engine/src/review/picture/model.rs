//! What the picture shows, independent of how it is drawn: one node per instance, grouped by
//! module instance, with edges from each dependency to what depends on it.

use crate::core::addr::{module_path_string, InstanceAddr, ModulePath};
use crate::core::plan::{Action, Change, Plan};
use crate::core::provider::ProviderFactory;
use crate::review::text;
use std::collections::BTreeMap;

/// What happens to a node, as the page colours it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Created.
    Create,
    /// Updated in place.
    Update,
    /// Destroyed and created again.
    Replace,
    /// Destroyed.
    Destroy,
    /// A data source read during apply.
    Read,
    /// Only its address in state changes (`moved`).
    Move,
    /// Adopted into state by an `import` block.
    Import,
    /// Dropped from state and left in AWS (`removed` with `destroy = false`).
    Forget,
    /// Nothing happens.
    NoOp,
    /// A node of the configuration's graph, where nothing is planned.
    Plain,
}

impl Kind {
    /// The word the page and its legend use (also the CSS class).
    pub fn word(self) -> &'static str {
        match self {
            Kind::Create => "create",
            Kind::Update => "update",
            Kind::Replace => "replace",
            Kind::Destroy => "destroy",
            Kind::Read => "read",
            Kind::Move => "move",
            Kind::Import => "import",
            Kind::Forget => "forget",
            Kind::NoOp => "no-op",
            Kind::Plain => "node",
        }
    }

    /// Every kind, in the legend's order.
    pub const ALL: [Kind; 9] = [
        Kind::Create,
        Kind::Update,
        Kind::Replace,
        Kind::Destroy,
        Kind::Read,
        Kind::Move,
        Kind::Import,
        Kind::Forget,
        Kind::NoOp,
    ];
}

/// A module instance, or the instances of one resource with `count` or `for_each` (group 0 is
/// the root module).
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// `module.tenant["acme"]`, or `module.tenant["acme"].aws_s3_bucket.logs`; empty for the
    /// root.
    pub address: String,
    /// What it shows as a box: `module.tenant["acme"]`, or `aws_s3_bucket.logs` in its module.
    pub label: String,
    /// The enclosing group; `None` for the root.
    pub parent: Option<usize>,
    /// A module instance (not a resource's instances).
    pub module: bool,
    /// Whether the page shows it collapsed when it opens.
    pub collapsed: bool,
}

/// One instance in the picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Its full address.
    pub address: String,
    /// Its address inside its module (`aws_s3_bucket.logs[0]`).
    pub label: String,
    /// The group it is in.
    pub group: usize,
    /// What happens to it.
    pub kind: Kind,
    /// The change as the plan's text shows it (empty where there is none to show).
    pub diff: String,
    /// Why it happens, one line each.
    pub reasons: Vec<String>,
}

/// An edge from a dependency to an instance that depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    /// The dependency.
    pub from: usize,
    /// The dependent.
    pub to: usize,
    /// The dependency is replaced: the edge carries the replacement to the dependent.
    pub replaced: bool,
}

/// An access review finding, tied to its node when the node is in the picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// `!`, `+`, `~` or `-`.
    pub marker: &'static str,
    /// The instance whose change causes it.
    pub address: String,
    /// Its node.
    pub node: Option<usize>,
    /// The finding in words.
    pub message: String,
}

/// A resource with more instances than this opens collapsed.
pub const FOLDED_INSTANCES: usize = 12;

/// A picture with more nodes than this opens with its modules collapsed.
pub const FOLDED_NODES: usize = 400;

/// A whole picture.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Picture {
    /// Module instances, parents before children; the root first.
    pub groups: Vec<Group>,
    /// Instances, in address order.
    pub nodes: Vec<Node>,
    /// Dependencies, sorted.
    pub edges: Vec<Edge>,
    /// The access review.
    pub findings: Vec<Finding>,
    /// Terraform's summary line.
    pub summary: String,
}

impl Picture {
    /// An empty picture with only the root group.
    pub fn new(summary: impl Into<String>) -> Picture {
        Picture {
            groups: vec![Group {
                address: String::new(),
                label: String::new(),
                parent: None,
                module: true,
                collapsed: false,
            }],
            summary: summary.into(),
            ..Picture::default()
        }
    }

    /// The group of a module instance path, made with its parents when new.
    pub fn group_of(&mut self, path: &ModulePath, index: &mut BTreeMap<String, usize>) -> usize {
        let mut parent = 0;
        for depth in 1..=path.len() {
            let address = module_path_string(&path[..depth].to_vec());
            parent = match index.get(&address) {
                Some(&g) => g,
                None => {
                    // Inside another module's box, the call's own part says enough.
                    let label = match address.strip_prefix(&format!("{}.", self.groups[parent].address)) {
                        Some(own) if parent != 0 => own.to_string(),
                        _ => address.clone(),
                    };
                    self.groups.push(Group {
                        address: address.clone(),
                        label,
                        parent: Some(parent),
                        module: true,
                        collapsed: false,
                    });
                    index.insert(address, self.groups.len() - 1);
                    self.groups.len() - 1
                }
            };
        }
        parent
    }

    /// The group of the instances of one resource, in module group `module`, made when new.
    pub fn resource_group(
        &mut self,
        module: usize,
        address: String,
        label: String,
        index: &mut BTreeMap<String, usize>,
    ) -> usize {
        if let Some(&g) = index.get(&address) {
            return g;
        }
        self.groups.push(Group {
            address: address.clone(),
            label,
            parent: Some(module),
            module: false,
            collapsed: false,
        });
        index.insert(address, self.groups.len() - 1);
        self.groups.len() - 1
    }

    /// Which groups the page opens collapsed: a resource's instances past
    /// [`FOLDED_INSTANCES`], and every module instance in a picture of more than
    /// [`FOLDED_NODES`] nodes, so that a large plan opens as an overview.
    pub fn fold_defaults(&mut self) {
        let mut members = vec![0usize; self.groups.len()];
        for n in &self.nodes {
            members[n.group] += 1;
        }
        let large = self.nodes.len() > FOLDED_NODES;
        for (g, group) in self.groups.iter_mut().enumerate().skip(1) {
            group.collapsed = if group.module {
                large
            } else {
                members[g] > FOLDED_INSTANCES
            };
        }
    }

    /// The groups from the root down to `g`.
    pub fn ancestry(&self, g: usize) -> Vec<usize> {
        let mut chain = vec![g];
        let mut at = g;
        while let Some(p) = self.groups[at].parent {
            chain.push(p);
            at = p;
        }
        chain.reverse();
        chain
    }
}

/// The picture of a plan: every change (no-ops too, drawn faint) with its diff and reasons.
pub fn of_plan(plan: &Plan, schemas: &dyn ProviderFactory) -> Picture {
    let summary = if plan.has_changes() {
        text::summary_line(plan)
    } else {
        "No changes. Your infrastructure matches the configuration.".to_string()
    };
    let mut pic = Picture::new(summary);
    let mut groups = BTreeMap::new();
    let mut by_resource: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let moved: BTreeMap<&InstanceAddr, &InstanceAddr> = plan.moves.iter().map(|m| (&m.to, &m.from)).collect();
    let imported: BTreeMap<&InstanceAddr, &str> = plan.imports.iter().map(|i| (&i.addr, i.id.as_str())).collect();
    let drifted: BTreeMap<&InstanceAddr, &Change> = plan.drift.iter().map(|d| (&d.addr, d)).collect();
    let mut instances: BTreeMap<String, usize> = BTreeMap::new();
    for c in &plan.changes {
        *instances.entry(c.addr.resource_string()).or_default() += 1;
    }
    for c in &plan.changes {
        let mut group = pic.group_of(&c.addr.module, &mut groups);
        let resource = c.addr.resource_string();
        if instances.get(&resource).is_some_and(|&n| n > 1) {
            group = pic.resource_group(group, resource, c.addr.resource.to_string(), &mut groups);
        }
        let kind = match c.action {
            Action::Create => Kind::Create,
            Action::Update => Kind::Update,
            Action::Replace { .. } => Kind::Replace,
            Action::Delete | Action::DeleteDeposed => Kind::Destroy,
            Action::Read => Kind::Read,
            Action::Forget => Kind::Forget,
            Action::NoOp if imported.contains_key(&c.addr) => Kind::Import,
            Action::NoOp if moved.contains_key(&c.addr) => Kind::Move,
            Action::NoOp => Kind::NoOp,
        };
        let mut reasons = Vec::new();
        if let Some(r) = &c.reason {
            reasons.push(r.clone());
        }
        if !c.requires_replace.is_empty() {
            reasons.push(format!("forces replacement: {}", c.requires_replace.join(", ")));
        }
        if let Some(from) = moved.get(&c.addr) {
            reasons.push(format!("moved from {from}"));
        }
        if let Some(id) = imported.get(&c.addr) {
            reasons.push(format!("imported by an import block (id {id:?})"));
        }
        if let Some(d) = drifted.get(&c.addr) {
            reasons.push(match d.action {
                Action::Delete => "deleted outside infinstor since the last apply".to_string(),
                _ => "changed outside infinstor since the last apply".to_string(),
            });
        }
        let mut diff = if kind == Kind::NoOp {
            String::new()
        } else {
            text::change_text(c, schemas, false)
        };
        // What changed outside infinstor, as the plan's text shows it above the actions.
        if let Some(d) = drifted.get(&c.addr) {
            let outside = text::change_text(d, schemas, false);
            let body: Vec<&str> = outside.lines().skip(1).collect();
            if !diff.is_empty() {
                diff.push_str("\n\n");
            }
            diff.push_str(&format!(
                "  # {} changed outside infinstor:\n{}",
                c.addr,
                body.join("\n")
            ));
        }
        let label = InstanceAddr {
            module: Vec::new(),
            resource: c.addr.resource.clone(),
            key: c.addr.key.clone(),
        }
        .to_string();
        by_resource.entry(keyless(&c.addr)).or_default().push(pic.nodes.len());
        pic.nodes.push(Node {
            address: c.addr.to_string(),
            label,
            group,
            kind,
            diff,
            reasons,
        });
    }
    let mut edges = Vec::new();
    for (to, c) in plan.changes.iter().enumerate() {
        for dep in &c.dependencies {
            let Some(candidates) = by_resource.get(dep) else {
                continue;
            };
            // An instance of a module depends on the same instance's resources, where the
            // dependency is in that instance; elsewhere on every instance.
            let near: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&from| same_instances(&plan.changes[from].addr.module, &c.addr.module))
                .collect();
            let chosen = if near.is_empty() { candidates.clone() } else { near };
            for from in chosen.into_iter().filter(|&f| f != to) {
                edges.push(Edge {
                    from,
                    to,
                    replaced: pic.nodes[from].kind == Kind::Replace,
                });
            }
        }
    }
    edges.sort();
    edges.dedup();
    pic.edges = edges;
    pic.fold_defaults();
    let nodes: BTreeMap<&str, usize> = pic
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.address.as_str(), i))
        .collect();
    pic.findings = plan
        .access
        .iter()
        .map(|f| Finding {
            marker: f.severity.marker(),
            address: f.address.clone(),
            node: nodes.get(f.address.as_str()).copied(),
            message: match &f.attribute {
                Some(a) => format!("{a}: {}", f.message),
                None => f.message.clone(),
            },
        })
        .collect();
    pic
}

/// The resource of an instance with its module path's keys left out, as dependencies name it.
fn keyless(addr: &InstanceAddr) -> String {
    crate::plan::walk::node_string(&crate::config::tree::config_path(&addr.module), &addr.resource)
}

/// Whether two module paths agree as far as both go.
fn same_instances(a: &ModulePath, b: &ModulePath) -> bool {
    a.iter().zip(b.iter()).all(|(x, y)| x == y)
}

/// Which nodes of the configuration's graph a picture of it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphNodes {
    /// Resources only (`graph` without `-type`).
    Resources,
    /// Every node: variables, locals, outputs, module calls and providers too.
    All,
    /// Every node, edges reversed into destroy order.
    AllReversed,
}

/// The picture of the configuration's graph, where nothing is planned.
pub fn of_graph(g: &crate::graph::Graph, which: GraphNodes) -> Picture {
    use crate::graph::Node as G;
    let mut pic = Picture::new(String::new());
    let mut groups = BTreeMap::new();
    let path_of = |n: &G| -> Vec<String> {
        match n {
            G::Variable(p, _) | G::Local(p, _) | G::Resource(p, _) | G::Output(p, _) => p.clone(),
            G::Module(p) => p[..p.len().saturating_sub(1)].to_vec(),
            G::Provider(_) | G::Delete(_) | G::Deposed(_) => Vec::new(),
        }
    };
    let mut nodes: Vec<(String, G)> = g
        .graph
        .node_indices()
        .map(|i| &g.graph[i])
        .filter(|n| which != GraphNodes::Resources || matches!(n, G::Resource(..)))
        .map(|n| (n.to_string(), n.clone()))
        .collect();
    nodes.sort();
    let mut index = BTreeMap::new();
    for (address, n) in &nodes {
        let path: ModulePath = path_of(n)
            .into_iter()
            .map(|m| (m, crate::core::addr::InstanceKey::None))
            .collect();
        let group = pic.group_of(&path, &mut groups);
        let prefix = pic.groups[group].address.clone();
        let label = match address.strip_prefix(&format!("{prefix}.")) {
            Some(rest) if !prefix.is_empty() => rest.to_string(),
            _ => address.clone(),
        };
        index.insert(n.clone(), pic.nodes.len());
        pic.nodes.push(Node {
            address: address.clone(),
            label,
            group,
            kind: Kind::Plain,
            diff: String::new(),
            reasons: Vec::new(),
        });
    }
    let mut edges = Vec::new();
    if which == GraphNodes::Resources {
        for list in crate::graph::resources(g).values() {
            for (n, deps) in list {
                for d in deps {
                    if let (Some(&from), Some(&to)) = (index.get(d), index.get(n)) {
                        edges.push(Edge {
                            from,
                            to,
                            replaced: false,
                        });
                    }
                }
            }
        }
    } else {
        for e in g.graph.edge_indices() {
            let Some((a, b)) = g.graph.edge_endpoints(e) else {
                continue;
            };
            if let (Some(&x), Some(&y)) = (index.get(&g.graph[a]), index.get(&g.graph[b])) {
                let (from, to) = if which == GraphNodes::AllReversed {
                    (y, x)
                } else {
                    (x, y)
                };
                edges.push(Edge {
                    from,
                    to,
                    replaced: false,
                });
            }
        }
    }
    edges.sort();
    edges.dedup();
    pic.edges = edges;
    pic.fold_defaults();
    pic
}
