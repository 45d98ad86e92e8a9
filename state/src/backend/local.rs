//! State in local files: `infinstor.state.json` (or `--state PATH`) for the default workspace,
//! `infinstor.state.d/NAME/infinstor.state.json` for the others, each with a `.backup` and a
//! `.lock` beside it.

use super::{bump, prepare_write, Appended, Backend, DEFAULT_WORKSPACE};
use crate::codec::Codec;
use crate::error::StateError;
use crate::file;
use crate::journal::{self, Edit, Replayed};
use crate::lock;
use crate::lock::LockGuard;
use crate::model::State;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The folder, beside the default workspace's file, that holds the other workspaces.
const WORKSPACES_DIR: &str = "infinstor.state.d";

/// Below this size a journal is never folded into its state file before the apply ends.
const JOURNAL_FLOOR: u64 = 1 << 20;

/// State in a local JSON file, with `<file>.backup` and `<file>.lock`, and during an apply
/// `<file>.journal` (see [`crate::journal`]).
#[derive(Debug)]
pub struct LocalBackend {
    path: PathBuf,
    codec: Codec,
    disk: Mutex<Disk>,
}

/// What this backend last read or wrote (valid while it holds the lock).
#[derive(Debug, Default)]
struct Disk {
    /// The state file's lineage and serial; `None` before the first read or write.
    file: Option<(String, u64)>,
    /// The state file's size.
    file_len: u64,
    /// The journal continuing that file, when there is one.
    journal: Option<Journal>,
}

#[derive(Debug)]
struct Journal {
    /// Open for appending once the first entry of this run is written.
    handle: Option<std::fs::File>,
    /// The length of its complete lines, where the next entry goes.
    len: u64,
}

impl LocalBackend {
    /// A backend for the given file path, sensitive values in clear.
    pub fn new(path: impl Into<PathBuf>) -> LocalBackend {
        LocalBackend::with_codec(path, Codec::default())
    }

    /// A backend for the given file path, encoding with `codec`.
    pub fn with_codec(path: impl Into<PathBuf>, codec: Codec) -> LocalBackend {
        LocalBackend {
            path: path.into(),
            codec,
            disk: Mutex::new(Disk::default()),
        }
    }

    fn disk(&self) -> MutexGuard<'_, Disk> {
        self.disk.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `<file>.journal`.
    pub fn journal_path(&self) -> PathBuf {
        let mut p = self.path.as_os_str().to_owned();
        p.push(".journal");
        PathBuf::from(p)
    }

    fn io(&self, action: &'static str) -> impl FnOnce(std::io::Error) -> StateError {
        let path = self.journal_path();
        move |source| StateError::Io { action, path, source }
    }

    /// Appends one entry to the journal (starting it, after its header, when there is none),
    /// and makes it durable.
    fn append_entry(&self, disk: &mut Disk, lineage: &str, serial: u64, line: &[u8]) -> Result<(), StateError> {
        let journal = match &mut disk.journal {
            Some(j) => j,
            slot @ None => {
                let sealer = self.codec.sealer()?;
                let head = journal::header(lineage, serial, sealer.as_deref());
                // A stale journal of an older serial may be there: it is replaced.
                let mut f = std::fs::File::create(self.journal_path()).map_err(self.io("start"))?;
                f.write_all(&head).map_err(self.io("write"))?;
                // The new file's name must survive a crash too (its data is synced below).
                if let Ok(d) = std::fs::File::open(dir_of(&self.path)) {
                    let _ = d.sync_all();
                }
                slot.insert(Journal {
                    handle: Some(f),
                    len: head.len() as u64,
                })
            }
        };
        let handle = match &mut journal.handle {
            Some(h) => h,
            slot @ None => {
                let f = std::fs::OpenOptions::new()
                    .write(true)
                    .open(self.journal_path())
                    .map_err(self.io("open"))?;
                // Drops a last line a crash cut short, so that the new entry starts a line.
                f.set_len(journal.len).map_err(self.io("truncate"))?;
                slot.insert(f)
            }
        };
        use std::io::Seek as _;
        handle
            .seek(std::io::SeekFrom::Start(journal.len))
            .map_err(self.io("seek in"))?;
        handle.write_all(line).map_err(self.io("append to"))?;
        handle.sync_data().map_err(self.io("fsync"))?;
        journal.len += line.len() as u64;
        Ok(())
    }

    /// The state file path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock_path(&self) -> PathBuf {
        let mut p = self.path.as_os_str().to_owned();
        p.push(".lock");
        PathBuf::from(p)
    }

    /// Creates the folder of the state file (a workspace's folder) when it is missing.
    fn ensure_dir(&self) -> Result<(), StateError> {
        match self.path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
            Some(dir) => std::fs::create_dir_all(dir).map_err(|source| StateError::Io {
                action: "create the folder of",
                path: self.path.clone(),
                source,
            }),
            None => Ok(()),
        }
    }

    fn store(&self, state: &State) -> Result<(), StateError> {
        self.ensure_dir()?;
        let bytes = self.codec.encode(state)?;
        file::write_atomic(&self.path, &bytes)?;
        let mut disk = self.disk();
        disk.file = Some((state.lineage().to_string(), state.serial()));
        disk.file_len = bytes.len() as u64;
        if disk.journal.take().is_some() || self.journal_path().exists() {
            // The file holds everything now; a journal left behind would be stale (its serial
            // is older) and ignored, so failing to remove it loses nothing.
            let _ = std::fs::remove_file(self.journal_path());
        }
        Ok(())
    }
}

impl LocalBackend {
    /// Rewrites a file of infinstor's first format in Terraform's, once: the old bytes are
    /// kept as `<file>.format1.backup` first, and the state keeps its lineage and serial (its
    /// content is the same; a journal beside it still continues it).
    fn upgrade(&self, old: &[u8], state: &State) -> Result<(), StateError> {
        let mut kept = self.path.as_os_str().to_owned();
        kept.push(".format1.backup");
        let kept = PathBuf::from(kept);
        if !kept.exists() {
            file::write_atomic(&kept, old)?;
        }
        let bytes = self.codec.encode(state)?;
        file::write_atomic(&self.path, &bytes)
    }
}

impl Backend for LocalBackend {
    fn read(&self) -> Result<Option<State>, StateError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => {
                let decoded = self.codec.read(&bytes, &self.describe())?;
                if decoded.legacy {
                    self.upgrade(&bytes, &decoded.state)?;
                }
                let mut state = decoded.state;
                let mut disk = self.disk();
                disk.file = Some((state.lineage().to_string(), state.serial()));
                disk.file_len = bytes.len() as u64;
                disk.journal = None;
                match std::fs::read(self.journal_path()) {
                    Ok(journal) => {
                        let replayed =
                            journal::replay(&journal, &mut state, &self.describe(), &mut self.codec.opener())?;
                        if let Replayed::Applied { kept, .. } = replayed {
                            disk.journal = Some(Journal {
                                handle: None,
                                len: kept,
                            });
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(source) => {
                        return Err(StateError::Io {
                            action: "read",
                            path: self.journal_path(),
                            source,
                        })
                    }
                }
                Ok(Some(state))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StateError::Io {
                action: "read",
                path: self.path.clone(),
                source,
            }),
        }
    }

    fn write(&self, state: &mut State, previous: &State) -> Result<(), StateError> {
        if !prepare_write(state, previous, self.path.exists(), &self.describe())? {
            return Ok(());
        }
        self.store(state)
    }

    fn rewrite(&self, state: &mut State) -> Result<(), StateError> {
        let previous = state.clone();
        bump(state, &previous, &self.describe())?;
        // Twice: the first write's backup is the old bytes, the second's the new ones.
        self.store(state)?;
        self.store(state)
    }

    fn lock(&self, operation: &str) -> Result<LockGuard, StateError> {
        self.ensure_dir()?;
        lock::acquire(&self.lock_path(), operation)
    }

    fn force_unlock(&self, id: &str, force: bool) -> Result<(), StateError> {
        lock::force_unlock(&self.lock_path(), id, force)
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn codec(&self) -> &Codec {
        &self.codec
    }

    fn append(&self, lineage: &str, serial: u64, edits: &[Edit]) -> Result<Option<Appended>, StateError> {
        let mut disk = self.disk();
        let Some((file_lineage, file_serial)) = disk.file.clone() else {
            return Ok(None);
        };
        // The state must be the file (no journal yet) or the file and its journal.
        let continues = file_lineage == lineage
            && match disk.journal {
                None => serial == file_serial,
                Some(_) => serial == file_serial + 1,
            };
        if !continues {
            return Ok(None);
        }
        let line = journal::entry(edits, self.codec.sealer()?.as_deref())?;
        self.append_entry(&mut disk, lineage, file_serial, &line)?;
        let len = disk.journal.as_ref().map(|j| j.len).unwrap_or_default();
        Ok(Some(Appended {
            serial: file_serial + 1,
            oversized: len > disk.file_len.max(JOURNAL_FLOOR),
        }))
    }

    fn compact(&self, state: &State) -> Result<(), StateError> {
        let journaled = self.disk().journal.is_some();
        if journaled {
            self.store(state)?;
        }
        Ok(())
    }
}

/// Terraform's default state file; its workspaces are in `terraform.tfstate.d/`.
pub const TERRAFORM_STATE_FILE: &str = "terraform.tfstate";

/// The folder beside the default state file that holds the other workspaces' states:
/// Terraform's own beside its `terraform.tfstate`, so that both find the same states.
pub fn workspaces_dir(default: &Path) -> PathBuf {
    let terraforms = default.file_name().is_some_and(|n| n == TERRAFORM_STATE_FILE);
    dir_of(default).join(if terraforms {
        "terraform.tfstate.d"
    } else {
        WORKSPACES_DIR
    })
}

/// The state file of `workspace`, given the default workspace's file.
pub(super) fn workspace_path(default: &Path, workspace: &str) -> PathBuf {
    if workspace == DEFAULT_WORKSPACE {
        return default.to_path_buf();
    }
    let file_name = default
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "infinstor.state.json".into());
    workspaces_dir(default).join(workspace).join(file_name)
}

fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The workspaces other than `default` that have a folder.
pub(super) fn workspaces(default: &Path) -> Result<Vec<String>, StateError> {
    let dir = workspaces_dir(default);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(StateError::Io {
                action: "list the workspaces in",
                path: dir,
                source,
            })
        }
    };
    Ok(entries
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect())
}

/// Removes a workspace's folder with its state, backup and lock.
pub(super) fn delete_workspace(default: &Path, workspace: &str) -> Result<(), StateError> {
    let path = workspace_path(default, workspace);
    let dir = dir_of(&path);
    match std::fs::remove_dir_all(&dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(StateError::Io {
            action: "remove the workspace folder",
            path: dir,
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::InstanceState;

    #[test]
    fn serial_bumps_only_on_change() {
        let dir = tempfile::tempdir().expect("tempdir");
        let backend = LocalBackend::new(dir.path().join("s.json"));
        let mut s = State::new();
        let prev = s.clone();
        backend.write(&mut s, &prev).expect("write");
        assert_eq!(s.serial(), 1);
        let prev = s.clone();
        backend.write(&mut s, &prev).expect("write");
        assert_eq!(s.serial(), 1, "unchanged content keeps the serial");
        s.set_instance(
            &"a.b".parse().expect("address"),
            InstanceState::new("aws", serde_json::json!({"id": "x"})),
        );
        backend.write(&mut s, &prev).expect("write");
        assert_eq!(s.serial(), 2);
        let read = backend.read().expect("read").expect("exists");
        assert_eq!(read, s);
        assert!(dir.path().join("s.json.backup").exists());
    }

    #[test]
    fn a_serial_that_cannot_grow_is_an_error_not_a_wrap() {
        let dir = tempfile::tempdir().expect("tempdir");
        let backend = LocalBackend::new(dir.path().join("s.json"));
        let mut prev = State::new();
        prev.serial = u64::MAX;
        let mut s = prev.clone();
        s.set_instance(
            &"a.b".parse().expect("address"),
            InstanceState::new("aws", serde_json::json!({"id": "x"})),
        );
        let err = backend.write(&mut s, &prev).expect_err("no wrap").to_string();
        assert!(err.contains("cannot grow"), "{err}");
        assert!(!dir.path().join("s.json").exists(), "nothing written");
    }

    #[test]
    fn workspaces_live_beside_the_default_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let default = dir.path().join("infinstor.state.json");
        assert_eq!(workspaces(&default).expect("list"), Vec::<String>::new());
        let staging = LocalBackend::new(workspace_path(&default, "staging"));
        let mut s = State::new();
        staging.write(&mut s, &State::new()).expect("write");
        assert!(dir
            .path()
            .join("infinstor.state.d/staging/infinstor.state.json")
            .exists());
        assert_eq!(workspaces(&default).expect("list"), vec!["staging".to_string()]);
        delete_workspace(&default, "staging").expect("delete");
        assert_eq!(workspaces(&default).expect("list"), Vec::<String>::new());
        assert_eq!(workspace_path(&default, "default"), default);
        let terraforms = dir.path().join("terraform.tfstate");
        assert_eq!(
            workspace_path(&terraforms, "staging"),
            dir.path().join("terraform.tfstate.d/staging/terraform.tfstate")
        );
    }

    fn addr(s: &str) -> crate::addr::InstanceAddr {
        s.parse().expect("address")
    }

    fn secret_instance(id: &str) -> InstanceState {
        let mut i = InstanceState::new("aws", serde_json::json!({"id": id, "password": format!("hunter-{id}")}));
        i.sensitive_attributes = vec!["password".into()];
        i
    }

    /// A state file written whole, read back by the backend that will append to it.
    fn written(backend: &LocalBackend) -> State {
        let mut s = State::new();
        s.set_instance(&addr("a.kept"), secret_instance("kept"));
        backend.write(&mut s, &State::new()).expect("write");
        backend.read().expect("read").expect("exists")
    }

    #[test]
    fn a_first_format_file_is_upgraded_in_place_once_with_its_bytes_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s.json");
        let old = br#"{"format_version": 1, "infinstor_version": "0.1.0", "serial": 3, "lineage": "l",
            "resources": [{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
              "provider": "aws", "instances": [{"provider": "aws", "attributes": {"id": "b"}}]}]}"#;
        std::fs::write(&path, old).expect("old file");
        let backend = LocalBackend::new(&path);
        let state = backend.read().expect("read").expect("state");
        let kept = dir.path().join("s.json.format1.backup");
        assert_eq!(std::fs::read(&kept).expect("kept"), old);
        let now: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).expect("file")).expect("json");
        assert_eq!(
            (now["version"].clone(), now["serial"].clone()),
            (serde_json::json!(4), serde_json::json!(3))
        );
        assert_eq!(now["lineage"], "l");
        // Once: the next read finds Terraform's format and leaves both files alone.
        std::fs::write(&kept, "kept").expect("mark");
        let again = backend.read().expect("read").expect("state");
        assert_eq!(again, state);
        assert_eq!(std::fs::read(&kept).expect("kept"), b"kept");
    }

    #[test]
    fn a_journal_entry_is_read_back_with_the_state_it_continues() {
        let dir = tempfile::tempdir().expect("tempdir");
        let backend = LocalBackend::new(dir.path().join("s.json"));
        let mut s = written(&backend);
        let file_serial = s.serial();
        let before = std::fs::read(dir.path().join("s.json")).expect("file");
        let mut edits = Vec::new();
        let mut changed = false;
        let mut e = crate::Editor::new(&mut s, &mut edits, &mut changed);
        e.set_instance(&addr("a.new[0]"), secret_instance("new"));
        e.remove_instance(&addr("a.kept"));
        let appended = backend
            .append(s.lineage(), file_serial, &edits)
            .expect("append")
            .expect("a local backend journals");
        assert_eq!(appended.serial, file_serial + 1);
        s.adopt_serial(appended.serial);
        assert_eq!(
            std::fs::read(dir.path().join("s.json")).expect("file"),
            before,
            "the state file is not rewritten"
        );
        // A second entry continues the same journal.
        let mut edits = Vec::new();
        crate::Editor::new(&mut s, &mut edits, &mut false).set_instance(&addr("a.new[1]"), secret_instance("one"));
        let again = backend
            .append(s.lineage(), s.serial(), &edits)
            .expect("append")
            .expect("journals");
        assert_eq!(
            again.serial,
            file_serial + 1,
            "the journal continues the same file serial"
        );
        let fresh = LocalBackend::new(dir.path().join("s.json"));
        assert_eq!(fresh.read().expect("read").expect("exists"), s);
        // Folding it in leaves the same state in the file alone.
        backend.compact(&s).expect("compact");
        assert!(!dir.path().join("s.json.journal").exists());
        let decoded = file::decode(&std::fs::read(dir.path().join("s.json")).expect("file")).expect("decode");
        assert_eq!(decoded, s);
    }

    #[test]
    fn a_line_a_crash_cut_short_is_ignored_and_overwritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let backend = LocalBackend::new(dir.path().join("s.json"));
        let mut s = written(&backend);
        let serial = s.serial();
        let mut edits = Vec::new();
        crate::Editor::new(&mut s, &mut edits, &mut false).set_instance(&addr("a.done"), secret_instance("done"));
        backend
            .append(s.lineage(), serial, &edits)
            .expect("append")
            .expect("journals");
        s.adopt_serial(serial + 1);
        let journal = dir.path().join("s.json.journal");
        let mut bytes = std::fs::read(&journal).expect("journal");
        bytes.extend_from_slice(b"[{\"set\": {\"address\": \"a.torn\"");
        std::fs::write(&journal, &bytes).expect("tear");
        let next = LocalBackend::new(dir.path().join("s.json"));
        let read = next.read().expect("a torn last line is not an error").expect("exists");
        assert_eq!(read, s, "the torn entry's operation was never reported done");
        let mut s = read;
        let mut edits = Vec::new();
        crate::Editor::new(&mut s, &mut edits, &mut false).remove_instance(&addr("a.done"));
        next.append(s.lineage(), s.serial(), &edits)
            .expect("append")
            .expect("journals");
        let text = std::fs::read_to_string(&journal).expect("journal");
        assert!(!text.contains("a.torn"), "{text}");
        assert_eq!(
            LocalBackend::new(dir.path().join("s.json")).read().expect("read"),
            Some(s)
        );
    }

    #[test]
    fn a_journal_of_an_older_serial_is_ignored_and_removed_by_the_next_write() {
        let dir = tempfile::tempdir().expect("tempdir");
        let backend = LocalBackend::new(dir.path().join("s.json"));
        let mut s = written(&backend);
        let mut edits = Vec::new();
        crate::Editor::new(&mut s, &mut edits, &mut false).set_instance(&addr("a.journaled"), secret_instance("j"));
        backend
            .append(s.lineage(), s.serial(), &edits)
            .expect("append")
            .expect("journals");
        let journal = std::fs::read(dir.path().join("s.json.journal")).expect("journal");
        // The state written whole afterwards (as if the journal's removal was lost in a crash).
        s.adopt_serial(s.serial() + 1);
        backend.rewrite(&mut s).expect("rewrite");
        std::fs::write(dir.path().join("s.json.journal"), journal).expect("put the old journal back");
        let read = LocalBackend::new(dir.path().join("s.json"))
            .read()
            .expect("read")
            .expect("exists");
        assert_eq!(read, s, "an older journal adds nothing");
    }

    #[test]
    fn a_journal_of_another_state_is_an_error_that_names_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let backend = LocalBackend::new(dir.path().join("s.json"));
        let mut s = written(&backend);
        let mut edits = Vec::new();
        crate::Editor::new(&mut s, &mut edits, &mut false).set_instance(&addr("a.x"), secret_instance("x"));
        backend
            .append(s.lineage(), s.serial(), &edits)
            .expect("append")
            .expect("journals");
        let journal = std::fs::read(dir.path().join("s.json.journal")).expect("journal");
        let other = LocalBackend::new(dir.path().join("t.json"));
        written(&other);
        std::fs::write(dir.path().join("t.json.journal"), journal).expect("misplace the journal");
        let err = other.read().expect_err("another state's journal").to_string();
        assert!(err.contains("t.json.journal") && err.contains("another state"), "{err}");
    }

    #[test]
    fn an_encrypted_state_keeps_its_journal_encrypted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = || {
            Some(crate::crypt::KeySource::Passphrase(
                "correct horse battery staple".into(),
            ))
        };
        let backend = LocalBackend::with_codec(dir.path().join("s.json"), Codec::new(key()));
        let mut s = written(&backend);
        let mut edits = Vec::new();
        let mut changed = false;
        let mut e = crate::Editor::new(&mut s, &mut edits, &mut changed);
        e.set_instance(&addr("a.secret"), secret_instance("secret"));
        e.set_outputs(std::collections::BTreeMap::from([(
            "token".to_string(),
            crate::model::OutputState {
                value: serde_json::json!("output-secret-value"),
                type_: None,
                sensitive: true,
            },
        )]));
        let serial = s.serial();
        backend
            .append(s.lineage(), serial, &edits)
            .expect("append")
            .expect("journals");
        s.adopt_serial(serial + 1);
        let text = std::fs::read_to_string(dir.path().join("s.json.journal")).expect("journal");
        assert!(text.contains("a.secret"), "addresses stay readable: {text}");
        assert!(
            !text.contains("hunter-secret") && !text.contains("output-secret-value"),
            "sensitive values are sealed: {text}"
        );
        let read = LocalBackend::with_codec(dir.path().join("s.json"), Codec::new(key()))
            .read()
            .expect("read")
            .expect("exists");
        assert_eq!(read, s);
    }

    #[test]
    fn a_backend_that_has_not_read_the_state_does_not_journal() {
        let dir = tempfile::tempdir().expect("tempdir");
        let backend = LocalBackend::new(dir.path().join("s.json"));
        let s = State::new();
        assert_eq!(backend.append(s.lineage(), s.serial(), &[]).expect("no error"), None);
    }
}
