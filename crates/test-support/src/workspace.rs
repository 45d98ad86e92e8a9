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
        Workspace {
            dir: tempfile::tempdir().expect("temporary directory"),
            binary: binary.into(),
            endpoint: moto.map(|m| m.endpoint.clone()),
        }
    }

    /// The path of a file in the workspace.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file (creating directories).
    pub fn write(&self, name: &str, text: &str) {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, text).expect("write");
    }

    /// Copies every file of a directory of the repository (an example) into the workspace.
    pub fn copy_example(&self, rel: &str) {
        let src: &Path = &crate::repo_root().join(rel);
        for entry in std::fs::read_dir(src).expect("example dir") {
            let entry = entry.expect("entry");
            if entry.path().is_file() {
                std::fs::copy(entry.path(), self.path(&entry.file_name().to_string_lossy())).expect("copy");
            }
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
            .current_dir(self.dir.path())
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
        let out: Output = self.command(args).output().expect("run the binary");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).to_string(),
        }
    }
}
