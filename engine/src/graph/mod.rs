//! The dependency graph: one node per variable, local, resource, output and provider of every
//! module instance, plus (during apply) one per instance to delete. Edges point from a
//! dependency to its dependent. A bounded-parallel [`walk`] visits nodes in dependency order.

mod build;
pub mod dot;
mod scoped;
mod walk;

pub use crate::config::tree::ModPath;
pub use build::{build, Graph, Node};
pub use dot::{destroy_order, dot, module_name, resources, summary};
pub use walk::{walk, walk_grouped, Outcome};

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Mutex;

    fn chain() -> (Graph, Vec<Node>) {
        let mut g = Graph::default();
        let nodes: Vec<Node> = (0..4).map(|i| Node::Local(Vec::new(), format!("l{i}"))).collect();
        for n in &nodes {
            g.add_node(n.clone());
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
        g.add_node(root.clone());
        let leaves: Vec<Node> = (0..5).map(|i| Node::Output(Vec::new(), format!("o{i}"))).collect();
        for l in &leaves {
            g.add_node(l.clone());
            g.edge(&root, l);
        }
        let stop = AtomicBool::new(false);
        let calls = Mutex::new(Vec::new());
        let out = walk_grouped(
            &g,
            4,
            &stop,
            |n| matches!(n, Node::Output(..)).then(|| "output".to_string()),
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
