//! The picture as one self-contained HTML page: the summary, the legend and the access review
//! written as HTML, and the graph drawn by the page's own script from the layout and diffs
//! embedded in it. Nothing is fetched: the page's content security policy allows no request.

use super::layout::{layout, HEAD, PAD};
use super::model::Picture;
use super::svg::{escape, kinds_in, num, COLOURS};
use base64::Engine as _;
use serde_json::{json, Value as Json};
use std::fmt::Write as _;
use std::io::Write as _;

const SCRIPT: &str = include_str!("page.js");
const STYLE: &str = include_str!("page.css");

/// Embedded data past this size is gzipped (and base64-encoded); the page unpacks it with the
/// browser's `DecompressionStream`. Diffs repeat themselves, so this keeps a page of
/// thousands of changes small.
pub const PACK_ABOVE: usize = 256 * 1024;

/// The page of a picture.
pub fn html(pic: &Picture, title: &str) -> String {
    let data = data(pic).to_string().replace('<', "\\u003c");
    let (kind, body) = if data.len() > PACK_ABOVE {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        // Writing to a Vec cannot fail.
        let _ = gz.write_all(data.as_bytes());
        let bytes = gz.finish().unwrap_or_default();
        (
            "application/gzip+base64",
            base64::engine::general_purpose::STANDARD.encode(bytes),
        )
    } else {
        ("application/json", data)
    };
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>
{COLOURS}{STYLE}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<p id="summary">{summary}</p>
<ul id="legend">
"#,
        title = escape(title),
        summary = escape(&pic.summary),
    );
    for (k, n) in kinds_in(pic) {
        let _ = writeln!(
            out,
            r#"<li class="node {w}"><svg width="14" height="14" aria-hidden="true"><rect x="1" y="1" width="12" height="12" rx="2"/></svg> {w} <b>{n}</b></li>"#,
            w = k.word()
        );
    }
    out.push_str(
        r#"</ul>
<div id="tools">
<input id="search" type="search" placeholder="Search by address ( / )" aria-label="Search by address" autocomplete="off">
<span id="matches" aria-live="polite"></span>
<button id="expand-all" type="button">Expand all</button>
<button id="collapse-all" type="button">Collapse all</button>
<button id="zoom-out" type="button" aria-label="Zoom out">−</button>
<button id="zoom-in" type="button" aria-label="Zoom in">+</button>
</div>
</header>
<main>
<section id="canvas" aria-label="Dependency graph (dependencies above what depends on them)">
<svg id="graph" xmlns="http://www.w3.org/2000/svg"></svg>
</section>
<aside>
<section id="details" aria-live="polite">
<h2>Select a node</h2>
<p class="hint">Click a node for its diff and why it changes; click a module to open or close it. Keys: <kbd>/</kbd> search, <kbd>j</kbd>/<kbd>k</kbd> next and previous change, <kbd>Enter</kbd> open or close, <kbd>Esc</kbd> clear.</p>
</section>
<section id="access">
"#,
    );
    if pic.findings.is_empty() {
        out.push_str("<h2>Access review</h2>\n<p class=\"hint\">No change grants or removes access.</p>\n");
    } else {
        let _ = writeln!(out, "<h2>Access review ({})</h2>\n<ul>", pic.findings.len());
        for f in &pic.findings {
            let link = match f.node {
                Some(n) => format!(r##"<a href="#node-{n}" data-node="{n}">{}</a>"##, escape(&f.address)),
                None => escape(&f.address),
            };
            let _ = writeln!(
                out,
                r#"<li class="finding sev{}"><span class="marker">{}</span> {link}: {}</li>"#,
                match f.marker {
                    "!" => "-high",
                    "+" => "-grant",
                    "~" => "-condition",
                    _ => "-revoke",
                },
                escape(f.marker),
                escape(&f.message)
            );
        }
        out.push_str("</ul>\n");
    }
    let _ = write!(
        out,
        r#"</section>
</aside>
</main>
<script id="plan-data" type="{kind}">{body}</script>
<script>
{SCRIPT}</script>
</body>
</html>
"#
    );
    out
}

/// What the script draws from: groups and nodes with their collapsed-layout boxes, edges,
/// and the constants of [`super::layout`].
fn data(pic: &Picture) -> Json {
    let lay = layout(pic);
    let rect = |r: &super::layout::Rect| -> [Json; 4] {
        [num(r.x), num(r.y), num(r.w), num(r.h)].map(|s| serde_json::from_str(&s).unwrap_or(Json::Null))
    };
    let groups: Vec<Json> = pic
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| {
            json!({
                "a": group.address,
                "l": group.label,
                "p": group.parent,
                "m": group.module,
                "c": group.collapsed,
                "r": rect(&lay.groups[g]),
            })
        })
        .collect();
    let nodes: Vec<Json> = pic
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let mut o = json!({
                "a": n.address,
                "l": n.label,
                "g": n.group,
                "k": n.kind.word(),
                "r": rect(&lay.nodes[i]),
            });
            if !n.diff.is_empty() {
                o["d"] = json!(n.diff);
            }
            if !n.reasons.is_empty() {
                o["y"] = json!(n.reasons);
            }
            o
        })
        .collect();
    let edges: Vec<Json> = pic
        .edges
        .iter()
        .map(|e| json!([e.from, e.to, u8::from(e.replaced)]))
        .collect();
    let findings: Vec<Json> = pic
        .findings
        .iter()
        .map(|f| json!({"m": f.marker, "a": f.address, "n": f.node, "t": f.message}))
        .collect();
    json!({
        "pad": PAD,
        "head": HEAD,
        "groups": groups,
        "nodes": nodes,
        "edges": edges,
        "findings": findings,
    })
}
