//! The integration test harness: a real moto server on loopback, a temporary working
//! directory, and a runner for the real `infinstor` binary.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A moto server (the AWS API emulator) on 127.0.0.1, killed on drop.
pub struct Moto {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
}

fn moto_binary() -> PathBuf {
    if let Ok(p) = std::env::var("INFINSTOR_MOTO_SERVER") {
        return PathBuf::from(p);
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server");
    if local.exists() {
        return local;
    }
    PathBuf::from("moto_server")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port on 127.0.0.1")
}

impl Moto {
    /// Starts moto; panics with install instructions when it is missing. Tests never skip.
    pub fn start() -> Moto {
        let bin = moto_binary();
        let port = free_port();
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_ACM_VALIDATION_WAIT", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start the AWS emulator {}: {e}.\nInstall it with the README's test command (bash scripts/test.sh), \
                     or `pip install 'moto[server]==5.2.5'` and set INFINSTOR_MOTO_SERVER to the moto_server path.",
                    bin.display()
                )
            });
        let endpoint = format!("http://127.0.0.1:{port}");
        let mut moto = Moto { child, endpoint };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            if let Ok(Some(status)) = moto.child.try_wait() {
                panic!(
                    "the AWS emulator {} exited at start ({status}); run it by hand to see why",
                    bin.display()
                );
            }
            assert!(
                Instant::now() < deadline,
                "the AWS emulator did not listen on {} within 30 s",
                moto.endpoint
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    fn credentials(&self) -> aws_sdk_s3::config::Credentials {
        aws_sdk_s3::config::Credentials::new("testing", "testing", None, None, "tests")
    }

    /// An S3 client on this emulator (path-style). Built without a runtime, so it can be made
    /// anywhere, including inside `block_on`.
    pub fn s3(&self) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .endpoint_url(&self.endpoint)
            .region(aws_sdk_s3::config::Region::new("us-east-1"))
            .credentials_provider(self.credentials())
            .force_path_style(true)
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }

    /// A Route53 client on this emulator.
    pub fn route53(&self) -> aws_sdk_route53::Client {
        let conf = aws_sdk_route53::Config::builder()
            .behavior_version(aws_sdk_route53::config::BehaviorVersion::latest())
            .endpoint_url(&self.endpoint)
            .region(aws_sdk_route53::config::Region::new("us-east-1"))
            .credentials_provider(self.credentials())
            .build();
        aws_sdk_route53::Client::from_conf(conf)
    }

    /// An ACM client on this emulator.
    pub fn acm(&self) -> aws_sdk_acm::Client {
        let conf = aws_sdk_acm::Config::builder()
            .behavior_version(aws_sdk_acm::config::BehaviorVersion::latest())
            .endpoint_url(&self.endpoint)
            .region(aws_sdk_acm::config::Region::new("us-east-1"))
            .credentials_provider(self.credentials())
            .build();
        aws_sdk_acm::Client::from_conf(conf)
    }

    /// A CloudFormation client on this emulator.
    pub fn cloudformation(&self) -> aws_sdk_cloudformation::Client {
        let conf = aws_sdk_cloudformation::Config::builder()
            .behavior_version(aws_sdk_cloudformation::config::BehaviorVersion::latest())
            .endpoint_url(&self.endpoint)
            .region(aws_sdk_cloudformation::config::Region::new("us-east-1"))
            .credentials_provider(self.credentials())
            .build();
        aws_sdk_cloudformation::Client::from_conf(conf)
    }

    /// An IAM client on this emulator.
    pub fn iam(&self) -> aws_sdk_iam::Client {
        let conf = aws_sdk_iam::Config::builder()
            .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
            .endpoint_url(&self.endpoint)
            .region(aws_sdk_iam::config::Region::new("us-east-1"))
            .credentials_provider(self.credentials())
            .build();
        aws_sdk_iam::Client::from_conf(conf)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a future to completion (for SDK checks).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// A temporary directory with configuration files, and a way to run infinstor in it.
pub struct Workspace {
    /// The directory.
    pub dir: tempfile::TempDir,
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
    /// An empty workspace; `moto` (if given) becomes the AWS endpoint of every run.
    pub fn new(moto: Option<&Moto>) -> Workspace {
        Workspace {
            dir: tempfile::tempdir().expect("tempdir"),
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
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
        for entry in std::fs::read_dir(&src).expect("example dir") {
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

    /// A command for the real binary in this workspace, with emulator credentials.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_infinstor"));
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
        if let Some(e) = &self.endpoint {
            c.env("AWS_ENDPOINT_URL", e);
        } else {
            // Any network call would fail fast and loudly.
            c.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
        }
        c
    }

    /// Runs the binary.
    pub fn run(&self, args: &[&str]) -> Run {
        let out: Output = self.command(args).output().expect("run infinstor");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).to_string(),
        }
    }
}
