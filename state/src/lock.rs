//! The state lock: one writer at a time, and a clear answer about who holds it.
//!
//! The lock is a file created exclusively next to the state, holding [`LockInfo`]. It is
//! removed when the [`LockGuard`] drops. A process killed with SIGKILL (or a power loss) leaves
//! it behind; the next run on the same host takes it over when the holder is provably gone (its
//! pid no longer runs, runs a process started at another time, or the host has rebooted since),
//! and `infinstor force-unlock ID` removes any other.

use crate::error::StateError;
use crate::holder::host_name;
pub use crate::holder::LockInfo;
use std::io::Write;
use std::path::Path;

impl LockInfo {
    /// What `force-unlock` must refuse without `--force`: a holder on this host that still
    /// runs. Where this host cannot tell (no `/proc`), the holder counts as running.
    pub fn refuse_unlock(&self, id: &str, force: bool) -> Result<(), StateError> {
        if self.id != id {
            return Err(StateError::Unlock(format!(
                "the lock ID is {}, not {id}; check `infinstor force-unlock` was given the ID from the error message",
                self.id
            )));
        }
        let gone = self.host != host_name() || self.stale();
        if !force && !gone {
            return Err(StateError::Unlock(format!(
                "the lock is held by process {} on this host ({}), which is still running: {} since {}. \
                 Removing the lock would let a second run change the same objects at the same time. Wait for \
                 it to finish or stop it; `infinstor force-unlock --force {id}` removes the lock anyway",
                self.pid, self.host, self.operation, self.created
            )));
        }
        Ok(())
    }
}

type Release = Box<dyn FnOnce(&LockInfo) + Send + Sync>;

/// Holds the lock until dropped; dropping it releases the lock (the backend decides how).
pub struct LockGuard {
    info: LockInfo,
    release: Option<Release>,
    taken_over: Option<LockInfo>,
}

impl std::fmt::Debug for LockGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LockGuard").field("info", &self.info).finish()
    }
}

impl LockGuard {
    /// A lock that `release` gives back when the guard drops.
    pub fn new(info: LockInfo, release: impl FnOnce(&LockInfo) + Send + Sync + 'static) -> LockGuard {
        LockGuard {
            info,
            release: Some(Box::new(release)),
            taken_over: None,
        }
    }

    /// A guard that holds nothing: the backend was configured not to lock.
    pub fn unlocked(info: LockInfo) -> LockGuard {
        LockGuard {
            info,
            release: None,
            taken_over: None,
        }
    }

    /// The lock's holder info.
    pub fn info(&self) -> &LockInfo {
        &self.info
    }

    /// One line for the person running the command about a lock this one replaced.
    pub fn takeover_notice(&self) -> Option<String> {
        self.taken_over.as_ref().map(|old| {
            format!(
                "Took over the state lock {} left by {} ({} since {}): that process is no longer running.",
                old.id,
                old.holder(),
                old.operation,
                old.created
            )
        })
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            release(&self.info);
        }
    }
}

/// Takes the lock file at `path`; a lock whose holder is provably gone (see
/// [`LockInfo::stale`]) is taken over, and the guard says so ([`LockGuard::takeover_notice`]).
pub fn acquire(path: &Path, operation: &str) -> Result<LockGuard, StateError> {
    match create(path, operation) {
        Err(StateError::Locked { info, stale: true }) => {
            // Move the stale lock aside under a name of our own: of several runs taking it over
            // at once, only one moves it, and a fresh lock that replaced it meanwhile is put back.
            let aside = path.with_extension(format!("lock.stale-{}", uuid::Uuid::new_v4()));
            if std::fs::rename(path, &aside).is_err() {
                return create(path, operation);
            }
            let moved = std::fs::read(&aside)
                .ok()
                .and_then(|b| serde_json::from_slice::<LockInfo>(&b).ok());
            if moved.as_ref().map(|m| &m.id) != Some(&info.id) {
                let _ = std::fs::hard_link(&aside, path);
                let _ = std::fs::remove_file(&aside);
                return create(path, operation);
            }
            let _ = std::fs::remove_file(&aside);
            let mut guard = create(path, operation)?;
            guard.taken_over = Some(*info);
            Ok(guard)
        }
        other => other,
    }
}

fn create(path: &Path, operation: &str) -> Result<LockGuard, StateError> {
    let info = LockInfo::new(operation);
    let io = |action: &'static str| {
        let path = path.to_path_buf();
        move |source| StateError::Io { action, path, source }
    };
    match std::fs::OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(mut f) => {
            let bytes = serde_json::to_vec(&info).unwrap_or_default();
            f.write_all(&bytes).map_err(io("write lock"))?;
            f.sync_all().map_err(io("fsync lock"))?;
            let path = path.to_path_buf();
            Ok(LockGuard::new(info, move |ours| {
                // Only remove the file if it is still ours (force-unlock may have replaced it).
                let still_ours = std::fs::read(&path)
                    .ok()
                    .and_then(|b| serde_json::from_slice::<LockInfo>(&b).ok())
                    .is_some_and(|held| held.id == ours.id);
                if still_ours {
                    let _ = std::fs::remove_file(&path);
                }
            }))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let holder = std::fs::read(path)
                .ok()
                .and_then(|b| serde_json::from_slice::<LockInfo>(&b).ok())
                .unwrap_or_else(LockInfo::unreadable);
            Err(StateError::Locked {
                stale: holder.stale(),
                info: Box::new(holder),
            })
        }
        Err(source) => Err(io("create lock")(source)),
    }
}

/// Removes the lock file at `path` if its ID is `id`, and if its holder is not a process
/// still running on this host (`force` removes it anyway).
pub fn force_unlock(path: &Path, id: &str, force: bool) -> Result<(), StateError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(_) => return Err(StateError::Unlock("the state is not locked; nothing to do".into())),
    };
    if let Ok(holder) = serde_json::from_slice::<LockInfo>(&bytes) {
        holder.refuse_unlock(id, force)?;
    }
    std::fs::remove_file(path).map_err(|source| StateError::Io {
        action: "remove lock",
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_names_holder_and_force_unlock_releases() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s.lock");
        let guard = acquire(&path, "apply").expect("first");
        let err = acquire(&path, "plan").expect_err("second must fail");
        let msg = err.to_string();
        assert!(msg.contains(&guard.info().id), "{msg}");
        assert!(msg.contains("force-unlock"), "{msg}");
        assert!(msg.contains(&format!("pid {}", std::process::id())), "{msg}");
        assert!(force_unlock(&path, "wrong", false).is_err());
        let id = guard.info().id.clone();
        std::mem::forget(guard);
        // The holder (this test) is still running: refused unless forced.
        let refused = force_unlock(&path, &id, false).expect_err("holder alive").to_string();
        assert!(refused.contains("still running"), "{refused}");
        assert!(refused.contains("--force"), "{refused}");
        force_unlock(&path, &id, true).expect("unlock");
        let again = acquire(&path, "apply").expect("free again");
        drop(again);
        assert!(!path.exists());
    }
}
