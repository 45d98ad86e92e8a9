//! Where each node and module box goes: a layered (Sugiyama) layout of each group's items
//! made by `rust-sugiyama`, dependencies above what depends on them, with every child group
//! at its collapsed size; unconnected parts packed in rows.
//!
//! Expanding a group makes it larger without a new layout: [`arrange`] moves every item
//! right of the group's collapsed box by the width it gains, and every item below it by the
//! height. Such a move keeps apart whatever was apart, so the page does the same in a
//! few lines of script when a reader opens or closes a module (`page.js`, `arrange`), and
//! `graph -format=svg` draws the same layout with every group open.

use super::model::{Picture, FOLDED_NODES};
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use rust_sugiyama::configure::{Config, CrossingMinimization, RankingType};
use std::collections::BTreeSet;

/// Height of a node's box.
pub const NODE_H: f64 = 30.0;
/// Height of a collapsed group's box (its label and its counts).
pub const FOLDED_H: f64 = 46.0;
/// Space between items.
pub const GAP: f64 = 28.0;
/// Space inside a group's box around its items.
pub const PAD: f64 = 12.0;
/// Height of an open group's label row.
pub const HEAD: f64 = 32.0;
/// A row of unconnected parts wraps past this width.
pub const ROW: f64 = 1000.0;
/// The width of a character of a label, in the page's monospace font at 12px.
pub const CHAR_W: f64 = 7.3;

/// A rectangle: top-left corner and size.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

/// The layout: each node's and each group's box inside its parent group's item area, groups
/// at their collapsed size, and each group's item area with its children collapsed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    /// Per node.
    pub nodes: Vec<Rect>,
    /// Per group (the root's box is unused).
    pub groups: Vec<Rect>,
    /// Per group: the width and height of its items' area, every child group collapsed.
    pub areas: Vec<(f64, f64)>,
}

/// An item of a group: one of its nodes or one of its child groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Item {
    Node(usize),
    Group(usize),
}

/// Width of a box showing `label`.
pub fn label_width(label: &str, extra: f64) -> f64 {
    (label.chars().count() as f64 * CHAR_W + extra).clamp(90.0, 420.0)
}

/// Lays out a picture.
pub fn layout(pic: &Picture) -> Layout {
    let groups = pic.groups.len();
    let mut items: Vec<Vec<Item>> = vec![Vec::new(); groups];
    for (i, n) in pic.nodes.iter().enumerate() {
        items[n.group].push(Item::Node(i));
    }
    for (g, group) in pic.groups.iter().enumerate() {
        if let Some(p) = group.parent {
            items[p].push(Item::Group(g));
        }
    }
    let chains: Vec<Vec<usize>> = (0..groups).map(|g| pic.ancestry(g)).collect();
    let mut lifted: Vec<BTreeSet<(Item, Item)>> = vec![BTreeSet::new(); groups];
    for e in &pic.edges {
        let (cf, ct) = (&chains[pic.nodes[e.from].group], &chains[pic.nodes[e.to].group]);
        let common = cf.iter().zip(ct.iter()).take_while(|(a, b)| a == b).count();
        let item = |chain: &Vec<usize>, node| match chain.get(common) {
            Some(&g) => Item::Group(g),
            None => Item::Node(node),
        };
        let (from, to) = (item(cf, e.from), item(ct, e.to));
        if from != to {
            lifted[cf[common - 1]].insert((from, to));
        }
    }
    let mut out = Layout {
        nodes: vec![Rect::default(); pic.nodes.len()],
        groups: vec![Rect::default(); groups],
        areas: vec![(0.0, 0.0); groups],
    };
    for (i, n) in pic.nodes.iter().enumerate() {
        out.nodes[i].w = label_width(&n.label, 24.0);
        out.nodes[i].h = NODE_H;
    }
    for (g, group) in pic.groups.iter().enumerate() {
        out.groups[g].w = label_width(&group.label, 40.0);
        out.groups[g].h = FOLDED_H;
    }
    let config = Config {
        minimum_length: 1,
        vertex_spacing: GAP,
        dummy_vertices: true,
        dummy_size: 0.5,
        ranking_type: RankingType::MinimizeEdgeLength,
        c_minimization: CrossingMinimization::Barycenter,
        // Swapping neighbours saves few crossings on plans and costs much time on large ones.
        transpose: pic.nodes.len() <= FOLDED_NODES,
    };
    for g in 0..groups {
        if items[g].is_empty() {
            continue;
        }
        let area = place_items(&items[g], &lifted[g], &mut out, &config);
        out.areas[g] = area;
    }
    out
}

/// Lays out one group's items in its area; returns the area's size.
fn place_items(items: &[Item], edges: &BTreeSet<(Item, Item)>, out: &mut Layout, config: &Config) -> (f64, f64) {
    let size = |out: &Layout, it: Item| match it {
        Item::Node(n) => out.nodes[n],
        Item::Group(g) => out.groups[g],
    };
    let mut graph: StableDiGraph<(f64, f64), ()> = StableDiGraph::new();
    let mut index = std::collections::BTreeMap::new();
    for (k, &it) in items.iter().enumerate() {
        let r = size(out, it);
        let n = graph.add_node((r.w, r.h));
        index.insert(it, (n, k));
    }
    let mut connected = vec![false; items.len()];
    for (a, b) in edges {
        if let (Some(&(na, ka)), Some(&(nb, kb))) = (index.get(a), index.get(b)) {
            graph.add_edge(na, nb, ());
            connected[ka] = true;
            connected[kb] = true;
        }
    }
    // Parts: (first item, boxes of its items relative to the part, width, height).
    let mut parts: Vec<(usize, Vec<(usize, Rect)>, f64, f64)> = Vec::new();
    if connected.iter().any(|&c| c) {
        let mut sub = graph.clone();
        sub.retain_nodes(|_, n: NodeIndex| connected[n.index()]);
        for (coords, _, _) in rust_sugiyama::from_graph(&sub, &|_, &s| s, config) {
            let boxes: Vec<(usize, Rect)> = coords
                .iter()
                .map(|(n, (cx, cy))| {
                    let (w, h) = graph[*n];
                    (
                        n.index(),
                        Rect {
                            x: cx - w / 2.0,
                            y: cy - h / 2.0,
                            w,
                            h,
                        },
                    )
                })
                .collect();
            let left = boxes.iter().map(|(_, r)| r.x).fold(f64::INFINITY, f64::min);
            let top = boxes.iter().map(|(_, r)| r.y).fold(f64::INFINITY, f64::min);
            let mut boxes: Vec<(usize, Rect)> = boxes
                .into_iter()
                .map(|(k, r)| {
                    (
                        k,
                        Rect {
                            x: r.x - left,
                            y: r.y - top,
                            ..r
                        },
                    )
                })
                .collect();
            boxes.sort_by_key(|(k, _)| *k);
            let w = boxes.iter().map(|(_, r)| r.x + r.w).fold(0.0, f64::max);
            let h = boxes.iter().map(|(_, r)| r.y + r.h).fold(0.0, f64::max);
            parts.push((boxes[0].0, boxes, w, h));
        }
    }
    for (k, &it) in items.iter().enumerate() {
        if !connected[k] {
            let r = size(out, it);
            parts.push((k, vec![(k, Rect { x: 0.0, y: 0.0, ..r })], r.w, r.h));
        }
    }
    parts.sort_by_key(|(first, ..)| *first);
    // Rows of parts, each part left to right until the row is full.
    let row_limit = parts.iter().map(|p| p.2).fold(ROW, f64::max);
    let (mut x, mut y, mut row_h, mut width) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for (_, boxes, w, h) in parts {
        if x > 0.0 && x + w > row_limit {
            x = 0.0;
            y += row_h + GAP;
            row_h = 0.0;
        }
        for (k, r) in boxes {
            let placed = Rect {
                x: x + r.x,
                y: y + r.y,
                ..r
            };
            match items[k] {
                Item::Node(n) => out.nodes[n] = placed,
                Item::Group(g) => out.groups[g] = placed,
            }
        }
        x += w + GAP;
        width = width.max(x - GAP);
        row_h = row_h.max(h);
    }
    (width, y + row_h)
}

/// Boxes in page coordinates with the groups `open` says are open (the root always is):
/// `(node boxes, group boxes)`; a node inside a closed group has no box (`None`), nor has a
/// group inside one.
pub fn arrange(pic: &Picture, lay: &Layout, open: &dyn Fn(usize) -> bool) -> (Vec<Option<Rect>>, Vec<Option<Rect>>) {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); pic.groups.len()];
    for (g, group) in pic.groups.iter().enumerate() {
        if let Some(p) = group.parent {
            children[p].push(g);
        }
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); pic.groups.len()];
    for (i, n) in pic.nodes.iter().enumerate() {
        members[n.group].push(i);
    }
    // Sizes bottom-up: children come after their parents.
    let mut size: Vec<(f64, f64)> = lay.groups.iter().map(|r| (r.w, r.h)).collect();
    let mut shifted: Vec<Option<Shift>> = vec![None; pic.groups.len()];
    for g in (0..pic.groups.len()).rev() {
        if g != 0 && !open(g) {
            continue;
        }
        let shift = Shift::new(children[g].iter().map(|&c| {
            let r = lay.groups[c];
            (r, size[c].0 - r.w, size[c].1 - r.h)
        }));
        let (mut w, mut h) = (0.0f64, 0.0f64);
        for &n in &members[g] {
            let r = shift.apply(lay.nodes[n]);
            w = w.max(r.x + r.w);
            h = h.max(r.y + r.h);
        }
        for &c in &children[g] {
            let r = shift.apply(lay.groups[c]);
            w = w.max(r.x + size[c].0);
            h = h.max(r.y + size[c].1);
        }
        size[g] = if g == 0 {
            (w, h)
        } else {
            ((w + 2.0 * PAD).max(lay.groups[g].w), h + HEAD + PAD)
        };
        shifted[g] = Some(shift);
    }
    let mut nodes = vec![None; pic.nodes.len()];
    let mut groups = vec![None; pic.groups.len()];
    groups[0] = Some(Rect {
        x: 0.0,
        y: 0.0,
        w: size[0].0,
        h: size[0].1,
    });
    for g in 0..pic.groups.len() {
        let (Some(at), Some(shift)) = (groups[g], &shifted[g]) else {
            continue;
        };
        let (ox, oy) = if g == 0 {
            (at.x, at.y)
        } else {
            (at.x + PAD, at.y + HEAD)
        };
        for &n in &members[g] {
            let r = shift.apply(lay.nodes[n]);
            nodes[n] = Some(Rect {
                x: ox + r.x,
                y: oy + r.y,
                ..r
            });
        }
        for &c in &children[g] {
            let r = shift.apply(lay.groups[c]);
            groups[c] = Some(Rect {
                x: ox + r.x,
                y: oy + r.y,
                w: size[c].0,
                h: size[c].1,
            });
        }
    }
    (nodes, groups)
}

/// How opening child groups moves the other items of their group.
#[derive(Debug, Clone)]
struct Shift {
    /// Collapsed right edges, sorted, with the width gained up to and including each.
    xs: Vec<(f64, f64)>,
    /// Collapsed bottom edges, sorted, with the height gained up to and including each.
    ys: Vec<(f64, f64)>,
}

impl Shift {
    fn new(grown: impl Iterator<Item = (Rect, f64, f64)>) -> Shift {
        let (mut xs, mut ys) = (Vec::new(), Vec::new());
        for (r, dw, dh) in grown {
            if dw != 0.0 {
                xs.push((r.x + r.w, dw));
            }
            if dh != 0.0 {
                ys.push((r.y + r.h, dh));
            }
        }
        Shift {
            xs: running_sums(xs),
            ys: running_sums(ys),
        }
    }

    fn apply(&self, r: Rect) -> Rect {
        let by = |edges: &[(f64, f64)], at: f64| match edges.partition_point(|(e, _)| *e <= at) {
            0 => 0.0,
            k => edges[k - 1].1,
        };
        Rect {
            x: r.x + by(&self.xs, r.x),
            y: r.y + by(&self.ys, r.y),
            ..r
        }
    }
}

fn running_sums(mut edges: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    edges.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut total = 0.0;
    for e in &mut edges {
        total += e.1;
        e.1 = total;
    }
    edges
}
