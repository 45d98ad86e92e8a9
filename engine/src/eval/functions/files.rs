//! Files and paths, relative to the module's directory.

use super::*;

pub(super) fn resolve(c: &Call<'_>, path: &str) -> PathBuf {
    // Terraform expands a leading ~ to the home directory.
    if let Some(rest) = path.strip_prefix("~/") {
        if let Some(home) = std::env::var_os("HOME") {
            return PathBuf::from(home).join(rest);
        }
    }
    c.ctx.base_dir.join(path)
}

/// The largest file the file functions read: configuration files are small, and a device such
/// as /dev/zero never ends.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

pub(super) fn read_bytes(c: &Call<'_>, path: &str) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let read = std::fs::File::open(resolve(c, path)).and_then(|f| {
        let mut bytes = Vec::new();
        f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
        Ok(bytes)
    });
    if read.as_ref().is_ok_and(|b| b.len() as u64 > MAX_FILE_BYTES) {
        return Err(invalid(format!(
            "{} is larger than {} MiB, the most the file functions read.",
            c.show(path),
            MAX_FILE_BYTES / 1024 / 1024
        )));
    }
    read.map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            invalid(format!(
                "no file exists at {}; this function works only with files that are distributed as part of the \
                 configuration source code, so if this file will be created by a resource in this configuration you \
                 must instead obtain this result from an attribute of that resource.",
                c.show(path)
            ))
        } else {
            invalid(format!("failed to read {}: {e}.", c.show(path)))
        }
    })
}

pub(super) fn read_text(c: &Call<'_>, path: &str) -> Result<String, String> {
    String::from_utf8(read_bytes(c, path)?).map_err(|_| {
        invalid(format!(
            "contents of {} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents.",
            c.show(path)
        ))
    })
}

pub(super) fn file(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    read_text(c, &string_arg(a, 0)?).map(Value::String)
}

pub(super) fn filebase64(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let bytes = read_bytes(c, &string_arg(a, 0)?)?;
    Ok(Value::String(base64::engine::general_purpose::STANDARD.encode(bytes)))
}

pub(super) fn fileexists(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let path = string_arg(a, 0)?;
    match std::fs::metadata(resolve(c, &path)) {
        Ok(meta) if meta.is_dir() => Err(invalid(format!("{} is a directory, not a file.", c.show(&path)))),
        Ok(_) => Ok(Value::Bool(true)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Value::Bool(false)),
        Err(e) => Err(invalid(format!("failed to stat {}: {e}.", c.show(&path)))),
    }
}

/// How deeply templates may render templates.
const MAX_TEMPLATE_DEPTH: usize = 16;

/// The variables of a template call must be names a template can refer to.
fn check_template_vars(c: &Call<'_>, a: &[Value]) -> Result<(), String> {
    let vars = map_arg(a, 1).map_err(|_| wrong_type(1, "a map of template variables", &a[1]))?;
    for name in vars.keys() {
        let mut chars = name.chars();
        let valid = chars.next().is_some_and(|ch| ch.is_alphabetic() || ch == '_')
            && chars.all(|ch| ch.is_alphanumeric() || ch == '_' || ch == '-');
        if !valid {
            return Err(invalid(format!(
                "invalid template variable name {}: must start with a letter, followed by zero or more letters, digits, and underscores.",
                c.show(name)
            )));
        }
    }
    Ok(())
}

/// `templatestring`: a template held in a string (read from a file or a data source), rendered
/// like `templatefile`.
pub(super) fn templatestring(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let source = string_arg(a, 0)?;
    check_template_vars(c, a)?;
    (c.ctx.render_template)(&source, &a[1])
}

pub(super) fn templatefile(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let path = string_arg(a, 0)?;
    check_template_vars(c, a)?;
    let source = read_text(c, &path)?;
    // A template that renders itself, directly or through others, would never end.
    thread_local!(static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) });
    let depth = DEPTH.with(|d| d.get());
    if depth >= MAX_TEMPLATE_DEPTH {
        return Err(invalid(format!(
            "templates call templatefile more than {MAX_TEMPLATE_DEPTH} levels deep at {}; a template probably renders itself.",
            c.show(&path)
        )));
    }
    DEPTH.with(|d| d.set(depth + 1));
    let rendered = (c.ctx.render_template)(&source, &a[1]);
    DEPTH.with(|d| d.set(depth));
    rendered.map_err(|e| format!("{path}: {e}"))
}

pub(super) fn basename(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    // Go's filepath.Base.
    let path = string_arg(a, 0)?;
    if path.is_empty() {
        return Ok(Value::from("."));
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return Ok(Value::from("/"));
    }
    Ok(Value::from(trimmed.rsplit('/').next().unwrap_or(trimmed)))
}

pub(super) fn dirname(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    // Go's filepath.Dir, without its full path cleaning.
    let path = string_arg(a, 0)?;
    let Some(slash) = path.rfind('/') else {
        return Ok(Value::from("."));
    };
    let dir = path[..slash].trim_end_matches('/');
    Ok(Value::from(if dir.is_empty() { "/" } else { dir }))
}

/// The files under `path` matching `pattern` (`*`, `**`, `?`, `[...]`), as paths relative to
/// `path` with forward slashes, sorted.
pub(super) fn fileset(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let (path, pattern) = (string_arg(a, 0)?, string_arg(a, 1)?);
    if pattern.contains('{') {
        return Err(invalid(
            "alternatives in braces ({a,b}) are not supported in fileset patterns; call fileset once per alternative and concat the results.",
        ));
    }
    let base = resolve(c, &path);
    let full = base.join(&pattern);
    let entries = glob::glob(&full.to_string_lossy())
        .map_err(|e| invalid(format!("invalid pattern {}: {e}.", c.show(&pattern))))?;
    let mut out = Vec::new();
    for entry in entries {
        let found = entry.map_err(|e| invalid(format!("failed to read {}: {e}.", e.path().display())))?;
        if !found.is_file() {
            continue;
        }
        if let Ok(rel) = found.strip_prefix(&base) {
            let parts: Vec<String> = rel
                .components()
                .map(|p| p.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
    out.sort();
    out.dedup();
    Ok(Value::List(
        Seq::set(out.into_iter().map(Value::String).collect()).of(&Shape::String),
    ))
}

/// A leading `~` becomes the home directory.
pub(super) fn pathexpand(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let path = string_arg(a, 0)?;
    let home = std::env::var("HOME").unwrap_or_default();
    Ok(Value::String(match path.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("{home}{rest}"),
        _ => path,
    }))
}

/// The absolute form of a path, relative to the working directory, with `.` and `..` resolved
/// as text (Go's filepath.Abs).
pub(super) fn abspath(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let path = string_arg(a, 0)?;
    let joined = std::env::current_dir()
        .map_err(|e| invalid(format!("no working directory: {e}.")))?
        .join(&path);
    let mut parts: Vec<String> = Vec::new();
    for part in joined.components() {
        match part {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    Ok(Value::String(format!("/{}", parts.join("/"))))
}
