//! The generic parallel walker: visits nodes after their dependencies with bounded parallelism.

use super::{Graph, Node};
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};

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
        |_| None,
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
    G: Fn(&Node) -> Option<String> + Sync,
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
                            // Only a node that batches looks through the queue for its group, so
                            // taking a node is O(1) otherwise (it was O(ready) for every node).
                            if let Some(key) = group(&g[n]) {
                                let mut rest = VecDeque::with_capacity(st.ready.len());
                                while let Some(m) = st.ready.pop_front() {
                                    if group(&g[m]).as_ref() == Some(&key) {
                                        batch.push(m);
                                    } else {
                                        rest.push_back(m);
                                    }
                                }
                                st.ready = rest;
                            }
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
