//! The graph in Graphviz DOT, sorted so the same configuration prints the same bytes.

use super::{Graph, ModPath, Node};
use std::collections::BTreeMap;

/// The graph in DOT; edges point from a dependent to what it depends on.
pub fn dot(g: &Graph) -> String {
    let mut lines = vec!["digraph infinstor {".to_string(), "  rankdir = \"RL\";".to_string()];
    let mut nodes: Vec<String> = g
        .graph
        .node_indices()
        .map(|i| format!("  {};", quoted(&g.graph[i].to_string())))
        .collect();
    nodes.sort();
    lines.extend(nodes);
    let mut edges: Vec<String> = g
        .graph
        .edge_indices()
        .filter_map(|e| g.graph.edge_endpoints(e))
        .map(|(a, b)| {
            format!(
                "  {} -> {};",
                quoted(&g.graph[b].to_string()),
                quoted(&g.graph[a].to_string())
            )
        })
        .collect();
    edges.sort();
    lines.extend(edges);
    lines.push("}".to_string());
    lines.join("\n") + "\n"
}

/// Every resource of the configuration with the resources it depends on (looking through
/// variables, locals, outputs and module calls), by module, the root first; sorted.
pub fn resources(g: &Graph) -> BTreeMap<ModPath, Vec<(Node, Vec<Node>)>> {
    let mut out: BTreeMap<ModPath, Vec<(Node, Vec<Node>)>> = BTreeMap::new();
    for i in g.graph.node_indices() {
        if let n @ Node::Resource(path, _) = &g.graph[i] {
            let mut deps: Vec<Node> = g.resource_dependencies(n).into_iter().collect();
            deps.sort_by_key(|d| d.to_string());
            out.entry(path.clone()).or_default().push((n.clone(), deps));
        }
    }
    for list in out.values_mut() {
        list.sort_by_key(|(n, _)| n.to_string());
    }
    out
}

/// Terraform's `graph` without `-type`: the resources only, one cluster per module, edges
/// from each resource to those it depends on.
pub fn summary(g: &Graph) -> String {
    let by_module = resources(g);
    let mut lines = vec![
        "digraph G {".to_string(),
        "  rankdir = \"RL\";".to_string(),
        "  node [shape = rect, fontname = \"sans-serif\"];".to_string(),
    ];
    for (path, list) in &by_module {
        let indent = if path.is_empty() { "  " } else { "    " };
        if !path.is_empty() {
            let module = module_name(path);
            lines.push(format!("  subgraph {} {{", quoted(&format!("cluster_{module}"))));
            lines.push(format!("    label = {}", quoted(&module)));
            lines.push("    fontname = \"sans-serif\"".to_string());
        }
        for (n, _) in list {
            let label = match n {
                Node::Resource(_, a) => a.to_string(),
                other => other.to_string(),
            };
            lines.push(format!(
                "{indent}{} [label={}];",
                quoted(&n.to_string()),
                quoted(&label)
            ));
        }
        if !path.is_empty() {
            lines.push("  }".to_string());
        }
    }
    for list in by_module.values() {
        for (n, deps) in list {
            for d in deps {
                lines.push(format!("  {} -> {};", quoted(&n.to_string()), quoted(&d.to_string())));
            }
        }
    }
    lines.push("}".to_string());
    lines.join("\n") + "\n"
}

/// `module.a.module.b` of a module path.
pub fn module_name(path: &ModPath) -> String {
    path.iter().map(|m| format!("module.{m}")).collect::<Vec<_>>().join(".")
}

/// The whole graph in destroy order: every edge reversed, so each node points at what must
/// be destroyed before it (`graph -type=plan-destroy`).
pub fn destroy_order(g: &Graph) -> String {
    let mut reversed = g.clone();
    reversed.graph.reverse();
    dot(&reversed)
}

/// A DOT quoted ID: `provider["aws"]` has quotes of its own, escaped with a backslash.
pub fn quoted(id: &str) -> String {
    format!("\"{}\"", id.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        assert_eq!(quoted(r#"provider["aws"]"#), r#""provider[\"aws\"]""#);
        assert_eq!(quoted(r"a\b"), r#""a\\b""#);
    }
}
