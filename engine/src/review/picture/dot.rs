//! A plan's picture in Graphviz DOT (`graph -type=apply`, `graph -plan=FILE`): the shape of
//! Terraform's resource graph (one cluster per module instance, edges from each instance to
//! what it depends on), each node labelled and coloured by its action.

use super::model::{Kind, Picture};
use crate::graph::dot::quoted;

/// Fill and line colour of a kind (those of the page's stylesheet).
fn colours(k: Kind) -> (&'static str, &'static str) {
    match k {
        Kind::Create => ("#dafbe1", "#1a7f37"),
        Kind::Update => ("#fff8c5", "#9a6700"),
        Kind::Replace => ("#ffe2cc", "#bc4c00"),
        Kind::Destroy => ("#ffebe9", "#cf222e"),
        Kind::Read => ("#ddf4ff", "#0969da"),
        Kind::Move => ("#d8f5f0", "#1b7c83"),
        Kind::Import => ("#fbefff", "#8250df"),
        Kind::Forget => ("#eaeef2", "#57606a"),
        Kind::NoOp | Kind::Plain => ("#ffffff", "#8c959f"),
    }
}

/// The DOT of a picture.
pub fn dot(pic: &Picture) -> String {
    // A resource's instances are drawn in their module's cluster.
    let module_of = |mut g: usize| {
        while !pic.groups[g].module {
            g = pic.groups[g].parent.unwrap_or(0);
        }
        g
    };
    let mut by_module: Vec<Vec<usize>> = vec![Vec::new(); pic.groups.len()];
    for (i, n) in pic.nodes.iter().enumerate() {
        by_module[module_of(n.group)].push(i);
    }
    let mut order: Vec<usize> = (0..pic.groups.len()).filter(|&g| pic.groups[g].module).collect();
    order.sort_by(|a, b| (*a != 0, &pic.groups[*a].address).cmp(&(*b != 0, &pic.groups[*b].address)));
    let mut lines = vec![
        "digraph G {".to_string(),
        "  rankdir = \"RL\";".to_string(),
        "  node [shape = rect, fontname = \"sans-serif\", style = filled];".to_string(),
    ];
    let mut listed = Vec::new();
    for &g in &order {
        let mut members = by_module[g].clone();
        members.sort_by(|a, b| pic.nodes[*a].address.cmp(&pic.nodes[*b].address));
        let indent = if g == 0 { "  " } else { "    " };
        if g != 0 {
            let module = &pic.groups[g].address;
            lines.push(format!("  subgraph {} {{", quoted(&format!("cluster_{module}"))));
            lines.push(format!("    label = {}", quoted(module)));
            lines.push("    fontname = \"sans-serif\"".to_string());
        }
        for &i in &members {
            let n = &pic.nodes[i];
            let (fill, line) = colours(n.kind);
            let label = match n.kind {
                Kind::Plain => n.label.clone(),
                k => format!("{} ({})", n.label, k.word()),
            };
            lines.push(format!(
                "{indent}{} [label={}, fillcolor = \"{fill}\", color = \"{line}\"];",
                quoted(&n.address),
                quoted(&label)
            ));
        }
        if g != 0 {
            lines.push("  }".to_string());
        }
        listed.extend(members);
    }
    let mut position = vec![0; pic.nodes.len()];
    for (k, &i) in listed.iter().enumerate() {
        position[i] = k;
    }
    let mut edges: Vec<_> = pic.edges.iter().collect();
    edges.sort_by_key(|e| (position[e.to], pic.nodes[e.from].address.as_str()));
    for e in edges {
        let style = if e.replaced {
            " [color = \"#bc4c00\", penwidth = 2]"
        } else {
            ""
        };
        lines.push(format!(
            "  {} -> {}{style};",
            quoted(&pic.nodes[e.to].address),
            quoted(&pic.nodes[e.from].address)
        ));
    }
    lines.push("}".to_string());
    lines.join("\n") + "\n"
}
