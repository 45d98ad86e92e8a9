//! Commands that read or edit the state without planning: list, show, pull, push, rm, mv,
//! taint, output, force-unlock.

use super::{Engine, EngineError, Options};
use crate::core::addr::{InstanceAddr, Target};
use crate::core::value::Value;

impl Engine<'_> {
    /// Lists every instance address in state.
    pub fn state_list(&self, opts: &Options) -> Result<Vec<String>, EngineError> {
        let backend = self.backend(opts)?;
        Ok(by_text(
            self.read_state(&*backend)?
                .instances()
                .keys()
                .map(|a| (a.to_string(), ())),
        )
        .into_iter()
        .map(|(a, _)| a)
        .collect())
    }

    /// The attributes of one instance (sensitive ones marked).
    pub fn state_show(&self, opts: &Options, addr: &str) -> Result<Value, EngineError> {
        let backend = self.backend(opts)?;
        let st = self.read_state(&*backend)?;
        let addr = &parse_instance(addr)?;
        let inst = st.instance(addr).ok_or_else(|| {
            EngineError::Invalid(format!(
                "No instance found for the given address {addr}. Run `infinstor state list` to see the addresses."
            ))
        })?;
        Ok(self.instance_value(addr, inst))
    }

    /// Every instance in state with its attributes, from one read of the state (`show`).
    pub fn state_show_all(&self, opts: &Options) -> Result<Vec<(String, Value)>, EngineError> {
        let backend = self.backend(opts)?;
        let st = self.read_state(&*backend)?;
        Ok(by_text(st.instances().iter().map(|(addr, inst)| {
            (addr.to_string(), self.instance_value(addr, inst))
        })))
    }

    fn instance_value(&self, a: &InstanceAddr, inst: &state::InstanceState) -> Value {
        let schema = self.factory.schema(a.resource.mode, &a.resource.type_);
        crate::core::instance::from_instance_state(inst, schema.as_ref())
    }

    /// The state file as it is (`state pull`).
    pub fn state_pull(&self, opts: &Options) -> Result<String, EngineError> {
        let backend = self.backend(opts)?;
        let st = self.read_state(&*backend)?;
        Ok(String::from_utf8_lossy(&backend.codec().encode(&st)?).into_owned())
    }

    /// Replaces the state with `bytes` (`state push`): refused when it belongs to another
    /// deployment (lineage) or is older than the state it replaces (serial), unless `force`.
    pub fn state_push(&self, opts: &Options, bytes: &[u8], force: bool) -> Result<u64, EngineError> {
        let backend = self.backend(opts)?;
        let mut incoming = backend.codec().decode(bytes, "the pushed file").map_err(|e| match e {
            state::StateError::Invalid { message, .. } => {
                EngineError::Invalid(format!("state push: the file is not a state file: {message}"))
            }
            other => other.into(),
        })?;
        let _lock = self.lock(&*backend, opts, "state push")?;
        let current = backend.read()?;
        if let (Some(cur), false) = (&current, force) {
            if cur.lineage() != incoming.lineage() {
                return Err(EngineError::Invalid(format!(
                    "state push: the file is of another deployment (lineage {} here, {} in the file); pushing it would replace this deployment's record of its objects. Check the file, or add --force.",
                    cur.lineage(),
                    incoming.lineage()
                )));
            }
            if incoming.serial() < cur.serial() {
                return Err(EngineError::Invalid(format!(
                    "state push: the file is older (serial {}) than the state it would replace (serial {}). Pull the current state and edit that, or add --force.",
                    incoming.serial(),
                    cur.serial()
                )));
            }
        }
        let previous = current.unwrap_or_default();
        backend.write(&mut incoming, &previous)?;
        Ok(incoming.serial())
    }

    /// Marks an instance tainted (the next plan replaces it), or not.
    pub fn taint(&self, opts: &Options, addr: &str, tainted: bool) -> Result<(), EngineError> {
        let backend = self.backend(opts)?;
        let _lock = self.lock(&*backend, opts, if tainted { "taint" } else { "untaint" })?;
        let mut st = self.read_state(&*backend)?;
        let previous = st.clone();
        let addr = &parse_instance(addr)?;
        let mut inst = st.instance(addr).cloned().ok_or_else(|| {
            EngineError::Invalid(format!(
                "No instance found for {addr}. Run `infinstor state list` to see the addresses."
            ))
        })?;
        inst.tainted = tainted;
        st.set_instance(addr, inst);
        backend.write(&mut st, &previous)?;
        Ok(())
    }

    /// Forgets instances (the objects stay in AWS).
    pub fn state_rm(&self, opts: &Options, addrs: &[String]) -> Result<Vec<String>, EngineError> {
        let backend = self.backend(opts)?;
        let _lock = self.lock(&*backend, opts, "state rm")?;
        let mut st = self.read_state(&*backend)?;
        let previous = st.clone();
        let mut removed = Vec::new();
        for a in addrs {
            let target = a
                .parse::<Target>()
                .map_err(|e| EngineError::Invalid(format!("state rm: {e}")))?;
            let matching: Vec<InstanceAddr> = st.instances().keys().filter(|k| target.contains(k)).cloned().collect();
            if matching.is_empty() {
                return Err(EngineError::Invalid(format!(
                    "No instance found for {a}. Run `infinstor state list` to see the addresses."
                )));
            }
            for m in matching {
                st.remove_instance(&m);
                removed.push(m.to_string());
            }
        }
        backend.write(&mut st, &previous)?;
        Ok(removed)
    }

    /// Moves a module, a resource (every instance) or one instance to a new address in state;
    /// returns each move made (old, new).
    pub fn state_mv(&self, opts: &Options, src: &str, dst: &str) -> Result<Vec<(String, String)>, EngineError> {
        let parse = |text: &str| {
            text.parse::<Target>()
                .map_err(|e| EngineError::Invalid(format!("state mv: {e}")))
        };
        let mv =
            crate::core::moves::Move::new(parse(src)?, parse(dst)?).map_err(|e| EngineError::Invalid(e.to_string()))?;
        let backend = self.backend(opts)?;
        let _lock = self.lock(&*backend, opts, "state mv")?;
        let mut st = self.read_state(&*backend)?;
        let previous = st.clone();
        let moves: Vec<(InstanceAddr, InstanceAddr)> = st
            .instances()
            .keys()
            .filter_map(|k| mv.apply(k).map(|to| (k.clone(), to)))
            .collect();
        if moves.is_empty() {
            return Err(EngineError::Invalid(format!(
                "No instance found for {src}. Run `infinstor state list` to see the addresses."
            )));
        }
        let leaving: std::collections::BTreeSet<&InstanceAddr> = moves.iter().map(|(from, _)| from).collect();
        if let Some((_, taken)) = moves
            .iter()
            .find(|(_, to)| st.instance(to).is_some() && !leaving.contains(to))
        {
            return Err(EngineError::Invalid(format!(
                "{taken} already exists in state; remove it first or choose another address."
            )));
        }
        let mut taken = Vec::new();
        for (from, _) in &moves {
            if let Some(inst) = st.remove_instance(from) {
                taken.push(inst);
            }
        }
        for ((_, to), inst) in moves.iter().zip(taken) {
            st.set_instance(to, inst);
        }
        backend.write(&mut st, &previous)?;
        Ok(moves
            .into_iter()
            .map(|(from, to)| (from.to_string(), to.to_string()))
            .collect())
    }

    /// Root outputs recorded in state.
    pub fn outputs(&self, opts: &Options) -> Result<Vec<(String, Value)>, EngineError> {
        let backend = self.backend(opts)?;
        let st = self.read_state(&*backend)?;
        Ok(st
            .outputs()
            .iter()
            .map(|(k, o)| (k.clone(), Value::from_json(&o.value).mark_if(o.sensitive)))
            .collect())
    }

    /// Removes a lock left behind by a process that died.
    pub fn force_unlock(&self, opts: &Options, id: &str, force: bool) -> Result<(), EngineError> {
        Ok(self.backend(opts)?.force_unlock(id, force)?)
    }

    /// Re-encrypts every workspace's state with the key in `INFINSTOR_STATE_NEW_PASSPHRASE`
    /// (or `..._NEW_KMS_KEY`), else with the configured key (a fresh salt or data key; how a
    /// state written in clear gets encrypted), or writes its values in clear (`decrypt`);
    /// returns each workspace with the number of sensitive values it holds.
    pub fn state_rekey(&self, opts: &Options, decrypt: bool) -> Result<Vec<(String, usize)>, EngineError> {
        // The new key, else the configured one (which encrypts a state written in clear).
        let new = match state::crypt::KeySource::from_env(&opts.env, true)? {
            Some(key) => Some(key),
            None if decrypt => None,
            None => self.key(opts)?,
        };
        if new.is_none() && !decrypt {
            return Err(EngineError::Invalid(format!(
                "state rekey: set the key in {} (or {}); to change keys, the current one there and the new one in {} (or {}). --decrypt writes the values in clear instead.",
                state::crypt::PASSPHRASE_ENV,
                state::crypt::KMS_KEY_ENV,
                state::crypt::NEW_PASSPHRASE_ENV,
                state::crypt::NEW_KMS_KEY_ENV
            )));
        }
        if decrypt && state::crypt::KeySource::from_env(&opts.env, true)?.is_some() {
            return Err(EngineError::Invalid(
                "state rekey: --decrypt and a new key contradict each other; choose one.".into(),
            ));
        }
        let location = self.location(opts)?;
        let mut done = Vec::new();
        for workspace in location.workspaces()? {
            let backend = location.open(&workspace, self.key(opts)?)?;
            let _lock = self.lock(&*backend, opts, "state rekey")?;
            let Some(mut st) = backend.read()? else { continue };
            backend.codec().rekey(new.clone());
            backend.rewrite(&mut st)?;
            done.push((workspace, state::file::sensitive_values(&st)));
        }
        Ok(done)
    }
}

/// An instance address a person typed, or an error that shows what addresses look like.
fn parse_instance(text: &str) -> Result<InstanceAddr, EngineError> {
    text.parse()
        .map_err(|e: crate::core::addr::AddrError| EngineError::Invalid(e.to_string()))
}

/// Sorted by address text, the order these commands have always listed in.
fn by_text<T>(items: impl Iterator<Item = (String, T)>) -> Vec<(String, T)> {
    let mut items: Vec<(String, T)> = items.collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    items
}
