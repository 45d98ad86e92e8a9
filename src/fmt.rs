//! `infinstor fmt`: rewrites `.tf` and `.tfvars` files in the canonical layout.

use anyhow::Context as _;
use engine::config::format;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// `fmt` flags, as Terraform spells them.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files or directories to format (default: the current directory); `-` formats standard
    /// input to standard output.
    pub targets: Vec<String>,
    /// Change no file; exit 3 when any file is not formatted (for CI).
    #[arg(long)]
    pub check: bool,
    /// Print the changes as a unified diff.
    #[arg(long)]
    pub diff: bool,
    /// Also format the files of subdirectories.
    #[arg(long)]
    pub recursive: bool,
    /// List the files whose formatting differs (default true).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub list: bool,
    /// Write the formatted text back to the files (default true, false with --check).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub write: bool,
}

/// Formats the targets; exit 0, 3 (`--check` found unformatted files) or 2 (some file could not
/// be parsed: as in Terraform, every other file is still formatted, and each broken one is
/// reported).
pub fn run(dir: &Path, color: bool, a: Args) -> anyhow::Result<u8> {
    if a.targets.iter().any(|t| t == "-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading standard input")?;
        let formatted = match formatted("<stdin>", &text) {
            Ok(f) => f,
            Err(d) => {
                eprintln!("{}", crate::ui::error_text(&d, color));
                return Ok(2);
            }
        };
        if a.check {
            return Ok(if formatted == text { 0 } else { 3 });
        }
        std::io::stdout().write_all(formatted.as_bytes())?;
        return Ok(0);
    }
    let mut paths: Vec<PathBuf> = Vec::new();
    let targets = if a.targets.is_empty() {
        vec![".".to_string()]
    } else {
        a.targets.clone()
    };
    for t in &targets {
        let path = dir.join(t);
        if path.is_dir() {
            paths.extend(format::files(&path, a.recursive).with_context(|| format!("reading directory {t}"))?);
        } else if path.is_file() {
            paths.push(path);
        } else {
            anyhow::bail!(
                "No file or directory {t}: give the path of a .tf or .tfvars file, or of a directory of them."
            );
        }
    }
    let mut unformatted = 0;
    let mut broken = 0;
    // What goes to stdout; `--check` withholds it when a file is broken, as Terraform does.
    let mut out = String::new();
    for path in paths {
        let shown = path.strip_prefix(dir).unwrap_or(&path).display().to_string();
        let shown = shown.strip_prefix("./").unwrap_or(&shown).to_string();
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {shown}"))?;
        let new = match formatted(&shown, &text) {
            Ok(new) => new,
            Err(d) => {
                eprintln!("{}", crate::ui::error_text(&d, color));
                broken += 1;
                continue;
            }
        };
        if new == text {
            continue;
        }
        unformatted += 1;
        if a.list {
            out.push_str(&shown);
            out.push('\n');
        }
        if a.diff {
            out.push_str(&format::diff(&shown, &text, &new));
        }
        if a.write && !a.check {
            std::fs::write(&path, new).with_context(|| format!("writing {shown}"))?;
        }
    }
    if !(a.check && broken > 0) {
        print!("{out}");
    }
    Ok(if broken > 0 {
        2
    } else if a.check && unformatted > 0 {
        3
    } else {
        0
    })
}

/// The formatted text, or the diagnostic (as text) of the syntax error that prevents it.
fn formatted(shown: &str, text: &str) -> Result<String, String> {
    format::format(text).map_err(|(message, offset)| {
        let file = engine::core::diagnostic::SourceFile::new(Path::new(shown), shown.to_string(), text.to_string());
        let d = engine::core::diagnostic::Diagnostic::error(
            "Invalid HCL syntax",
            format!("{message}. Fix the syntax at the marked position; the file was not formatted."),
        )
        .at(Some(engine::core::diagnostic::Span {
            file,
            range: offset..offset + 1,
        }));
        d.to_string()
    })
}
