//! The state model: instances, outputs and create intents, keyed by typed addresses and
//! changed only through [`State`]'s methods.

use crate::addr::InstanceAddr;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One instance of a resource as last recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceState {
    /// The provider configuration that manages it (`aws`, `aws.west`).
    pub provider: String,
    /// Every attribute of the object.
    pub attributes: serde_json::Value,
    /// Paths of attributes that are sensitive, so renderers hide them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitive_attributes: Vec<String>,
    /// Of the sensitive attributes, those infinstor hides because they reveal a secret value
    /// (a policy holding an external ID, `terraform_data`'s `output`), where Terraform does
    /// not: the state file keeps them apart, so Terraform finds the marks it expects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub derived_sensitive: Vec<String>,
    /// Resources this instance depended on when it was last applied (destroy order).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
    /// The object exists but its create did not finish; the next plan replaces it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tainted: bool,
    /// Provider data that is not an attribute (opaque to the engine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<String>,
    /// The attributes of the object this one replaced with `create_before_destroy`, recorded
    /// from the new object's create until the old one is destroyed (after every dependent is
    /// updated), so that an interruption in between loses neither.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposed: Option<serde_json::Value>,
    /// The version of its type's schema the attributes follow (the AWS provider's own, per
    /// type), so that Terraform and infinstor upgrade older forms the same way.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub schema_version: u64,
    /// Its resource is replaced by creating the new object first: kept so that the order
    /// still holds once the resource has left the configuration.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub create_before_destroy: bool,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl InstanceState {
    /// A new, untainted instance without dependencies.
    pub fn new(provider: &str, attributes: serde_json::Value) -> InstanceState {
        InstanceState {
            provider: provider.to_string(),
            attributes,
            sensitive_attributes: Vec::new(),
            derived_sensitive: Vec::new(),
            dependencies: Vec::new(),
            tainted: false,
            private: None,
            deposed: None,
            schema_version: 0,
            create_before_destroy: false,
        }
    }
}

/// A root module output as last recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputState {
    /// The value.
    pub value: serde_json::Value,
    /// Its type as Terraform writes types in JSON (`"string"`, `["list","string"]`), so that
    /// `terraform_remote_state` and Terraform itself read the value with the type it had.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<serde_json::Value>,
    /// Hidden in `infinstor output` unless asked for by name.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
}

/// A create that was started: the object may exist in AWS without being in `instances`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
pub struct Intent {
    /// The instance address.
    pub address: InstanceAddr,
    /// The resource type.
    #[serde(rename = "type")]
    pub type_: String,
    /// The provider configuration.
    pub provider: String,
    /// The import ID that finds the object.
    pub import_id: String,
}

/// The whole state.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub(crate) lineage: String,
    pub(crate) serial: u64,
    pub(crate) instances: BTreeMap<InstanceAddr, InstanceState>,
    pub(crate) outputs: BTreeMap<String, OutputState>,
    pub(crate) intents: Vec<Intent>,
    pub(crate) check_results: Option<serde_json::Value>,
}

impl Default for State {
    fn default() -> State {
        State::new()
    }
}

impl State {
    /// An empty state with a fresh lineage.
    pub fn new() -> State {
        State {
            lineage: uuid::Uuid::new_v4().to_string(),
            serial: 0,
            instances: BTreeMap::new(),
            outputs: BTreeMap::new(),
            intents: Vec::new(),
            check_results: None,
        }
    }

    /// The lineage: a state's identity across serials.
    pub fn lineage(&self) -> &str {
        &self.lineage
    }

    /// Incremented every time changed content is written.
    pub fn serial(&self) -> u64 {
        self.serial
    }

    /// Takes the serial of `written` (the version last written), so that comparing with it
    /// looks at content only and the next write counts on from it.
    pub fn take_serial(&mut self, written: &State) {
        self.serial = written.serial;
    }

    /// The version a write of this state follows: writing `self` over it keeps `self`'s serial
    /// and lineage, which is how a state is copied to another backend unchanged.
    pub fn preceding(&self) -> State {
        State {
            serial: self.serial.saturating_sub(1),
            ..self.clone()
        }
    }

    /// Every instance, by address, sorted by module, resource and key.
    pub fn instances(&self) -> &BTreeMap<InstanceAddr, InstanceState> {
        &self.instances
    }

    /// One instance by address.
    pub fn instance(&self, address: &InstanceAddr) -> Option<&InstanceState> {
        self.instances.get(address)
    }

    /// Records an instance.
    pub fn set_instance(&mut self, address: &InstanceAddr, instance: InstanceState) {
        self.instances.insert(address.clone(), instance);
    }

    /// Forgets an instance; returns it.
    pub fn remove_instance(&mut self, address: &InstanceAddr) -> Option<InstanceState> {
        self.instances.remove(address)
    }

    /// Root module outputs.
    pub fn outputs(&self) -> &BTreeMap<String, OutputState> {
        &self.outputs
    }

    /// Replaces all outputs.
    pub fn set_outputs(&mut self, outputs: BTreeMap<String, OutputState>) {
        self.outputs = outputs;
    }

    /// The results of the configuration's checks (conditions, `check` blocks, variable
    /// validations) at the last apply, as Terraform's state records them (`check_results`).
    pub fn check_results(&self) -> Option<&serde_json::Value> {
        self.check_results.as_ref()
    }

    /// Replaces the check results.
    pub fn set_check_results(&mut self, results: Option<serde_json::Value>) {
        self.check_results = results;
    }

    /// Creates started but not recorded.
    pub fn intents(&self) -> &[Intent] {
        &self.intents
    }

    /// Records a create intent.
    pub fn add_intent(&mut self, intent: Intent) {
        if !self.intents.contains(&intent) {
            self.intents.push(intent);
            self.intents.sort();
        }
    }

    /// Replaces every intent (a journal's record of them).
    pub(crate) fn replace_intents(&mut self, mut intents: Vec<Intent>) {
        intents.sort();
        intents.dedup();
        self.intents = intents;
    }

    /// Takes the serial a backend reports for what it last wrote (a journal entry continues
    /// the state file's serial with the next one).
    pub fn adopt_serial(&mut self, serial: u64) {
        self.serial = serial;
    }

    /// Forgets every intent for an address (its create finished or was resolved).
    pub fn clear_intents(&mut self, address: &InstanceAddr) {
        self.intents.retain(|i| &i.address != address);
    }
}
