//! The plan walk: evaluates each resource's instances, refreshes them, asks the provider to
//! plan, and turns the difference into a [`Change`]; then plans deletes for state without
//! configuration.

use crate::config::Resource;
use crate::core::addr::{InstanceAddr, InstanceKey, Mode, ModulePath, ResourceAddr, Target};
use crate::core::diagnostic::{Diagnostic, Diagnostics};
use crate::core::instance::{from_instance_state, to_instance_state};
use crate::core::lock;
use crate::core::plan::{Action, Change, Plan};
use crate::core::provider::{ImportRequest, PlanRequest, Provider, ReadDataRequest, ReadRequest};
use crate::core::schema::Schema;
use crate::core::value::Value;
use crate::eval::marks::{remark, remark_data};
use crate::graph::{self, ModPath, Node, Outcome};
use crate::plan::diff;
use crate::plan::ledger::Ledger;
use crate::plan::refresh::{self, Observed};
use crate::plan::session::{Session, WalkMode};
use state::{InstanceState, State};
use std::collections::BTreeSet;
use std::sync::atomic::AtomicBool;

/// The outcome of planning one instance.
struct Planned {
    action: Action,
    after: Value,
    requires_replace: Vec<String>,
    reason: Option<String>,
    private: Option<String>,
    details: Vec<String>,
}

impl Planned {
    fn from(
        action: Action,
        resp: crate::core::provider::PlanResponse,
        requires_replace: Vec<String>,
        reason: Option<String>,
    ) -> Planned {
        Planned {
            action,
            after: resp.planned,
            requires_replace,
            reason,
            private: resp.private,
            details: resp.details,
        }
    }
}

impl Session<'_> {
    /// Runs the plan walk.
    pub fn plan(&self, mode: &WalkMode<'_>, parallelism: usize, stop: &AtomicBool) -> Result<(), Diagnostics> {
        let target_deps = match mode {
            WalkMode::Plan { targets, .. } => self.target_dependencies(targets),
            WalkMode::Apply(_) => BTreeSet::new(),
        };
        let outcomes = graph::walk(&self.graph, parallelism, stop, |idx, node| {
            if let Some(done) = self.settled(idx) {
                return done;
            }
            match node {
                Node::Provider(k) => self.visit_provider(k),
                Node::Variable(p, n) => self.visit_variable(p, n),
                Node::Local(p, n) => self.visit_local(p, n),
                Node::Output(p, n) => self.visit_output(p, n),
                Node::Resource(p, a) => self.plan_resource(p, a, mode, &target_deps),
                Node::Module(p) => self.visit_module(p),
                Node::Delete(_) | Node::Deposed(_) => Outcome::Ok,
            }
        });
        let diags = lock(&self.ledger).diags.clone();
        if diags.has_errors() || outcomes.values().any(|o| *o != Outcome::Ok) {
            let mut d = diags;
            if !d.has_errors() {
                d.push(Diagnostic::error(
                    "Interrupted",
                    "The plan was interrupted before it finished; nothing was changed.",
                ));
            }
            return Err(d);
        }
        Ok(())
    }

    /// Reads one recorded object (or takes what refresh already read) and compares it with
    /// what state recorded. Records nothing: the caller takes the observation in.
    fn refresh_instance(
        &self,
        provider: &dyn Provider,
        addr: &InstanceAddr,
        schema: &Schema,
        stored: &InstanceState,
    ) -> Result<Observed, crate::core::provider::ProviderError> {
        let read = match lock(&self.refreshed).take(addr) {
            Some(r) => r,
            None => provider.read(ReadRequest {
                type_name: &addr.resource.type_,
                prior: &from_instance_state(stored, Some(schema)),
            }),
        };
        Ok(refresh::observe(addr, schema, stored, read?))
    }

    /// Takes an observation in: the prior state records the object as read (or forgets it),
    /// and a change made outside infinstor joins the plan's drift. Returns the object as it is.
    fn take_in(&self, addr: &InstanceAddr, observed: Observed) -> Option<Value> {
        {
            let mut prior = lock(&self.prior);
            match observed.recorded {
                Some(inst) => prior.set_instance(addr, inst),
                None => {
                    prior.remove_instance(addr);
                }
            }
        }
        if let Some(drift) = observed.drift {
            lock(&self.ledger).drift.push(drift);
        }
        observed.current
    }

    fn plan_resource(
        &self,
        path: &ModPath,
        addr: &ResourceAddr,
        mode: &WalkMode<'_>,
        target_deps: &BTreeSet<(ModPath, ResourceAddr)>,
    ) -> Outcome {
        let WalkMode::Plan {
            refresh,
            replace,
            destroy,
            targets,
        } = mode
        else {
            return Outcome::Failed;
        };
        let Some(m) = crate::config::tree::module_at(self.module, path) else {
            return Outcome::Failed;
        };
        let Some(res) = m.resources.get(addr) else {
            return Outcome::Failed;
        };
        let Some(schema) = self.schema_for(addr) else {
            return self.fail(crate::eval::checks::unsupported_type(res, self.factory));
        };
        let provider = match self.provider_or_default(&res.provider) {
            Ok(p) => p,
            Err(d) => return self.fail(d.at(res.span.clone())),
        };
        let deps = self.dependencies_of(path, addr);
        let a_dependency = target_deps.contains(&(path.clone(), addr.clone()));
        for module in self.instances_of(path) {
            let instances = match self.expand(&module, res, &schema) {
                Ok(i) => i,
                // A destroy deletes what the state records: configuration it can no longer
                // evaluate (values of objects already gone) does not decide what exists.
                Err(_) if *destroy => self.recorded_instances(&module, addr),
                Err(ds) => return self.fail_all(ds),
            };
            let mut problems = Vec::new();
            for (_, _, config) in &instances {
                problems.extend(crate::eval::checks::provider_problems(self.factory, res, config));
            }
            if !problems.is_empty() {
                return self.fail_all(problems);
            }
            let mut values = Vec::new();
            for (key, each, config) in instances {
                let failed = self.unmet_preconditions(&module, &key, each.clone(), res);
                if !failed.is_empty() {
                    return self.fail_all(failed);
                }
                let postconditions =
                    |object: &Value| self.unmet_postconditions(&module, &key, each.clone(), res, object);
                let ia = InstanceAddr {
                    module: module.clone(),
                    resource: addr.clone(),
                    key: key.clone(),
                };
                let a = ia.to_string();
                let targeted = targets.is_empty() || a_dependency || targets.iter().any(|t| t.contains(&ia));
                lock(&self.ledger).planned.insert(ia.clone());
                let stored = lock(&self.prior).instance(&ia).cloned();
                if addr.mode == Mode::Data && !targeted {
                    // Outside the targets and not needed by them: not read, as in Terraform.
                    values.push((key, Value::Unknown));
                    continue;
                }
                if addr.mode == Mode::Data {
                    let pending_deps = !res.depends_on.is_empty()
                        && lock(&self.ledger)
                            .changes
                            .iter()
                            .any(|c| c.action != Action::NoOp && deps.contains(&c.addr.resource_string()));
                    if config.contains_unknown() || pending_deps {
                        let mut after = diff::proposed(&schema, &config, None, &[]);
                        if let Value::Map(mm) = &mut after {
                            for (k, at) in &schema.attributes {
                                if at.computed && config.get(k).is_null() {
                                    mm.insert(k.clone(), Value::Unknown);
                                }
                            }
                        }
                        values.push((key, after.clone()));
                        lock(&self.ledger).changes.push(Change {
                            addr: ia,
                            provider: res.provider.clone(),
                            action: Action::Read,
                            before: None,
                            after: Some(after),
                            requires_replace: Vec::new(),
                            reason: Some(if pending_deps {
                                "depends on a resource with pending changes".into()
                            } else {
                                "configuration depends on values known only after apply".into()
                            }),
                            dependencies: deps.clone(),
                            private: None,
                            details: Vec::new(),
                        });
                        continue;
                    }
                    match provider.read_data(ReadDataRequest {
                        type_name: &addr.type_,
                        config: &config.deep_unmark(),
                    }) {
                        Ok(v) => {
                            let v = remark_data(&schema, &config, v);
                            let failed = postconditions(&v);
                            if !failed.is_empty() {
                                return self.fail_all(failed);
                            }
                            values.push((key, v.clone()));
                            lock(&self.ledger).changes.push(Change {
                                addr: ia,
                                provider: res.provider.clone(),
                                action: Action::NoOp,
                                before: None,
                                after: Some(v),
                                requires_replace: Vec::new(),
                                reason: None,
                                dependencies: deps.clone(),
                                private: None,
                                details: Vec::new(),
                            });
                        }
                        Err(e) if res.check.is_some() => {
                            // A check's data source: its failure is the check's warning.
                            lock(&self.ledger).diags.push(
                                Diagnostic::warning(
                                    "Check block data source could not be read",
                                    format!(
                                        "{a}: {}\n\nThe assertions of check \"{}\" that use it are not checked; nothing else is affected.",
                                        e.message,
                                        res.check.as_deref().unwrap_or_default()
                                    ),
                                )
                                .at(res.span.clone()),
                            );
                            values.push((key, Value::Unknown));
                        }
                        Err(e) if *destroy => {
                            // A destroy deletes what the state records; a data source that can no
                            // longer be read (its source went first, in an interrupted destroy)
                            // must not keep the rest from going.
                            lock(&self.ledger).diags.push(
                                Diagnostic::warning(
                                    format!("{a} could not be read"),
                                    format!("{}\n\nThe destroy goes on without it; whatever refers to it sees an unknown value.", e.message),
                                )
                                .at(res.span.clone()),
                            );
                            values.push((key, Value::Unknown));
                        }
                        Err(e) => return self.fail(self.provider_errors(&a, res, &e)),
                    }
                    continue;
                }
                // Adopt an object whose create was interrupted before its state was written.
                let mut stored = stored;
                if stored.is_none() {
                    let intent = lock(&self.prior).intents().iter().find(|i| i.address == ia).cloned();
                    if let Some(intent) = intent {
                        match provider.import(ImportRequest {
                            type_name: &addr.type_,
                            id: &intent.import_id,
                        }) {
                            Ok(Some(v)) => {
                                let inst = to_instance_state(&res.provider, &v, &deps);
                                lock(&self.prior).set_instance(&ia, inst.clone());
                                lock(&self.ledger).drift.push(Change {
                                    addr: ia.clone(),
                                    provider: res.provider.clone(),
                                    action: Action::Create,
                                    before: None,
                                    after: Some(v),
                                    requires_replace: Vec::new(),
                                    reason: Some(format!(
                                        "created by an interrupted apply ({}); adopted",
                                        intent.import_id
                                    )),
                                    dependencies: Vec::new(),
                                    private: None,
                                    details: Vec::new(),
                                });
                                stored = Some(inst);
                            }
                            Ok(None) => {}
                            Err(e) => return self.fail(self.provider_errors(&a, res, &e)),
                        }
                    }
                }
                if let Some(d) = self.deposed_change(&ia, stored.as_ref(), &schema) {
                    lock(&self.ledger).changes.push(d);
                }
                let prior_value = match (&stored, refresh) {
                    (Some(s), true) => match self.refresh_instance(provider.as_ref(), &ia, &schema, s) {
                        Ok(observed) => self.take_in(&ia, observed),
                        Err(e) => return self.fail(self.provider_errors(&a, res, &e)),
                    },
                    (Some(s), false) => Some(from_instance_state(s, Some(&schema))),
                    (None, _) => None,
                };
                if *destroy {
                    // What is not in state is not destroyed, and nothing is known of it.
                    values.push((key, prior_value.clone().unwrap_or(Value::Unknown)));
                    continue;
                }
                if !targeted {
                    match &prior_value {
                        Some(p) => {
                            values.push((key, p.clone()));
                            self.push_noop(ia, res, p.clone(), deps.clone());
                        }
                        // Not created yet and not targeted: nothing is known of it.
                        None => values.push((key, Value::Unknown)),
                    }
                    continue;
                }
                let tainted = stored.as_ref().map(|s| s.tainted).unwrap_or(false);
                let trigger = if prior_value.is_some() {
                    match self.replace_trigger(&module, &key, each.clone(), res) {
                        Ok(t) => t,
                        Err(d) => return self.fail(d),
                    }
                } else {
                    None
                };
                let forced = replace.iter().any(|r| r == &ia) || trigger.is_some();
                let change = match self.plan_instance(
                    provider.as_ref(),
                    res,
                    &schema,
                    &config,
                    prior_value.as_ref(),
                    tainted,
                    forced,
                ) {
                    Ok(c) => c,
                    Err(e) => return self.fail(self.provider_errors(&a, res, &e)),
                };
                let Planned {
                    action,
                    after,
                    requires_replace: requires,
                    reason,
                    private,
                    details,
                } = change;
                let reason = match &trigger {
                    Some(t) if !replace.iter().any(|r| r == &ia) => {
                        Some(format!("replace_triggered_by: {t} has a planned change"))
                    }
                    _ => reason,
                };
                if res.lifecycle.prevent_destroy && matches!(action, Action::Replace { .. } | Action::Delete) {
                    return self.fail(
                    Diagnostic::error(
                        "Instance cannot be destroyed",
                        format!("{a} has lifecycle.prevent_destroy set, but the plan would destroy it ({}). Change the configuration so it is updated in place, or remove prevent_destroy if destroying it is intended.", reason.clone().unwrap_or_default()),
                    )
                    .at(res.span.clone()),
                );
                }
                let failed = postconditions(&after);
                if !failed.is_empty() {
                    return self.fail_all(failed);
                }
                values.push((key, after.clone()));
                lock(&self.ledger).changes.push(Change {
                    addr: ia,
                    provider: res.provider.clone(),
                    action,
                    before: prior_value,
                    after: Some(after),
                    requires_replace: requires,
                    reason,
                    dependencies: deps.clone(),
                    private,
                    details,
                });
            }
            self.store_resource_value(&module, res, values);
        }
        Outcome::Ok
    }

    /// The resources (`module.a.TYPE.NAME`, without keys) that targeted ones depend on: a
    /// plan with `--target` plans them too, as Terraform does.
    fn target_dependencies(&self, targets: &[Target]) -> BTreeSet<(ModPath, ResourceAddr)> {
        let mut out = BTreeSet::new();
        for node in self.graph.index.keys() {
            let Node::Resource(path, addr) = node else {
                continue;
            };
            let named = targets.iter().any(|t| {
                let names = t.module_names();
                path.starts_with(&names)
                    && match &t.resource {
                        None => true,
                        Some((r, _)) => path.len() == names.len() && r == addr,
                    }
            });
            if named {
                for d in self.graph.resource_dependencies(node) {
                    if let Node::Resource(p, a) = d {
                        out.insert((p, a));
                    }
                }
            }
        }
        out
    }

    fn push_noop(&self, ia: InstanceAddr, res: &Resource, value: Value, deps: Vec<String>) {
        lock(&self.ledger).changes.push(Change {
            addr: ia,
            provider: res.provider.clone(),
            action: Action::NoOp,
            before: Some(value.clone()),
            after: Some(value),
            requires_replace: Vec::new(),
            reason: None,
            dependencies: deps,
            private: None,
            details: Vec::new(),
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn plan_instance(
        &self,
        provider: &dyn Provider,
        res: &Resource,
        schema: &Schema,
        config: &Value,
        prior: Option<&Value>,
        tainted: bool,
        forced: bool,
    ) -> Result<Planned, crate::core::provider::ProviderError> {
        let plan_create = || -> Result<crate::core::provider::PlanResponse, crate::core::provider::ProviderError> {
            let proposed = diff::proposed(schema, config, None, &[]);
            let mut resp = provider.plan(PlanRequest {
                type_name: &res.addr.type_,
                prior: None,
                proposed: &proposed,
                config,
            })?;
            resp.planned = remark(schema, config, resp.planned);
            Ok(resp)
        };
        let cbd = res.lifecycle.create_before_destroy;
        let replace = Action::Replace {
            create_before_destroy: cbd,
        };
        let Some(prior) = prior else {
            return Ok(Planned::from(Action::Create, plan_create()?, Vec::new(), None));
        };
        if tainted || forced {
            let reason = if tainted {
                "the object is tainted: its create did not finish".to_string()
            } else {
                "replacement requested with --replace".to_string()
            };
            return Ok(Planned::from(replace, plan_create()?, Vec::new(), Some(reason)));
        }
        let proposed = diff::proposed(schema, config, Some(prior), &res.lifecycle.ignore_changes);
        let mut resp = provider.plan(PlanRequest {
            type_name: &res.addr.type_,
            prior: Some(prior),
            proposed: &proposed,
            config,
        })?;
        resp.planned = remark(schema, config, resp.planned);
        let changed = diff::changed_attributes(schema, prior, &resp.planned);
        if changed.is_empty() {
            resp.planned = prior.clone();
            return Ok(Planned::from(Action::NoOp, resp, Vec::new(), None));
        }
        let forcing = diff::forcing_replacement(schema, &changed, &resp.requires_replace);
        if !forcing.is_empty() {
            let mut created = plan_create()?;
            // An argument the configuration sets to a known value keeps the prior's value where
            // the provider's create plan left it open; one the configuration leaves unknown
            // (it comes from an object being replaced too) stays unknown, so that every
            // dependent sees it change.
            if let (Value::Map(am), Some(pm)) = (&mut created.planned, prior.as_map()) {
                for (k, v) in am.iter_mut() {
                    let computed = schema.attributes.get(k).map(|a| a.computed).unwrap_or(false);
                    if v.is_unknown() && !computed && !config.get(k).contains_unknown() {
                        *v = pm.get(k).cloned().unwrap_or(Value::Null);
                    }
                }
            }
            let reason = format!("{} cannot be updated in place", forcing.join(", "));
            return Ok(Planned::from(replace, created, forcing, Some(reason)));
        }
        Ok(Planned::from(Action::Update, resp, Vec::new(), None))
    }

    /// Plans deletes for state instances without configuration (or every instance when
    /// destroying), refreshing them first.
    pub fn plan_orphans(&self, refresh: bool, destroy: bool) -> Result<(), Diagnostics> {
        let mut diags = Diagnostics::default();
        for (path, m) in crate::config::tree::modules(self.module) {
            for r in &m.removed {
                let names: Vec<String> = path.iter().cloned().chain(r.from.module_names()).collect();
                let declared = match &r.from.resource {
                    Some((addr, _)) => crate::config::tree::module_at(self.module, &names)
                        .is_some_and(|m| m.resources.contains_key(addr)),
                    None => crate::config::tree::module_at(self.module, &names).is_some(),
                };
                if declared {
                    diags.push(
                        Diagnostic::error(
                            "Removed object still exists",
                            format!(
                                "This removed block is for {}, which is still declared. Remove its block first.",
                                r.from
                            ),
                        )
                        .at(r.span.clone()),
                    );
                }
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        let planned = lock(&self.ledger).planned.clone();
        let instances: Vec<(InstanceAddr, InstanceState)> = lock(&self.prior)
            .instances()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut diags = Diagnostics::default();
        // Collected and merged once: one pass over the changes, not one per instance.
        let mut orphan_changes: Vec<Change> = Vec::new();
        let mut superseded: std::collections::HashSet<InstanceAddr> = std::collections::HashSet::new();
        for (ia, inst) in instances {
            let a = ia.to_string();
            if !destroy && planned.contains(&ia) {
                continue;
            }
            if ia.resource.mode == Mode::Data {
                lock(&self.prior).remove_instance(&ia);
                continue;
            }
            let schema = self.factory.resource_schema(&ia.resource.type_);
            if schema.is_none() {
                diags.push(Diagnostic::error(
                    "Unsupported resource type in state",
                    format!(
                        "The state holds {a}, but the {} provider has no resource type \"{}\", so infinstor can neither read nor delete it. If the object is managed elsewhere or gone, forget it with `infinstor state rm {a}`.",
                        inst.provider, ia.resource.type_
                    ),
                ));
                continue;
            }
            let mut before = from_instance_state(&inst, schema.as_ref());
            if refresh && !destroy {
                let provider = match self.provider_or_default(&inst.provider) {
                    Ok(p) => p,
                    Err(d) => {
                        diags.push(d);
                        continue;
                    }
                };
                let Some(schema) = schema.as_ref() else {
                    continue;
                };
                match self
                    .refresh_instance(provider.as_ref(), &ia, schema, &inst)
                    .map(|o| self.take_in(&ia, o))
                {
                    Ok(Some(v)) => before = v,
                    Ok(None) => continue,
                    Err(e) => {
                        diags.push(Diagnostic::error(format!("{a}: {}", e.code), e.message));
                        continue;
                    }
                }
            }
            if destroy {
                let path = crate::config::tree::config_path(&ia.module);
                let protected = crate::config::tree::module_at(self.module, &path)
                    .and_then(|m| m.resources.get(&ia.resource))
                    .map(|r| (r.lifecycle.prevent_destroy, r.span.clone()));
                if let Some((true, span)) = protected {
                    diags.push(
                        Diagnostic::error(
                            "Instance cannot be destroyed",
                            format!("{a} has lifecycle.prevent_destroy set, so it cannot be destroyed. Remove prevent_destroy first if destroying it is intended."),
                        )
                        .at(span),
                    );
                    continue;
                }
            }
            let forget = !destroy && forgotten(self.module, &ia);
            if forget {
                orphan_changes.push(Change {
                    addr: ia,
                    provider: inst.provider.clone(),
                    action: Action::Forget,
                    before: Some(before),
                    after: None,
                    requires_replace: Vec::new(),
                    reason: Some("a removed block with destroy = false".into()),
                    dependencies: inst.dependencies.clone(),
                    private: None,
                    details: Vec::new(),
                });
                continue;
            }
            superseded.insert(ia.clone());
            if let Some(d) = schema.as_ref().and_then(|s| self.deposed_change(&ia, Some(&inst), s)) {
                orphan_changes.push(d);
            }
            orphan_changes.push(Change {
                addr: ia,
                provider: inst.provider.clone(),
                action: Action::Delete,
                before: Some(before),
                after: None,
                requires_replace: Vec::new(),
                reason: Some(if destroy {
                    "destroy requested".to_string()
                } else {
                    "its configuration was removed".to_string()
                }),
                dependencies: inst.dependencies.clone(),
                private: None,
                details: Vec::new(),
            });
        }
        {
            let changes = &mut lock(&self.ledger).changes;
            changes.retain(|c| !superseded.contains(&c.addr));
            changes.extend(orphan_changes);
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(())
        }
    }

    /// The instances of a resource the prior state records, with unknown configuration.
    fn recorded_instances(&self, module: &ModulePath, addr: &ResourceAddr) -> Vec<(InstanceKey, Option<Value>, Value)> {
        lock(&self.prior)
            .instances()
            .keys()
            .filter(|ia| &ia.module == module && &ia.resource == addr)
            .map(|ia| (ia.key.clone(), None, Value::Unknown))
            .collect()
    }

    /// Assembles the plan after the walk.
    pub fn into_plan(self, lineage: String, serial: u64, config_digest: String, destroy: bool) -> (Plan, State) {
        let Ledger {
            mut changes,
            mut drift,
            mut outputs,
            diags,
            ..
        } = self.ledger.into_inner().unwrap_or_else(|p| p.into_inner());
        changes.sort_by(|a, b| a.addr.cmp(&b.addr));
        drift.sort_by(|a, b| a.addr.cmp(&b.addr));
        if destroy {
            outputs.clear();
        }
        let warnings = diags.warnings().map(|d| d.to_string()).collect();
        let prior = self.prior.into_inner().unwrap_or_else(|p| p.into_inner());
        let (plan_time, workspace) = self
            .scopes
            .into_inner()
            .unwrap_or_else(|p| p.into_inner())
            .get(&Vec::new())
            .map(|s| (s.plan_time, s.workspace.clone()))
            .unwrap_or_default();
        (
            Plan {
                changes,
                drift,
                outputs,
                lineage,
                serial,
                config_digest,
                variables: self.root_vars,
                destroy,
                warnings,
                access: Vec::new(),
                configuration: serde_json::Value::Null,
                moves: Vec::new(),
                imports: Vec::new(),
                plan_time,
                refresh_only: false,
                workspace,
            },
            prior,
        )
    }
}

/// Whether a `removed` block with `destroy = false` names the instance: a block of the root
/// module by its whole address, one of a child module by the address within that module.
fn forgotten(root: &crate::config::Module, ia: &InstanceAddr) -> bool {
    crate::config::tree::modules(root).into_iter().any(|(path, m)| {
        crate::config::tree::is_within(&ia.module, &path) && {
            let within = InstanceAddr {
                module: ia.module[path.len()..].to_vec(),
                ..ia.clone()
            };
            m.removed.iter().any(|r| !r.destroy && r.from.contains(&within))
        }
    })
}
