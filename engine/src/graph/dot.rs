//! The graph in Graphviz DOT, sorted so the same configuration prints the same bytes.

use super::Graph;

/// The graph in DOT; edges point from a dependent to what it depends on.
pub fn dot(g: &Graph) -> String {
    let mut lines = vec!["digraph infinstor {".to_string(), "  rankdir = \"RL\";".to_string()];
    let mut nodes: Vec<String> = g
        .graph
        .node_indices()
        .map(|i| format!("  \"{}\";", g.graph[i]))
        .collect();
    nodes.sort();
    lines.extend(nodes);
    let mut edges: Vec<String> = g
        .graph
        .edge_indices()
        .filter_map(|e| g.graph.edge_endpoints(e))
        .map(|(a, b)| format!("  \"{}\" -> \"{}\";", g.graph[b], g.graph[a]))
        .collect();
    edges.sort();
    lines.extend(edges);
    lines.push("}".to_string());
    lines.join("\n") + "\n"
}
