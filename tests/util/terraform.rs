//! Terraform as the oracle: found on PATH, run without network, plugins or the caller's
//! configuration (its own CLI configuration file only), with the emulator's credentials.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `terraform` on PATH, if there is one.
pub fn program() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("terraform"))
        .find(|p| p.is_file())
}

/// Runs `terraform ARGS` in `dir` with the CLI configuration `config` (`/dev/null` for none);
/// the exit code and everything it printed.
pub fn run(program: &Path, dir: &Path, args: &[&str], config: &Path, env: &[(&str, &str)]) -> (i32, String) {
    // Options before a plan file, which must come last.
    let (command, rest) = args.split_first().expect("a terraform command");
    let out = Command::new(program)
        .arg(command)
        .args(match *command {
            "init" | "apply" | "plan" => &["-input=false", "-no-color"][..],
            _ => &[][..],
        })
        .args(rest)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("TF_CLI_CONFIG_FILE", config)
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_IN_AUTOMATION", "1")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(env.iter().copied())
        .output()
        .expect("run terraform");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}
