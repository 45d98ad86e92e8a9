//! The graph in Graphviz DOT, sorted so the same configuration prints the same bytes.

use super::Graph;

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

/// A DOT quoted ID: `provider["aws"]` has quotes of its own, escaped with a backslash.
fn quoted(id: &str) -> String {
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
