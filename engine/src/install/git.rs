//! Fetching a git repository at a tag, branch or commit, with the `git` command (as Terraform
//! does), never asking on a terminal.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str], dir: Option<&Path>) -> Result<String, String> {
    let mut cmd = Command::new("git");
    if let Some(d) = dir {
        cmd.arg("-C").arg(d);
    }
    let out = cmd
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git ({e}); install git to fetch git module sources"))?;
    if !out.status.success() {
        return Err(format!(
            "git {} failed: {}",
            args.first().copied().unwrap_or_default(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Clones `url` into `dest` (replacing it) at `reference` (the default branch when `None`);
/// returns the commit checked out.
pub fn fetch(url: &str, reference: Option<&str>, dest: &Path) -> Result<String, String> {
    let parent = dest.parent().ok_or("the module directory has no parent")?;
    std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let tmp = parent.join(format!(
        ".fetch-{}-{}",
        dest.file_name().and_then(|n| n.to_str()).unwrap_or("module"),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&tmp);
    let tmp_text = tmp.display().to_string();
    let result = (|| {
        git(&["clone", "--quiet", url, &tmp_text], None)?;
        if let Some(r) = reference {
            git(&["checkout", "--quiet", "--detach", r], Some(&tmp))
                .map_err(|e| format!("{e} (the ref \"{r}\" is not a tag, branch or commit of {url})"))?;
        }
        git(&["rev-parse", "HEAD"], Some(&tmp))
    })();
    match result {
        Ok(commit) => {
            let _ = std::fs::remove_dir_all(dest);
            std::fs::rename(&tmp, dest).map_err(|e| format!("cannot move the module into {}: {e}", dest.display()))?;
            Ok(commit)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}
