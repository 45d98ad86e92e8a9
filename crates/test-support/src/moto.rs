//! moto's server, the AWS API emulator, on a free port of 127.0.0.1.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const INSTALL_HELP: &str = "The tests need moto's server (an AWS API emulator). Run them with the README's test \
command, `bash scripts/test.sh`, which installs it into .venv/, or install it with \
`pip install 'moto[server]==5.2.5'` and point INFINSTOR_MOTO_SERVER at the moto_server executable.";

/// A moto server on 127.0.0.1, killed when dropped.
pub struct Moto {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// moto's request log (one line per request), for counting API calls.
    pub log_path: PathBuf,
}

/// INFINSTOR_MOTO_SERVER, else the workspace's `.venv` (where `scripts/test.sh` installs moto),
/// else `moto_server` on PATH.
fn program() -> PathBuf {
    if let Some(p) = std::env::var_os("INFINSTOR_MOTO_SERVER").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let local = crate::repo_root().join(".venv/bin/moto_server");
    if local.exists() {
        return local;
    }
    PathBuf::from("moto_server")
}

impl Moto {
    /// Starts moto and waits until it answers HTTP; panics (never skips) when it cannot.
    pub fn start() -> Moto {
        Moto::start_with(&[])
    }

    /// Like [`Moto::start`], with extra environment for moto (such as
    /// `MOTO_ACM_VALIDATION_WAIT`).
    pub fn start_with(env: &[(&str, &str)]) -> Moto {
        let program = program();
        // moto picks its own free port (-p 0) and says which: choosing one here and handing it
        // over would let two tests starting at once race for the same port and share a server.
        let log_path = std::env::temp_dir().join(format!(
            "infinstor-moto-{}-{}.log",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let log = std::fs::File::create(&log_path).expect("moto log file in the temporary directory");
        let child = Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", "0"])
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start the AWS emulator {}: {e}.\n{INSTALL_HELP}",
                    program.display()
                )
            });
        let mut moto = Moto {
            child,
            endpoint: String::new(),
            log_path,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = moto.child.try_wait() {
                let stderr = std::fs::read_to_string(&moto.log_path).unwrap_or_default();
                panic!(
                    "the AWS emulator {} exited at start ({status}):\n{stderr}\n{INSTALL_HELP}",
                    program.display()
                );
            }
            if let Some(port) = announced_port(&moto.log_path) {
                if answers(port) {
                    moto.endpoint = format!("http://127.0.0.1:{port}");
                    return moto;
                }
            }
            assert!(
                Instant::now() < deadline,
                "the AWS emulator {} did not answer within 60 s\n{INSTALL_HELP}",
                program.display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// SDK configuration for direct clients: this emulator as the endpoint of every service,
    /// region us-east-1, moto's fake credentials. Needs no runtime, so it can be built anywhere;
    /// S3 clients add `force_path_style(true)`.
    pub fn sdk_config(&self) -> aws_config::SdkConfig {
        aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .endpoint_url(&self.endpoint)
            .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new("testing", "testing", None, None, "tests"),
            ))
            .build()
    }

    /// Forgets every object the emulator holds (`POST /moto-api/reset`), so one server can
    /// serve many runs that each start from an empty account.
    pub fn reset(&self) {
        let port = self.endpoint.rsplit(':').next().unwrap_or("0");
        let mut stream = TcpStream::connect(format!("127.0.0.1:{port}")).expect("connect to the emulator");
        let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
        let request = format!("POST /moto-api/reset HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\r\n");
        stream.write_all(request.as_bytes()).expect("ask the emulator to reset");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        assert!(
            answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200"),
            "the emulator did not reset: {answer}"
        );
    }
}

static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The port moto says it listens on (" * Running on http://127.0.0.1:PORT").
fn announced_port(log: &std::path::Path) -> Option<u16> {
    let text = std::fs::read_to_string(log).ok()?;
    let rest = text.split("Running on http://127.0.0.1:").nth(1)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// True when `GET /moto-api/` gets an HTTP answer.
fn answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = format!("GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    matches!(stream.read(&mut head), Ok(n) if n >= 12 && head.starts_with(b"HTTP/"))
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log_path);
    }
}
