//! Answers of S3-compatible servers that are not AWS (the emulator the tests run against among
//! them) which the SDK rejects although their content is right. Kept here, apart from the
//! types, so that what exists only for them is in one place; AWS's own answers never take
//! these paths.

/// Reads the named elements from a successful response the SDK could not decode. Some
/// S3-compatible servers (moto 5.2 among them) name a document's root
/// `Get...Response` instead of the configuration's own name (`VersioningConfiguration`,
/// `AccelerateConfiguration`), which the SDK rejects although the content is right; responses
/// from AWS itself never take this path. `kind` is a word both root names contain.
pub(super) fn misnamed_root(
    raw: &aws_smithy_runtime_api::client::orchestrator::HttpResponse,
    kind: &str,
    names: &[&str],
) -> Option<Vec<Option<String>>> {
    if raw.status().as_u16() != 200 {
        return None;
    }
    let body = std::str::from_utf8(raw.body().bytes()?).ok()?;
    if !body.contains(kind) {
        return None;
    }
    let element = |name: &str| {
        let open = format!("<{name}>");
        let start = body.find(&open)? + open.len();
        let end = body[start..].find(&format!("</{name}>"))? + start;
        Some(body[start..end].trim().to_string()).filter(|v| !v.is_empty())
    };
    Some(names.iter().map(|n| element(n)).collect())
}
