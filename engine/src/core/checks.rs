//! The results of the configuration's checks, as Terraform keeps them: every checkable object
//! (a resource with `precondition` or `postcondition` blocks, an output with preconditions, a
//! `check` block, a variable with `validation` rules), each instance's status and the messages
//! of what failed. A plan shows them (`checks` of the plan JSON), an apply records them in the
//! state (`check_results`).

use crate::core::addr::{module_path_string, InstanceKey, ModulePath};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;

/// How a check came out; a combination is its worst part (error, then fail, then unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CheckStatus {
    /// Every condition holds.
    Pass,
    /// A condition is not known until apply.
    Unknown,
    /// A condition is false.
    Fail,
    /// A condition could not be evaluated.
    Error,
}

impl CheckStatus {
    fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Unknown => "unknown",
            CheckStatus::Fail => "fail",
            CheckStatus::Error => "error",
        }
    }
}

/// What kind of object is checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckKind {
    /// A resource or data source with conditions.
    Resource {
        /// A data source.
        data: bool,
        /// Its type.
        type_: String,
        /// Its name.
        name: String,
    },
    /// An output with preconditions.
    Output(String),
    /// A `check` block.
    Check(String),
    /// A variable with validation rules.
    Var(String),
}

impl CheckKind {
    fn local(&self) -> String {
        match self {
            CheckKind::Resource { data, type_, name } => {
                format!("{}{type_}.{name}", if *data { "data." } else { "" })
            }
            CheckKind::Output(name) => format!("output.{name}"),
            CheckKind::Check(name) => format!("check.{name}"),
            CheckKind::Var(name) => format!("var.{name}"),
        }
    }
}

/// One instance of a checkable object, with the status of each part of it checked (its
/// preconditions, its postconditions, ...), which are decided at different times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Checked {
    /// The module instance (`module.m[0]`), empty for the root module.
    module: String,
    /// The instance key: null, a number or a string.
    key: Json,
    parts: BTreeMap<String, (CheckStatus, Vec<String>)>,
}

impl Checked {
    fn status(&self) -> CheckStatus {
        self.parts.values().map(|(s, _)| *s).max().unwrap_or(CheckStatus::Pass)
    }

    fn problems(&self) -> Vec<String> {
        self.parts.values().flat_map(|(_, p)| p.iter().cloned()).collect()
    }
}

/// One checkable object of the configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Checkable {
    kind: CheckKind,
    /// The module's path in the configuration (call names).
    module: Vec<String>,
    /// By instance address.
    instances: BTreeMap<String, Checked>,
}

impl Checkable {
    fn status(&self) -> CheckStatus {
        self.instances
            .values()
            .map(Checked::status)
            .max()
            .unwrap_or(CheckStatus::Pass)
    }
}

/// Every checkable object, by its configuration address (`module.m.terraform_data.a`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckResults {
    objects: BTreeMap<String, Checkable>,
}

fn module_prefix(module: &[String]) -> String {
    module.iter().map(|m| format!("module.{m}.")).collect()
}

impl CheckResults {
    /// The configuration address of `kind` in the module at `module` (call names).
    pub fn config_addr(module: &[String], kind: &CheckKind) -> String {
        format!("{}{}", module_prefix(module), kind.local())
    }

    /// Declares a checkable object: with no instance it passes (as Terraform's has it).
    pub fn declare(&mut self, module: &[String], kind: CheckKind) {
        self.objects
            .entry(Self::config_addr(module, &kind))
            .or_insert_with(|| Checkable {
                kind,
                module: module.to_vec(),
                instances: BTreeMap::new(),
            });
    }

    /// Records how one part (`precondition`, `postcondition`, ...) of one instance came out,
    /// replacing what an earlier phase recorded for that part. Undeclared objects are ignored.
    pub fn record(
        &mut self,
        config: &str,
        module: &ModulePath,
        key: &InstanceKey,
        part: &str,
        status: CheckStatus,
        problems: Vec<String>,
    ) {
        let Some(object) = self.objects.get_mut(config) else {
            return;
        };
        let instance = instance_addr(module, &object.kind, key);
        object
            .instances
            .entry(instance)
            .or_insert_with(|| Checked {
                module: module_path_string(module),
                key: match key {
                    InstanceKey::None => Json::Null,
                    InstanceKey::Int(i) => json!(i),
                    InstanceKey::Str(s) => json!(s),
                },
                parts: BTreeMap::new(),
            })
            .parts
            .insert(part.to_string(), (status, problems));
    }

    /// Whether there is nothing to check.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// The plan JSON's `checks`: sorted by address, as Terraform writes them.
    pub fn plan_json(&self) -> Json {
        let checks: Vec<Json> = self
            .objects
            .iter()
            .map(|(addr, object)| {
                let mut address = serde_json::Map::new();
                let (kind, name) = match &object.kind {
                    CheckKind::Resource { data, type_, name } => {
                        address.insert("mode".into(), json!(if *data { "data" } else { "managed" }));
                        address.insert("type".into(), json!(type_));
                        ("resource", name)
                    }
                    CheckKind::Output(name) => ("output_value", name),
                    CheckKind::Check(name) => ("check", name),
                    CheckKind::Var(name) => ("var", name),
                };
                address.insert("kind".into(), json!(kind));
                address.insert("name".into(), json!(name));
                if !object.module.is_empty() {
                    let module = module_prefix(&object.module);
                    address.insert("module".into(), json!(module.trim_end_matches('.')));
                }
                address.insert("to_display".into(), json!(addr));
                let mut out = json!({"address": address, "status": object.status().as_str()});
                if !object.instances.is_empty() {
                    out["instances"] = object
                        .instances
                        .iter()
                        .map(|(display, checked)| {
                            let mut address = serde_json::Map::new();
                            if !checked.module.is_empty() {
                                address.insert("module".into(), json!(checked.module));
                            }
                            if !checked.key.is_null() {
                                address.insert("instance_key".into(), checked.key.clone());
                            }
                            address.insert("to_display".into(), json!(display));
                            let mut instance = json!({"address": address, "status": checked.status().as_str()});
                            let problems = checked.problems();
                            if !problems.is_empty() {
                                instance["problems"] =
                                    problems.into_iter().map(|m| json!({"message": m})).collect::<Json>();
                            }
                            instance
                        })
                        .collect::<Json>();
                }
                out
            })
            .collect();
        Json::Array(checks)
    }

    /// The state's `check_results`; `None` when nothing is checked (Terraform writes null).
    pub fn state_json(&self) -> Option<Json> {
        if self.objects.is_empty() {
            return None;
        }
        let results: Vec<Json> = self
            .objects
            .iter()
            .map(|(addr, object)| {
                let kind = match &object.kind {
                    CheckKind::Resource { .. } => "resource",
                    CheckKind::Output(_) => "output",
                    CheckKind::Check(_) => "check",
                    CheckKind::Var(_) => "var",
                };
                let objects: Json = if object.instances.is_empty() {
                    Json::Null
                } else {
                    object
                        .instances
                        .iter()
                        .map(|(display, checked)| {
                            let mut o = json!({"object_addr": display, "status": checked.status().as_str()});
                            let problems = checked.problems();
                            if !problems.is_empty() {
                                o["failure_messages"] = json!(problems);
                            }
                            o
                        })
                        .collect()
                };
                json!({"object_kind": kind, "config_addr": addr, "status": object.status().as_str(), "objects": objects})
            })
            .collect();
        Some(Json::Array(results))
    }
}

/// An instance's address as Terraform displays it: `module.m[0].terraform_data.a[1]`.
fn instance_addr(module: &ModulePath, kind: &CheckKind, key: &InstanceKey) -> String {
    let mut out = module_path_string(module);
    if !out.is_empty() {
        out.push('.');
    }
    out.push_str(&kind.local());
    match key {
        InstanceKey::None => {}
        InstanceKey::Int(i) => out.push_str(&format!("[{i}]")),
        InstanceKey::Str(s) => out.push_str(&format!("[{}]", serde_json::Value::from(s.as_str()))),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_combine_to_the_worst_and_render_as_terraform_writes_them() {
        let mut c = CheckResults::default();
        let resource = CheckKind::Resource {
            data: false,
            type_: "terraform_data".into(),
            name: "a".into(),
        };
        c.declare(&[], resource.clone());
        c.declare(&["m".to_string()], CheckKind::Var("w".into()));
        c.declare(&[], CheckKind::Check("c".into()));
        let a = CheckResults::config_addr(&[], &resource);
        c.record(
            &a,
            &vec![],
            &InstanceKey::Int(0),
            "precondition",
            CheckStatus::Pass,
            vec![],
        );
        c.record(
            &a,
            &vec![],
            &InstanceKey::Int(0),
            "postcondition",
            CheckStatus::Unknown,
            vec![],
        );
        c.record(
            "check.c",
            &vec![],
            &InstanceKey::None,
            "assert",
            CheckStatus::Fail,
            vec!["v is not 4".into()],
        );
        let plan = c.plan_json();
        assert_eq!(plan[0]["address"]["to_display"], "check.c");
        assert_eq!(plan[0]["instances"][0]["problems"][0]["message"], "v is not 4");
        assert_eq!(plan[1]["address"]["module"], "module.m");
        assert_eq!(plan[1]["status"], "pass");
        assert!(plan[1].get("instances").is_none());
        assert_eq!(plan[2]["status"], "unknown");
        assert_eq!(plan[2]["instances"][0]["address"]["instance_key"], 0);
        assert_eq!(plan[2]["instances"][0]["address"]["to_display"], "terraform_data.a[0]");
        // Apply decides the postcondition: the part is replaced, not combined with "unknown".
        c.record(
            &a,
            &vec![],
            &InstanceKey::Int(0),
            "postcondition",
            CheckStatus::Pass,
            vec![],
        );
        let state = c.state_json().expect("results");
        assert_eq!(state[2]["status"], "pass");
        assert_eq!(state[1]["objects"], Json::Null);
        assert_eq!(state[0]["objects"][0]["failure_messages"], json!(["v is not 4"]));
        assert_eq!(state[0]["object_kind"], "check");
    }
}
