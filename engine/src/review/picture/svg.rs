//! The picture as one SVG document, every group open: `graph -format=svg`.

use super::layout::{arrange, layout, Rect, HEAD};
use super::model::{Kind, Picture};
use std::fmt::Write as _;

/// The stylesheet shared by the SVG and the page: one colour per [`Kind`].
pub const COLOURS: &str = include_str!("colours.css");

/// Draws a picture with every group open.
pub fn svg(pic: &Picture) -> String {
    let lay = layout(pic);
    let (nodes, groups) = arrange(pic, &lay, &|_| true);
    let whole = groups[0].unwrap_or_default();
    let margin = 16.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="{x} {y} {w} {h}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="12">"#,
        x = -margin,
        y = -margin,
        w = num(whole.w + 2.0 * margin),
        h = num(whole.h + 2.0 * margin),
    );
    let _ = writeln!(out, "<style>{COLOURS}</style>");
    for (g, r) in groups.iter().enumerate().skip(1) {
        let Some(r) = r else { continue };
        let _ = writeln!(
            out,
            r#"<g class="group"><rect x="{}" y="{}" width="{}" height="{}" rx="6"/><text x="{}" y="{}">{}</text></g>"#,
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h),
            num(r.x + 8.0),
            num(r.y + (HEAD - 6.0) * 0.65),
            escape(&pic.groups[g].label)
        );
    }
    // An edge between a resource's instances and something outside them is drawn once, to the
    // box of all its instances (as the page does).
    let end = |n: usize, other: usize| {
        let g = pic.nodes[n].group;
        if !pic.groups[g].module && pic.nodes[other].group != g {
            (Some(g), groups[g])
        } else {
            (None, nodes[n])
        }
    };
    let mut drawn: std::collections::BTreeMap<(usize, usize), (bool, Rect, Rect)> = std::collections::BTreeMap::new();
    for e in &pic.edges {
        let ((ga, a), (gb, b)) = (end(e.from, e.to), end(e.to, e.from));
        let key = (
            ga.map_or(e.from, |g| usize::MAX - g),
            gb.map_or(e.to, |g| usize::MAX - g),
        );
        let replaced = drawn.get(&key).is_some_and(|(r, ..)| *r) || e.replaced;
        if let (Some(a), Some(b)) = (a, b) {
            drawn.insert(key, (replaced, a, b));
        }
    }
    for (replaced, a, b) in drawn.values() {
        let class = if *replaced { "edge replaced" } else { "edge" };
        let _ = writeln!(out, r#"<path class="{class}" d="{}"/>"#, edge_path(*a, *b));
    }
    for (i, r) in nodes.iter().enumerate() {
        let Some(r) = r else { continue };
        let n = &pic.nodes[i];
        let _ = writeln!(
            out,
            r#"<g class="node {}"><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" rx="4"/><text x="{}" y="{}">{}</text></g>"#,
            n.kind.word(),
            escape(&n.address),
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h),
            num(r.x + 10.0),
            num(r.y + r.h * 0.65),
            escape(&n.label)
        );
    }
    out.push_str("</svg>\n");
    out
}

/// A curve from the bottom of a dependency to the top of what depends on it (or side to
/// side when they are on one level).
pub fn edge_path(a: Rect, b: Rect) -> String {
    if b.y >= a.y + a.h {
        let (x1, y1, x2, y2) = (a.x + a.w / 2.0, a.y + a.h, b.x + b.w / 2.0, b.y);
        let m = (y1 + y2) / 2.0;
        format!(
            "M{} {}C{} {} {} {} {} {}",
            num(x1),
            num(y1),
            num(x1),
            num(m),
            num(x2),
            num(m),
            num(x2),
            num(y2)
        )
    } else {
        let (x1, y1) = (a.x + a.w, a.y + a.h / 2.0);
        let (x2, y2) = (b.x, b.y + b.h / 2.0);
        let m = (x1 + x2) / 2.0;
        format!(
            "M{} {}C{} {} {} {} {} {}",
            num(x1),
            num(y1),
            num(m),
            num(y1),
            num(m),
            num(y2),
            num(x2),
            num(y2)
        )
    }
}

/// A coordinate with at most one decimal.
pub fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// Text for XML and HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The legend's kinds: those the picture has.
pub fn kinds_in(pic: &Picture) -> Vec<(Kind, usize)> {
    Kind::ALL
        .iter()
        .chain(std::iter::once(&Kind::Plain))
        .map(|&k| (k, pic.nodes.iter().filter(|n| n.kind == k).count()))
        .filter(|(_, n)| *n > 0)
        .collect()
}
