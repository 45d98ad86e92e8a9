//! The plan model: what will change. [`crate::plan::diff`] computes it; renderers and apply read it.
//!
//! A [`Plan`] records each instance's [`Change`], the state it was made from (lineage, serial)
//! and a digest of the configuration and variables, so a saved plan applies only to exactly
//! what it was computed from.

use crate::core::addr::InstanceAddr;
use crate::core::value::Value;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What will happen to one instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
pub enum Action {
    /// Nothing.
    NoOp,
    /// Read a data source during apply.
    Read,
    /// Create a new object.
    Create,
    /// Update in place.
    Update,
    /// Destroy and create again (`create_before_destroy`: create first).
    Replace {
        /// Create the new object before destroying the old one.
        create_before_destroy: bool,
    },
    /// Destroy.
    Delete,
    /// Destroy the old object a `create_before_destroy` replacement left behind when it was
    /// interrupted before destroying it (state records it beside the new one).
    DeleteDeposed,
    /// Forget the object (a `removed` block with `destroy = false`): state no longer records
    /// it; it stays in AWS.
    Forget,
}

/// The planned change of one instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The instance.
    #[serde(with = "addr_string")]
    pub addr: InstanceAddr,
    /// The provider configuration key (`aws`, `aws.west`).
    pub provider: String,
    /// The action.
    pub action: Action,
    /// The prior state (`None` for create).
    pub before: Option<Value>,
    /// The planned state (`None` for delete); `Unknown` where decided at apply.
    pub after: Option<Value>,
    /// Attributes whose change forces the replacement.
    pub requires_replace: Vec<String>,
    /// Why, for humans only; apply never reads it.
    pub reason: Option<String>,
    /// Resources this instance depends on (recorded in state for destroy order).
    pub dependencies: Vec<String>,
    /// Provider data planned with the change, handed back at apply.
    #[serde(default)]
    pub private: Option<String>,
    /// Extra lines for reviewers, shown under the diff.
    #[serde(default)]
    pub details: Vec<String>,
}

impl Change {
    /// A change of `addr`, made by provider configuration `provider`, from `before` to
    /// `after`: no reason, dependencies, provider data or reviewer lines yet.
    pub fn new(
        addr: InstanceAddr,
        provider: impl Into<String>,
        action: Action,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Change {
        Change {
            addr,
            provider: provider.into(),
            action,
            before,
            after,
            requires_replace: Vec::new(),
            reason: None,
            dependencies: Vec::new(),
            private: None,
            details: Vec::new(),
        }
    }

    /// The same change, with why it happens (for humans).
    pub fn because(mut self, reason: impl Into<String>) -> Change {
        self.reason = Some(reason.into());
        self
    }

    /// The same change, recording what the instance depends on.
    pub fn depending_on(mut self, dependencies: Vec<String>) -> Change {
        self.dependencies = dependencies;
        self
    }
}

/// A root output's planned value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputChange {
    /// The value recorded in state.
    pub before: Option<Value>,
    /// The planned value.
    pub after: Value,
    /// Declared sensitive.
    pub sensitive: bool,
}

impl OutputChange {
    /// Whether applying changes the output: a new value, or a new output that is not null
    /// (Terraform counts a new null output as no change).
    pub fn changes(&self) -> bool {
        match &self.before {
            None => !self.after.is_null(),
            Some(before) => *before != self.after,
        }
    }
}

/// A complete plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Planned changes, sorted by address (no-ops included: apply needs their values).
    pub changes: Vec<Change>,
    /// Objects changed outside infinstor since the last apply (before = recorded, after = real).
    pub drift: Vec<Change>,
    /// Root module outputs.
    pub outputs: BTreeMap<String, OutputChange>,
    /// The lineage of the state the plan was made from.
    pub lineage: String,
    /// Its serial.
    pub serial: u64,
    /// A digest of every configuration file and the variables.
    pub config_digest: String,
    /// The root module's variable values, but for the ephemeral ones.
    pub variables: BTreeMap<String, Value>,
    /// The ephemeral variables the plan was given a value for: an apply of the plan must be
    /// given them again, since no plan file holds their values.
    #[serde(default)]
    pub ephemeral_variables: Vec<String>,
    /// The ephemeral variables' values, for an apply in the same run; never written to a file.
    #[serde(skip)]
    pub ephemeral_values: BTreeMap<String, Value>,
    /// Made with `--destroy`.
    pub destroy: bool,
    /// Diagnostics that did not stop the plan.
    pub warnings: Vec<String>,
    /// Who gains or loses access to what (computed from policy documents when planning).
    #[serde(default)]
    pub access: Vec<crate::core::finding::Finding>,
    /// The configuration in Terraform's JSON plan representation (for `--format json`).
    #[serde(default)]
    pub configuration: serde_json::Value,
    /// The resource attributes the changes depend on (`relevant_attributes` of the plan JSON).
    #[serde(default)]
    pub relevant_attributes: Vec<serde_json::Value>,
    /// State addresses that change (`moved` blocks, and a resource gaining or losing
    /// `count`), applied to state before anything else.
    #[serde(default)]
    pub moves: Vec<StateMove>,
    /// Objects `import` blocks adopt, recorded in state when the plan is applied.
    #[serde(default)]
    pub imports: Vec<StateImport>,
    /// When the plan was made (seconds since 1970): `plantimestamp()` during its apply.
    #[serde(default)]
    pub plan_time: i64,
    /// A refresh-only plan: applying it records what refresh read and changes nothing else.
    #[serde(default)]
    pub refresh_only: bool,
    /// How the configuration's checks came out while planning (`checks` of the plan JSON);
    /// apply starts from them and records the final ones in the state.
    #[serde(default)]
    pub checks: crate::core::checks::CheckResults,
    /// The workspace whose state the plan was made from.
    #[serde(default = "default_workspace")]
    pub workspace: String,
}

fn default_workspace() -> String {
    state::backend::DEFAULT_WORKSPACE.to_string()
}

/// One object an `import` block adopts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateImport {
    /// The instance that owns it from now on.
    pub addr: InstanceAddr,
    /// The import ID it was found by.
    pub id: String,
    /// What the provider read.
    pub instance: state::InstanceState,
}

/// One object's new address in state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateMove {
    /// Where state records it now.
    pub from: InstanceAddr,
    /// Where the configuration wants it.
    pub to: InstanceAddr,
}

impl Plan {
    /// Changes that do something.
    pub fn effective_changes(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.action != Action::NoOp)
    }

    /// (add, change, destroy) counts as in Terraform's summary line.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut add = 0;
        let mut change = 0;
        let mut destroy = 0;
        for c in &self.changes {
            match c.action {
                Action::Create => add += 1,
                Action::Update => change += 1,
                Action::Replace { .. } => {
                    add += 1;
                    destroy += 1;
                }
                Action::Delete | Action::DeleteDeposed => destroy += 1,
                Action::NoOp | Action::Read | Action::Forget => {}
            }
        }
        (add, change, destroy)
    }

    /// True when applying would change any object or output.
    pub fn has_changes(&self) -> bool {
        self.changes
            .iter()
            .any(|c| !matches!(c.action, Action::NoOp | Action::Read))
            || self.drift.iter().any(|d| d.action == Action::Create)
            || self.outputs.values().any(OutputChange::changes)
            || !self.moves.is_empty()
            || !self.imports.is_empty()
            || (self.refresh_only && !self.drift.is_empty())
    }

    /// True when refresh found objects deleted outside infinstor: applying the plan, even one
    /// without changes, removes them from state.
    pub fn forgets_deleted(&self) -> bool {
        self.drift.iter().any(|d| d.action == Action::Delete)
    }

    /// A plan of `changes` with the access review `access`, made from an empty state with
    /// nothing else: what the renderers' tests draw.
    #[cfg(test)]
    pub(crate) fn of_changes(changes: Vec<Change>, access: Vec<crate::core::finding::Finding>) -> Plan {
        Plan {
            changes,
            drift: Vec::new(),
            outputs: BTreeMap::new(),
            lineage: "l".into(),
            serial: 1,
            config_digest: "d".into(),
            variables: BTreeMap::new(),
            ephemeral_variables: Vec::new(),
            ephemeral_values: BTreeMap::new(),
            destroy: false,
            warnings: Vec::new(),
            access,
            configuration: serde_json::Value::Null,
            relevant_attributes: Vec::new(),
            moves: Vec::new(),
            imports: Vec::new(),
            plan_time: 0,
            workspace: "default".into(),
            checks: Default::default(),
            refresh_only: false,
        }
    }

    /// The change for an instance.
    pub fn change(&self, addr: &InstanceAddr) -> Option<&Change> {
        self.changes.iter().find(|c| &c.addr == addr)
    }
}

/// A plan file could not be written or read; each message names the file and what to do.
#[derive(Debug, thiserror::Error)]
pub enum PlanFileError {
    /// The plan could not be encoded.
    #[error("cannot encode the plan: {0}")]
    Encode(serde_json::Error),
    /// Writing the file failed.
    #[error("cannot write plan file {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Reading the file failed.
    #[error("cannot read plan file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a plan.
    #[error("{path} is not a plan file made by `infinstor plan --out`: {source}")]
    NotAPlan {
        /// The file.
        path: String,
        /// Why.
        source: serde_json::Error,
    },
    /// The plan is encrypted and the key is missing or wrong.
    #[error("cannot read plan file {path}: {source}")]
    Key {
        /// The file.
        path: String,
        /// Why.
        source: state::StateError,
    },
}

/// A plan file written with a key: the whole plan sealed, and how to find its key.
#[derive(Serialize, Deserialize)]
struct SealedPlan {
    encryption: state::crypt::Header,
    sealed: String,
}

impl Plan {
    /// Writes the plan as JSON (`plan --out FILE`).
    pub fn write_file(&self, path: &std::path::Path, key: Option<&KeySource>) -> Result<(), PlanFileError> {
        let mut bytes = serde_json::to_vec(self).map_err(PlanFileError::Encode)?;
        if let Some(key) = key {
            // The plan holds sensitive variables and values: with a key, none of it is in clear.
            let sealer = Sealer::new(key).map_err(|source| PlanFileError::Key {
                path: path.display().to_string(),
                source,
            })?;
            let sealed = SealedPlan {
                encryption: sealer.header().clone(),
                sealed: sealer.seal(&bytes, "plan").map_err(|source| PlanFileError::Key {
                    path: path.display().to_string(),
                    source,
                })?,
            };
            bytes = serde_json::to_vec(&sealed).map_err(PlanFileError::Encode)?;
        }
        std::fs::write(path, bytes).map_err(|source| PlanFileError::Write {
            path: path.display().to_string(),
            source,
        })
    }

    /// Reads a plan written by [`Plan::write_file`], with the key it was written with.
    pub fn read_file(path: &std::path::Path, key: Option<&KeySource>) -> Result<Plan, PlanFileError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| PlanFileError::Read {
            path: shown.clone(),
            source,
        })?;
        // A plain plan is parsed once; only what is not one is tried as a sealed plan.
        let plain = match serde_json::from_slice::<Plan>(&bytes) {
            Ok(plan) => return Ok(plan),
            Err(e) => e,
        };
        let Ok(sealed) = serde_json::from_slice::<SealedPlan>(&bytes) else {
            return Err(PlanFileError::NotAPlan {
                path: shown,
                source: plain,
            });
        };
        let opened = Sealer::open(&sealed.encryption, key)
            .and_then(|s| s.unseal(&sealed.sealed, "plan"))
            .map_err(|source| PlanFileError::Key {
                path: shown.clone(),
                source,
            })?;
        serde_json::from_slice(&opened).map_err(|source| PlanFileError::NotAPlan { path: shown, source })
    }
}

use state::crypt::{KeySource, Sealer};

mod addr_string {
    use crate::core::addr::InstanceAddr;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(a: &InstanceAddr, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&a.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<InstanceAddr, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
