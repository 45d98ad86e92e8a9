//! Who holds a lock, and whether that process still runs (from `/proc` on this host).

use serde::{Deserialize, Serialize};
use std::path::Path;

/// Who holds the lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    /// The ID to pass to `force-unlock`.
    #[serde(rename = "ID")]
    pub id: String,
    /// plan, apply, destroy, ...
    #[serde(rename = "Operation")]
    pub operation: String,
    /// The holder's process ID (0 in a lock Terraform took, which does not record it).
    #[serde(rename = "Pid", default)]
    pub pid: u32,
    /// The holder's host name (empty in a lock Terraform took).
    #[serde(rename = "Host", default)]
    pub host: String,
    /// `user@host`, as Terraform's lock info names the holder.
    #[serde(rename = "Who", default)]
    pub who: String,
    /// When it was taken (RFC 3339, UTC).
    #[serde(rename = "Created", default)]
    pub created: String,
    /// What took it, as Terraform's lock info says (`infinstor 0.1.0`, `1.11.4`).
    #[serde(rename = "Version", default)]
    pub version: String,
    /// Terraform's note on the lock, shown by Terraform when it is refused.
    #[serde(rename = "Info", default)]
    pub info: String,
    /// The holder's start time (clock ticks after boot, `/proc/PID/stat`), so that another
    /// process that reused its pid is not taken for it.
    #[serde(rename = "Start", default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u64>,
    /// The host's boot ID when the lock was taken: after a reboot every holder is gone.
    #[serde(rename = "Boot", default, skip_serializing_if = "Option::is_none")]
    pub boot: Option<String>,
}

impl LockInfo {
    /// Describes this process taking a lock for `operation`, with a fresh ID.
    pub fn new(operation: &str) -> LockInfo {
        LockInfo {
            id: uuid::Uuid::new_v4().to_string(),
            operation: operation.to_string(),
            pid: std::process::id(),
            who: format!(
                "{}@{}",
                std::env::var("USER")
                    .or_else(|_| std::env::var("LOGNAME"))
                    .unwrap_or_else(|_| "unknown".into()),
                host_name()
            ),
            host: host_name(),
            created: time::OffsetDateTime::now_utc()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            version: format!("infinstor {}", env!("CARGO_PKG_VERSION")),
            info: String::new(),
            start: process_start(std::process::id()),
            boot: boot_id(),
        }
    }

    /// Who holds it, for messages: `user@host (pid N)`, or `pid N on HOST` for a lock that
    /// does not say which user.
    pub fn holder(&self) -> String {
        if self.who.is_empty() {
            format!("pid {} on {}", self.pid, self.host)
        } else if self.pid == 0 {
            // Terraform records no process: who it is, and with what.
            match self.version.is_empty() {
                true => self.who.clone(),
                false => format!("{} ({})", self.who, self.version),
            }
        } else {
            format!("{} (pid {} on {})", self.who, self.pid, self.host)
        }
    }

    /// Whether the holder is a process on this host that is no longer running (its lock can
    /// only have been left behind). A lock that recorded its holder's start time or the boot
    /// it was taken in is also stale when the pid now belongs to a later process.
    pub fn stale(&self) -> bool {
        if self.host != host_name() {
            return false;
        }
        if let (Some(then), Some(now)) = (&self.boot, boot_id()) {
            if *then != now {
                return true;
            }
        }
        match process_alive(self.pid) {
            Some(false) => true,
            Some(true) => match (self.start, process_start(self.pid)) {
                (Some(then), Some(now)) => then != now,
                _ => false,
            },
            None => false,
        }
    }

    /// What took the lock, for messages: `infinstor process`, or `Terraform run` for a lock
    /// Terraform took (the same lock object, so the two never change one state at once).
    pub fn taker(&self) -> &'static str {
        if self.pid == 0 && !self.version.is_empty() && !self.version.starts_with("infinstor") {
            "Terraform run"
        } else {
            "infinstor process"
        }
    }

    /// What a lock whose content cannot be read is reported as.
    pub fn unreadable() -> LockInfo {
        LockInfo {
            id: "(unreadable lock)".to_string(),
            operation: "unknown".to_string(),
            pid: 0,
            host: "unknown".to_string(),
            who: "unknown".to_string(),
            created: "unknown".to_string(),
            version: String::new(),
            info: String::new(),
            start: None,
            boot: None,
        }
    }
}

pub(crate) fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown-host".to_string())
}

/// The start time of process `pid` in clock ticks after boot (field 22 of `/proc/PID/stat`).
fn process_start(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count after its end.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// This boot's ID (Linux), which changes at every reboot.
fn boot_id() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn process_alive(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return None;
    }
    Some(proc.join(pid.to_string()).exists())
}
