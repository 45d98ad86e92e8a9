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
use crate::plan::ledger::{Decisions, Ledger};
use crate::plan::refresh::{self, Observed};
use crate::plan::session::{Session, WalkMode};
use state::{InstanceState, State};
use std::collections::{BTreeMap, BTreeSet};
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

/// One instance being planned, with what every step of planning it needs.
struct Instance<'p> {
    ia: InstanceAddr,
    /// `ia` as text, for messages.
    text: String,
    key: &'p InstanceKey,
    each: Option<Value>,
    res: &'p Resource,
    schema: &'p Schema,
    provider: &'p dyn Provider,
    deps: &'p [String],
    /// Inside `--target` (or no targets given), or something a target depends on.
    targeted: bool,
}

impl Instance<'_> {
    /// A change of this instance, with its dependencies.
    fn change(&self, action: Action, before: Option<Value>, after: Option<Value>) -> Change {
        Change::new(self.ia.clone(), self.res.provider.clone(), action, before, after).depending_on(self.deps.to_vec())
    }
}

/// How the plan walk plans: refresh first or not, destroy everything, replace these.
struct How<'m> {
    refresh: bool,
    destroy: bool,
    replace: &'m [InstanceAddr],
}

impl Session<'_> {
    /// Runs the plan walk.
    pub fn plan(&self, mode: &WalkMode<'_>, parallelism: usize, stop: &AtomicBool) -> Result<(), Diagnostics> {
        let target_deps = match mode {
            WalkMode::Plan { targets, .. } => self.target_dependencies(targets),
            WalkMode::Apply(_) => BTreeSet::new(),
        };
        let outcomes = graph::walk(&self.walk.graph, parallelism, stop, |idx, node| {
            if let Some(done) = self.walk.settled(idx) {
                return done;
            }
            match node {
                Node::Resource(p, a) => self.plan_resource(p, a, mode, &target_deps),
                Node::Delete(_) | Node::Deposed(_) => Outcome::Ok,
                other => self.visit(other),
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
    fn take_in(&self, addr: &InstanceAddr, observed: Observed, out: &mut Decisions) -> Option<Value> {
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
            out.drift.push(drift);
        }
        observed.current
    }

    /// Plans every instance of one resource or data block, in every instance of its module.
    fn plan_resource(
        &self,
        path: &ModPath,
        addr: &ResourceAddr,
        mode: &WalkMode<'_>,
        target_deps: &BTreeSet<(ModPath, ResourceAddr)>,
    ) -> Outcome {
        let mut decided = Decisions::default();
        let outcome = self.decide_resource(path, addr, mode, target_deps, &mut decided);
        lock(&self.ledger).record(decided);
        outcome
    }

    /// What [`Self::plan_resource`] decides, collected in `out`.
    fn decide_resource(
        &self,
        path: &ModPath,
        addr: &ResourceAddr,
        mode: &WalkMode<'_>,
        target_deps: &BTreeSet<(ModPath, ResourceAddr)>,
        out: &mut Decisions,
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
        let Some(m) = crate::config::tree::module_at(self.walk.module, path) else {
            return Outcome::Failed;
        };
        let Some(res) = m.resources.get(addr) else {
            return Outcome::Failed;
        };
        let Some(schema) = self.walk.schema_for(addr) else {
            return out.fail(crate::eval::checks::unsupported_type(res, self.walk.factory));
        };
        let provider = match self.walk.provider_or_default(&res.provider) {
            Ok(p) => p,
            Err(d) => return out.fail(d.at(res.span.clone())),
        };
        let deps = self.walk.dependencies_of(path, addr);
        let a_dependency = target_deps.contains(&(path.clone(), addr.clone()));
        let how = How {
            refresh: *refresh,
            destroy: *destroy,
            replace,
        };
        for module in self.walk.instances_of(path) {
            let instances = match self.walk.expand(&module, res, &schema) {
                Ok(i) => i,
                // A destroy deletes what the state records: configuration it can no longer
                // evaluate (values of objects already gone) does not decide what exists.
                Err(_) if *destroy => self.recorded_instances(&module, addr),
                Err(ds) => return out.fail_all(ds),
            };
            let mut problems = Vec::new();
            // An ephemeral resource may take ephemeral values, and its checks are its provider's
            // when it opens.
            for (_, _, config) in instances.iter().filter(|_| addr.mode != Mode::Ephemeral) {
                problems.extend(crate::eval::ephemeral::resource_problems(res, &schema, config));
                problems.extend(crate::eval::checks::provider_problems(self.walk.factory, res, config));
            }
            if !problems.is_empty() {
                return out.fail_all(problems);
            }
            let mut values = Vec::new();
            for (key, each, config) in instances {
                let failed = self.walk.unmet_preconditions(&module, &key, each.clone(), res);
                if !failed.is_empty() {
                    return out.fail_all(failed);
                }
                let ia = InstanceAddr {
                    module: module.clone(),
                    resource: addr.clone(),
                    key: key.clone(),
                };
                let targeted = targets.is_empty() || a_dependency || targets.iter().any(|t| t.contains(&ia));
                out.planned.push(ia.clone());
                let one = Instance {
                    text: ia.to_string(),
                    ia,
                    key: &key,
                    each,
                    res,
                    schema: &schema,
                    provider: provider.as_ref(),
                    deps: &deps,
                    targeted,
                };
                let value = match addr.mode {
                    Mode::Data => self.plan_data_instance(&one, &config, &how, out),
                    Mode::Ephemeral => self.open_ephemeral_instance(&one, &config, &how, out),
                    Mode::Managed => self.plan_managed_instance(&one, &config, &how, out),
                };
                match value {
                    Ok(v) => values.push((key, v)),
                    Err(outcome) => return outcome,
                }
            }
            self.walk.store_resource_value(&module, res, values);
        }
        Outcome::Ok
    }

    /// Reads a data source now, or plans its read for apply when its configuration is not
    /// known yet or what it depends on changes. Returns its value for references.
    fn plan_data_instance(
        &self,
        one: &Instance<'_>,
        config: &Value,
        how: &How<'_>,
        out: &mut Decisions,
    ) -> Result<Value, Outcome> {
        let (res, schema) = (one.res, one.schema);
        if !one.targeted {
            // Outside the targets and not needed by them: not read, as in Terraform.
            return Ok(Value::UNKNOWN);
        }
        let pending_deps = !res.depends_on.is_empty()
            && lock(&self.ledger)
                .changes
                .iter()
                .any(|c| c.action != Action::NoOp && one.deps.contains(&c.addr.resource_string()));
        if config.contains_unknown() || pending_deps {
            let mut after = diff::proposed(schema, config, None, &[]);
            if let Value::Map(mm) = &mut after {
                for (k, at) in &schema.attributes {
                    if at.computed && config.get(k).is_null() {
                        mm.insert(k.clone(), Value::UNKNOWN);
                    }
                }
            }
            let why = if pending_deps {
                "depends on a resource with pending changes"
            } else {
                "configuration depends on values known only after apply"
            };
            out.changes
                .push(one.change(Action::Read, None, Some(after.clone())).because(why));
            return Ok(after);
        }
        match one.provider.read_data(ReadDataRequest {
            type_name: &res.addr.type_,
            config: &config.deep_unmark(),
        }) {
            Ok(v) => {
                let v = remark_data(schema, config, v);
                self.postconditions(one, &v, out)?;
                out.changes.push(one.change(Action::NoOp, None, Some(v.clone())));
                Ok(v)
            }
            Err(e) if res.check.is_some() => {
                // A check's data source: its failure is the check's warning.
                out.diags.push(
                    Diagnostic::warning(
                        "Check block data source could not be read",
                        format!(
                            "{}: {}\n\nThe assertions of check \"{}\" that use it are not checked; nothing else is affected.",
                            one.text,
                            e.message,
                            res.check.as_deref().unwrap_or_default()
                        ),
                    )
                    .at(res.span.clone()),
                );
                Ok(Value::UNKNOWN)
            }
            Err(e) if how.destroy => {
                // A destroy deletes what the state records; a data source that can no longer be
                // read (its source went first, in an interrupted destroy) must not keep the rest
                // from going.
                out.diags.push(
                    Diagnostic::warning(
                        format!("{} could not be read", one.text),
                        format!(
                            "{}\n\nThe destroy goes on without it; whatever refers to it sees an unknown value.",
                            e.message
                        ),
                    )
                    .at(res.span.clone()),
                );
                Ok(Value::UNKNOWN)
            }
            Err(e) => Err(out.fail(self.provider_errors(&one.text, res, &e))),
        }
    }

    /// Opens an ephemeral resource for this plan when its configuration is known; its value is
    /// unknown otherwise (apply opens it again either way). Nothing of it is recorded.
    fn open_ephemeral_instance(
        &self,
        one: &Instance<'_>,
        config: &Value,
        how: &How<'_>,
        out: &mut Decisions,
    ) -> Result<Value, Outcome> {
        if !one.targeted || how.destroy {
            return Ok(Value::UNKNOWN.mark_ephemeral());
        }
        match crate::plan::ephemeral::open(&self.walk, one.provider, one.res, one.schema, &one.text, config) {
            Ok(v) => {
                self.postconditions(one, &v, out)?;
                Ok(v)
            }
            Err(e) => Err(out.fail(self.provider_errors(&one.text, one.res, &e))),
        }
    }

    /// Plans one managed object: adopts an interrupted create, refreshes what state records,
    /// asks the provider to plan, and records the change. Returns the planned value.
    fn plan_managed_instance(
        &self,
        one: &Instance<'_>,
        config: &Value,
        how: &How<'_>,
        out: &mut Decisions,
    ) -> Result<Value, Outcome> {
        let (ia, res, schema) = (&one.ia, one.res, one.schema);
        let recorded = lock(&self.prior).instance(ia).cloned();
        let stored = match recorded {
            Some(s) => Some(s),
            None => self.adopt_interrupted(one, out)?,
        };
        if let Some(d) = self.deposed_change(ia, stored.as_ref(), schema) {
            out.changes.push(d);
        }
        // As in Terraform, what a targeted plan leaves out is not read from AWS either.
        let prior_value = match (&stored, how.refresh && one.targeted) {
            (Some(s), true) => match self.refresh_instance(one.provider, ia, schema, s) {
                Ok(observed) => self.take_in(ia, observed, out),
                Err(e) => return Err(out.fail(self.provider_errors(&one.text, res, &e))),
            },
            (Some(s), false) => Some(from_instance_state(s, Some(schema))),
            (None, _) => None,
        };
        if how.destroy {
            // What is not in state is not destroyed, and nothing is known of it.
            return Ok(prior_value.unwrap_or(Value::UNKNOWN));
        }
        if !one.targeted {
            return Ok(match prior_value {
                Some(p) => {
                    out.changes
                        .push(one.change(Action::NoOp, Some(p.clone()), Some(p.clone())));
                    p
                }
                // Not created yet and not targeted: nothing is known of it.
                None => Value::UNKNOWN,
            });
        }
        let tainted = stored.as_ref().map(|s| s.tainted).unwrap_or(false);
        let trigger = match prior_value {
            Some(_) => self
                .replace_trigger(&ia.module, one.key, one.each.clone(), res)
                .map_err(|d| out.fail(d))?,
            None => None,
        };
        let requested = how.replace.iter().any(|r| r == ia);
        let planned = self
            .plan_instance(
                one.provider,
                res,
                schema,
                config,
                prior_value.as_ref(),
                tainted,
                requested || trigger.is_some(),
            )
            .map_err(|e| out.fail(self.provider_errors(&one.text, res, &e)))?;
        let reason = match &trigger {
            Some(t) if !requested => Some(format!("replace_triggered_by: {t} has a planned change")),
            _ => planned.reason,
        };
        if res.lifecycle.prevent_destroy && matches!(planned.action, Action::Replace { .. } | Action::Delete) {
            return Err(out.fail(
                Diagnostic::error(
                    "Instance cannot be destroyed",
                    format!("{} has lifecycle.prevent_destroy set, but the plan would destroy it ({}). Change the configuration so it is updated in place, or remove prevent_destroy if destroying it is intended.", one.text, reason.clone().unwrap_or_default()),
                )
                .at(res.span.clone()),
            ));
        }
        self.postconditions(one, &planned.after, out)?;
        let mut change = one.change(planned.action, prior_value, Some(planned.after.clone()));
        change.requires_replace = planned.requires_replace;
        change.reason = reason;
        change.private = planned.private;
        change.details = planned.details;
        out.changes.push(change);
        Ok(planned.after)
    }

    /// The object a create that was interrupted before its state was written left behind, if
    /// its recorded intent finds one: adopted into the prior state, and shown as drift.
    fn adopt_interrupted(&self, one: &Instance<'_>, out: &mut Decisions) -> Result<Option<InstanceState>, Outcome> {
        let intent = lock(&self.prior)
            .intents()
            .iter()
            .find(|i| i.address == one.ia)
            .cloned();
        let Some(intent) = intent else { return Ok(None) };
        match one.provider.import(ImportRequest {
            type_name: &one.res.addr.type_,
            id: &intent.import_id,
        }) {
            Ok(Some(v)) => {
                let inst = to_instance_state(&one.res.provider, &v, one.deps, Some(one.schema));
                lock(&self.prior).set_instance(&one.ia, inst.clone());
                let adopted =
                    Change::new(one.ia.clone(), one.res.provider.clone(), Action::Create, None, Some(v)).because(
                        format!("created by an interrupted apply ({}); adopted", intent.import_id),
                    );
                out.drift.push(adopted);
                Ok(Some(inst))
            }
            Ok(None) => Ok(None),
            Err(e) => Err(out.fail(self.provider_errors(&one.text, one.res, &e))),
        }
    }

    /// Fails the walk at this instance when a postcondition does not hold for `object`.
    fn postconditions(&self, one: &Instance<'_>, object: &Value, out: &mut Decisions) -> Result<(), Outcome> {
        let failed = self
            .walk
            .unmet_postconditions(&one.ia.module, one.key, one.each.clone(), one.res, object);
        if failed.is_empty() {
            Ok(())
        } else {
            Err(out.fail_all(failed))
        }
    }

    /// The resources (`module.a.TYPE.NAME`, without keys) that targeted ones depend on: a
    /// plan with `--target` plans them too, as Terraform does.
    fn target_dependencies(&self, targets: &[Target]) -> BTreeSet<(ModPath, ResourceAddr)> {
        let mut out = BTreeSet::new();
        for node in self.walk.graph.index.keys() {
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
                for d in self.walk.graph.resource_dependencies(node) {
                    if let Node::Resource(p, a) = d {
                        out.insert((p, a));
                    }
                }
            }
        }
        out
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
            resp.planned = schema.without_write_only(remark(schema, config, resp.planned));
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
                "the object is tainted: its create, or a provisioner after it, did not finish (or `taint` marked it)"
                    .to_string()
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
        resp.planned = schema.without_write_only(remark(schema, config, resp.planned));
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
        for (path, m) in crate::config::tree::modules(self.walk.module) {
            for r in &m.removed {
                let names: Vec<String> = path.iter().cloned().chain(r.from.module_names()).collect();
                let declared = match &r.from.resource {
                    Some((addr, _)) => crate::config::tree::module_at(self.walk.module, &names)
                        .is_some_and(|m| m.resources.contains_key(addr)),
                    None => crate::config::tree::module_at(self.walk.module, &names).is_some(),
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
        // What refreshing the orphans finds changed outside, recorded with their deletes.
        let mut observed = Decisions::default();
        let instances: Vec<(InstanceAddr, InstanceState)> = lock(&self.prior)
            .instances()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut diags = Diagnostics::default();
        // Collected and merged once: one pass over the changes, not one per instance.
        let mut orphan_changes: Vec<Change> = Vec::new();
        let mut superseded: std::collections::HashSet<InstanceAddr> = std::collections::HashSet::new();
        // What each resource depends on in the configuration, found once per resource.
        let mut config_dependencies: std::collections::HashMap<(ModPath, ResourceAddr), Vec<String>> =
            std::collections::HashMap::new();
        for (ia, inst) in instances {
            let a = ia.to_string();
            if !destroy && planned.contains(&ia) {
                continue;
            }
            if ia.resource.mode == Mode::Data {
                lock(&self.prior).remove_instance(&ia);
                continue;
            }
            let schema = self.walk.factory.resource_schema(&ia.resource.type_);
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
                let provider = match self.walk.provider_or_default(&inst.provider) {
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
                    .map(|o| self.take_in(&ia, o, &mut observed))
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
                let protected = crate::config::tree::module_at(self.walk.module, &path)
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
            let forget = !destroy && forgotten(self.walk.module, &ia);
            if forget {
                orphan_changes.push(
                    Change::new(ia, inst.provider.clone(), Action::Forget, Some(before), None)
                        .because("a removed block with destroy = false")
                        .depending_on(inst.dependencies.clone()),
                );
                continue;
            }
            superseded.insert(ia.clone());
            if let Some(d) = schema.as_ref().and_then(|s| self.deposed_change(&ia, Some(&inst), s)) {
                orphan_changes.push(d);
            }
            let why = if destroy {
                "destroy requested"
            } else {
                "its configuration was removed"
            };
            // What the configuration says it depends on counts too, as in Terraform: an object
            // imported since the last apply has no dependencies in state yet, and destroying it
            // together with what it depends on would race (a user deleted before its policy is
            // detached).
            let mut dependencies = inst.dependencies.clone();
            if destroy {
                let path = crate::config::tree::config_path(&ia.module);
                let from_config = config_dependencies
                    .entry((path, ia.resource.clone()))
                    .or_insert_with_key(|(path, resource)| self.walk.dependencies_of(path, resource));
                for d in from_config.iter() {
                    if !dependencies.contains(d) {
                        dependencies.push(d.clone());
                    }
                }
            }
            orphan_changes.push(
                Change::new(ia, inst.provider.clone(), Action::Delete, Some(before), None)
                    .because(why)
                    .depending_on(dependencies),
            );
        }
        {
            let mut ledger = lock(&self.ledger);
            ledger.changes.retain(|c| !superseded.contains(&c.addr));
            ledger.changes.extend(orphan_changes);
            ledger.record(observed);
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
            .map(|ia| (ia.key.clone(), None, Value::UNKNOWN))
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
            .walk
            .scopes
            .into_inner()
            .unwrap_or_else(|p| p.into_inner())
            .get(&Vec::new())
            .map(|s| (s.plan_time, s.workspace.clone()))
            .unwrap_or_default();
        // Never an ephemeral value in a plan file: the plan keeps those for its own apply only.
        let (ephemeral_values, variables): (BTreeMap<_, _>, BTreeMap<_, _>) = self
            .walk
            .root_vars
            .into_iter()
            .partition(|(_, v)| v.contains_ephemeral());
        (
            Plan {
                changes,
                drift,
                outputs,
                lineage,
                serial,
                config_digest,
                variables,
                ephemeral_variables: Vec::new(),
                ephemeral_values,
                destroy,
                warnings,
                access: Vec::new(),
                configuration: serde_json::Value::Null,
                relevant_attributes: Vec::new(),
                moves: Vec::new(),
                imports: Vec::new(),
                plan_time,
                refresh_only: false,
                workspace,
                checks: self.walk.checks.into_inner().unwrap_or_else(|p| p.into_inner()),
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
