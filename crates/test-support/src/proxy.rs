//! A loopback HTTP proxy in front of the emulator: it counts and names the requests a run
//! makes and, at a chosen request, kills the run or answers with a fault. The crash and fault
//! tests use it to stop the real binary at every kind of AWS call.
//!
//! Each request travels on its own connection to the emulator and the answer is sent back with
//! `Connection: close`, so a request is always whole before the rule decides what to do with it.

use crate::workspace::Run;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// What the proxy does with the requests it receives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Passes every request through.
    Pass,
    /// Kills the run when request `n` (counted from 1) arrives, before the emulator sees it.
    KillBefore(usize),
    /// Lets request `n` reach the emulator, then kills the run before it gets the answer.
    KillAfter(usize),
    /// Holds every request this long before passing it on: an endpoint far away.
    Latency(Duration),
    /// Carries out the first request of each of these kinds ([`Call::kind`]) and answers it
    /// `500 Internal Error` instead: the answer of each of these calls is lost once.
    LoseFirstOf(Vec<String>),
    /// Refuses the first `times` requests of `kind` ([`Call::kind`]) before they reach the
    /// emulator, with `400` and error `code` in the JSON protocol's shape (KMS, DynamoDB, ...):
    /// a service that does not see yet what another one made a moment ago (a role IAM has not
    /// propagated to KMS).
    RefuseFirst {
        /// The kind of request refused.
        kind: String,
        /// How many of them are refused.
        times: usize,
        /// The error code (`__type`).
        code: String,
        /// The error message.
        message: String,
    },
    /// Answers some requests with a fault: `before_percent` of them get `503 Slow Down` without
    /// reaching the emulator (throttling), `after_percent` reach it and are answered
    /// `500 Internal Error` instead of its answer (the call was carried out, the answer lost).
    /// `seed` makes the choice repeatable.
    Faults {
        /// Percent of requests refused before they reach the emulator.
        before_percent: u64,
        /// Percent of requests carried out whose answer is replaced by an error.
        after_percent: u64,
        /// Seed of the pseudo-random choice.
        seed: u64,
    },
}

/// One request the proxy received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// Its number, counted from 1.
    pub index: usize,
    /// The AWS service and operation, such as `iam CreateRole` or `s3 PUT ?cors`.
    pub kind: String,
    /// What the proxy did: `passed`, `killed before`, `killed after`, `throttled`, `lost`,
    /// `refused`.
    pub fate: &'static str,
    /// The request's User-Agent header.
    pub user_agent: String,
    /// When the proxy received it.
    pub received: std::time::Instant,
    /// When the proxy answered it (or gave up on it).
    pub answered: std::time::Instant,
}

struct Shared {
    upstream: String,
    rule: Mutex<Rule>,
    count: AtomicUsize,
    calls: Mutex<Vec<Call>>,
    victim: Mutex<Option<Child>>,
    killed: AtomicBool,
    rng: Mutex<u64>,
    lost_kinds: Mutex<std::collections::HashSet<String>>,
    refused: AtomicUsize,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
}

/// The proxy; it stops accepting when dropped.
pub struct Proxy {
    /// `http://127.0.0.1:PORT`, to use as the run's AWS endpoint.
    pub endpoint: String,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
}

fn guard<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Proxy {
    /// A proxy on a free port of 127.0.0.1 in front of `upstream` (`http://127.0.0.1:PORT`).
    pub fn start(upstream: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1 for the proxy");
        let port = listener.local_addr().expect("the proxy's address").port();
        let shared = Arc::new(Shared {
            upstream: upstream.trim_start_matches("http://").trim_end_matches('/').to_string(),
            rule: Mutex::new(Rule::Pass),
            count: AtomicUsize::new(0),
            calls: Mutex::new(Vec::new()),
            victim: Mutex::new(None),
            killed: AtomicBool::new(false),
            rng: Mutex::new(1),
            lost_kinds: Mutex::new(std::collections::HashSet::new()),
            refused: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            most_in_flight: AtomicUsize::new(0),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (shared.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let s = s.clone();
                std::thread::spawn(move || {
                    let _ = s.serve(conn);
                });
            }
        });
        Proxy {
            endpoint: format!("http://127.0.0.1:{port}"),
            shared,
            stop,
        }
    }

    /// Sets the rule for the next run and starts counting from 1 again.
    pub fn set_rule(&self, rule: Rule) {
        if let Rule::Faults { seed, .. } = &rule {
            *guard(&self.shared.rng) = seed.max(&1).to_owned();
        }
        *guard(&self.shared.rule) = rule;
        self.shared.count.store(0, Ordering::SeqCst);
        self.shared.killed.store(false, Ordering::SeqCst);
        guard(&self.shared.calls).clear();
        guard(&self.shared.lost_kinds).clear();
        self.shared.refused.store(0, Ordering::SeqCst);
        self.shared.most_in_flight.store(0, Ordering::SeqCst);
    }

    /// The most requests that were in the proxy at once since the rule was set.
    pub fn most_in_flight(&self) -> usize {
        self.shared.most_in_flight.load(Ordering::SeqCst)
    }

    /// The requests received since the rule was set, in the order they arrived.
    pub fn calls(&self) -> Vec<Call> {
        let mut calls = guard(&self.shared.calls).clone();
        calls.sort_by_key(|c| c.index);
        calls
    }

    /// Runs `command` to its end (or its kill), with output captured; the proxy's rule may kill
    /// it. Returns the run and whether the proxy killed it.
    pub fn run(&self, mut command: Command) -> (Run, bool) {
        let dir = tempfile::tempdir().expect("temporary directory for the run's output");
        let out = std::fs::File::create(dir.path().join("out")).expect("output file");
        let err = std::fs::File::create(dir.path().join("err")).expect("error file");
        let child = command
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .expect("start the binary");
        *guard(&self.shared.victim) = Some(child);
        let status = loop {
            {
                let mut v = guard(&self.shared.victim);
                if let Some(child) = v.as_mut() {
                    if let Ok(Some(status)) = child.try_wait() {
                        *v = None;
                        break status;
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        // Requests the run sent before it died are still on their way to the emulator; like a
        // request already on the wire to AWS, each lands or not before anyone looks. The next
        // run starts after they land, as it would after a real crash, not racing them.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while self.shared.in_flight.load(Ordering::SeqCst) > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap_or_default();
        (
            Run {
                code: status.code().unwrap_or(-1),
                stdout: read("out"),
                stderr: read("err"),
            },
            self.shared.killed.load(Ordering::SeqCst),
        )
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.endpoint.trim_start_matches("http://"));
    }
}

/// A request as received: its head (request line and headers, without the blank line) and body.
struct Request {
    head: Vec<String>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.iter().skip(1).find_map(|h| {
            let (k, v) = h.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// `service Operation`, from the signature's credential scope and the protocol's way of
    /// naming the operation (JSON target header, query `Action`, or REST method and path).
    fn kind(&self) -> String {
        let service = self
            .header("authorization")
            .and_then(|a| a.split("Credential=").nth(1))
            .and_then(|c| c.split('/').nth(3))
            .unwrap_or("?")
            .to_string();
        if let Some(target) = self.header("x-amz-target") {
            let op = target.rsplit('.').next().unwrap_or(target);
            return format!("{service} {op}");
        }
        let body = String::from_utf8_lossy(&self.body);
        if let Some(action) = body.split('&').find_map(|kv| kv.strip_prefix("Action=")) {
            return format!("{service} {action}");
        }
        let mut parts = self.head[0].split(' ');
        let method = parts.next().unwrap_or("?");
        let target = parts.next().unwrap_or("/");
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        // Names and IDs vary from run to run; the words of the API's paths do not.
        let shape: Vec<&str> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                if s.chars().all(|c| c.is_ascii_lowercase()) && s.len() <= 16 {
                    s
                } else {
                    "*"
                }
            })
            .collect();
        let mut keys: Vec<&str> = query
            .split('&')
            .filter(|kv| !kv.is_empty())
            .map(|kv| kv.split('=').next().unwrap_or(kv))
            .filter(|k| !k.starts_with("x-id") && !k.starts_with("X-Amz"))
            .collect();
        keys.sort_unstable();
        format!("{service} {method} /{} ?{}", shape.join("/"), keys.join("&"))
    }

    /// The bytes sent to the emulator: the same request on a connection that closes after it.
    fn upstream_bytes(&self) -> Vec<u8> {
        let mut out = String::new();
        for (i, h) in self.head.iter().enumerate() {
            if i > 0 {
                let name = h.split(':').next().unwrap_or("").trim().to_ascii_lowercase();
                if matches!(
                    name.as_str(),
                    "connection" | "expect" | "transfer-encoding" | "content-length"
                ) {
                    continue;
                }
            }
            out.push_str(h);
            out.push_str("\r\n");
        }
        out.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

impl Shared {
    fn serve(&self, conn: TcpStream) -> std::io::Result<()> {
        conn.set_read_timeout(Some(Duration::from_secs(60)))?;
        let mut reader = BufReader::new(conn.try_clone()?);
        let mut client = conn;
        let Some(req) = read_request(&mut reader, &mut client)? else {
            return Ok(());
        };
        if self.killed.load(Ordering::SeqCst) {
            // The run is gone; what it still had in flight goes nowhere.
            return Ok(());
        }
        let received = std::time::Instant::now();
        let index = self.count.fetch_add(1, Ordering::SeqCst) + 1;
        let rule = guard(&self.rule).clone();
        let record = |fate: &'static str| {
            guard(&self.calls).push(Call {
                index,
                kind: req.kind(),
                fate,
                user_agent: req.header("user-agent").unwrap_or_default().to_string(),
                received,
                answered: std::time::Instant::now(),
            })
        };
        match rule {
            Rule::KillBefore(n) if n == index => {
                record("killed before");
                self.kill();
                return Ok(());
            }
            Rule::RefuseFirst {
                kind,
                times,
                code,
                message,
            } if kind == req.kind() && self.refused.fetch_add(1, Ordering::SeqCst) < times => {
                record("refused");
                let body = serde_json::json!({ "__type": code, "message": message }).to_string();
                return client.write_all(
                    format!(
                        "HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                );
            }
            Rule::Faults { before_percent, .. } if self.roll() < before_percent => {
                record("throttled");
                return client.write_all(&fault(503, "SlowDown", "Please reduce your request rate."));
            }
            _ => {}
        }
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_in_flight.fetch_max(now, Ordering::SeqCst);
        if let Rule::Latency(delay) = &rule {
            std::thread::sleep(*delay);
        }
        let answer = self.forward(&req);
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        let answer = answer?;
        match rule {
            Rule::KillAfter(n) if n == index => {
                record("killed after");
                self.kill();
                Ok(())
            }
            Rule::LoseFirstOf(kinds) if kinds.contains(&req.kind()) && guard(&self.lost_kinds).insert(req.kind()) => {
                record("lost");
                client.write_all(&fault(
                    500,
                    "InternalError",
                    "We encountered an internal error. Please try again.",
                ))
            }
            Rule::Faults { after_percent, .. } if self.roll() < after_percent => {
                record("lost");
                client.write_all(&fault(
                    500,
                    "InternalError",
                    "We encountered an internal error. Please try again.",
                ))
            }
            _ => {
                record("passed");
                client.write_all(&answer)
            }
        }
    }

    fn forward(&self, req: &Request) -> std::io::Result<Vec<u8>> {
        let mut up = TcpStream::connect(&self.upstream)?;
        up.set_read_timeout(Some(Duration::from_secs(120)))?;
        up.write_all(&req.upstream_bytes())?;
        let mut answer = Vec::new();
        up.read_to_end(&mut answer)?;
        Ok(close_after(answer))
    }

    fn kill(&self) {
        self.killed.store(true, Ordering::SeqCst);
        if let Some(child) = guard(&self.victim).as_mut() {
            let _ = child.kill();
        }
    }

    /// A number in 0..100 from a small linear congruential generator.
    fn roll(&self) -> u64 {
        let mut state = guard(&self.rng);
        *state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*state >> 33) % 100
    }
}

/// Reads one request; answers `100 Continue` when the client waits for it.
fn read_request(reader: &mut BufReader<TcpStream>, client: &mut TcpStream) -> std::io::Result<Option<Request>> {
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        if line.is_empty() {
            break;
        }
        head.push(line);
    }
    if head.is_empty() {
        return Ok(None);
    }
    let mut req = Request { head, body: Vec::new() };
    if req
        .header("expect")
        .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
    {
        client.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    if req
        .header("transfer-encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"))
    {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size)?;
            let n = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16).unwrap_or(0);
            let mut chunk = vec![0; n + 2];
            reader.read_exact(&mut chunk)?;
            if n == 0 {
                break;
            }
            req.body.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(n) = req.header("content-length").and_then(|n| n.parse::<usize>().ok()) {
        let mut body = vec![0; n];
        reader.read_exact(&mut body)?;
        req.body = body;
    }
    Ok(Some(req))
}

/// The emulator's answer, marked to close the client's connection after it.
fn close_after(answer: Vec<u8>) -> Vec<u8> {
    let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return answer;
    };
    let head = String::from_utf8_lossy(&answer[..end]).to_string();
    let mut out = String::new();
    for line in head.split("\r\n") {
        let name = line.split(':').next().unwrap_or("").trim().to_ascii_lowercase();
        if name == "connection" || name == "keep-alive" {
            continue;
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&answer[end + 4..]);
    bytes
}

/// An error answer in S3's XML shape; every SDK retries these by status code alone.
fn fault(status: u16, code: &str, message: &str) -> Vec<u8> {
    let reason = if status == 503 {
        "Service Unavailable"
    } else {
        "Internal Server Error"
    };
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    );
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}
