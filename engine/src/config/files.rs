//! The configuration files of one module directory: every `.tf` and `.tf.json` file, in name
//! order, parsed, with the override files merged into the others.

use super::parse::{display_path, parse_body};
use super::Body;
use crate::core::diagnostic::{Diagnostic, Diagnostics, SourceFile};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Reads the configuration files of a module directory (`.tf` and `.tf.json`), in name order,
/// with the override files merged into the others.
pub(super) fn read_dir(dir: &Path, diags: &mut Diagnostics) -> std::io::Result<(Vec<Arc<SourceFile>>, Vec<Body>)> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    all.sort();
    let mut files = Vec::new();
    let mut bodies = Vec::new();
    let mut overrides = Vec::new();
    for path in all {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let json = name.ends_with(".tf.json");
        if !json && !name.ends_with(".tf") {
            continue;
        }
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                diags.push(Diagnostic::error(
                    "Cannot read configuration file",
                    format!("{}: {e}", path.display()),
                ));
                continue;
            }
        };
        let file = SourceFile::new(&path, display_path(&path), text);
        files.push(file.clone());
        let body = if json {
            super::json::parse_json_body(&file, diags)
        } else {
            parse_body(&file, diags)
        };
        match body {
            Some(body) if super::overrides::is_override(&name) => overrides.push(body),
            Some(body) => bodies.push(body),
            None => {}
        }
    }
    for over in overrides {
        super::overrides::apply(&mut bodies, over, diags);
    }
    Ok((files, bodies))
}
