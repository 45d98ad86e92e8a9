//! JSON documents held in string attributes (policies, templates): compared by meaning and
//! shown in one canonical, pretty-printed form, so that formatting never shows as a change.

use crate::core::schema::Attribute;
use serde_json::{Map, Value as Json};

/// The canonical form of a document: the provider's ([`Attribute::document`]) when the
/// attribute has one, else the JSON with object keys sorted at every depth. `None` when the
/// text does not parse.
pub fn canonical(attr: Option<&Attribute>, doc: &str) -> Option<Json> {
    match attr.and_then(|a| a.canonical) {
        Some(c) => (c.0)(doc),
        None => serde_json::from_str(doc).ok().map(sorted),
    }
}

/// True when two documents mean the same. When either does not parse, the texts are compared,
/// so an invalid document still shows as changed when edited.
pub fn equivalent(attr: Option<&Attribute>, a: &str, b: &str) -> bool {
    match (canonical(attr, a), canonical(attr, b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// The canonical form pretty-printed with a 2-space indent, for line diffs that do not depend
/// on how either side happened to be formatted. A document that does not parse is returned as
/// it is.
pub fn pretty(attr: Option<&Attribute>, doc: &str) -> String {
    canonical(attr, doc)
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| doc.to_string())
}

/// The value with object keys sorted at every depth.
pub fn sorted(v: Json) -> Json {
    match v {
        Json::Object(m) => {
            let mut entries: Vec<(String, Json)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut out = Map::new();
            for (k, v) in entries {
                out.insert(k, sorted(v));
            }
            Json::Object(out)
        }
        Json::Array(items) => Json::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}
