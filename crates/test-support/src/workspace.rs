//! A temporary working directory with configuration files, and a runner for the real binary.

use crate::Moto;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs a future to completion on a fresh current-thread runtime (for SDK checks in tests).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("test runtime")
        .block_on(f)
}

/// A temporary directory with configuration files, and a way to run a binary in it.
pub struct Workspace {
    /// The directory.
    pub dir: tempfile::TempDir,
    /// Where runs happen and relative names point: `dir`, or the example copied into it.
    cwd: std::sync::Mutex<PathBuf>,
    binary: PathBuf,
    endpoint: Option<String>,
}

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Panics with the output unless the exit code is `code`.
    pub fn expect_code(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "unexpected exit code\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl Workspace {
    /// An empty workspace running `binary`; `moto` (if given) becomes the AWS endpoint of every
    /// run, otherwise any network call fails at once.
    pub fn new(binary: impl Into<PathBuf>, moto: Option<&Moto>) -> Workspace {
        let dir = tempfile::tempdir().expect("temporary directory");
        Workspace {
            cwd: std::sync::Mutex::new(dir.path().to_path_buf()),
            dir,
            binary: binary.into(),
            endpoint: moto.map(|m| m.endpoint.clone()),
        }
    }

    /// The directory runs happen in.
    pub fn cwd(&self) -> PathBuf {
        self.cwd
            .lock()
            .map(|c| c.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// The path of a file in the directory runs happen in.
    pub fn path(&self, name: &str) -> PathBuf {
        self.cwd().join(name)
    }

    /// Writes a file (creating directories).
    pub fn write(&self, name: &str, text: &str) {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, text).expect("write");
    }

    /// Copies an example of the repository (`examples/NAME`) and the repository's `modules/`
    /// into the workspace at the same relative places, and makes the example's directory the
    /// one runs happen in, so its `../../modules/...` sources resolve.
    pub fn copy_example(&self, rel: &str) {
        let root = crate::repo_root();
        copy_tree(&root.join(rel), &self.dir.path().join(rel));
        if root.join("modules").is_dir() {
            copy_tree(&root.join("modules"), &self.dir.path().join("modules"));
        }
        if let Ok(mut cwd) = self.cwd.lock() {
            *cwd = self.dir.path().join(rel);
        }
    }

    /// Reads a file.
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).expect("read")
    }

    /// The state file as JSON.
    pub fn state(&self) -> serde_json::Value {
        serde_json::from_str(&self.read("infinstor.state.json")).expect("state json")
    }

    /// A command for the binary in this workspace, with the emulator's credentials and nothing
    /// else of the caller's environment but PATH.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.binary);
        c.args(args)
            .current_dir(self.cwd())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("NO_COLOR", "1")
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::null());
        match &self.endpoint {
            Some(e) => c.env("AWS_ENDPOINT_URL", e),
            // Any network call fails fast and loudly.
            None => c.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
        };
        c
    }

    /// Runs the binary.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    /// Runs the binary with extra environment variables.
    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let out: Output = self
            .command(args)
            .envs(env.iter().copied())
            .output()
            .expect("run the binary");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).to_string(),
        }
    }
}

/// Copies a directory tree (files and folders) into `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("directory of the repository") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("a file name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}
