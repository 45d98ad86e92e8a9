//! Apply: walks the plan's graph again with now-known values, makes each planned change, and
//! writes the state after every single operation.
//!
//! Batching is an engine concept: resource nodes of a type the provider batches
//! ([`ProviderFactory::batched`](crate::core::provider::ProviderFactory::batched)) that are ready at
//! the same moment are visited together, and their changes that share a batch key (Route53
//! records of one zone) go to the provider in one [`Provider::apply_batch`] call, which takes
//! one parallelism slot.

mod adoption;
mod calls;
mod deletes;
mod deposed;
mod provision;
pub mod store;

use crate::apply::store::{Store, StoreJournal};
use crate::config::Resource;
use crate::core::addr::{InstanceAddr, InstanceKey, Mode, ModulePath, ResourceAddr};
use crate::core::diagnostic::{Diagnostic, Diagnostics};
use crate::core::instance::{from_instance_state, note_derived_marks, to_instance_state};
use crate::core::lock;
use crate::core::plan::{Action, Change, Plan};
use crate::core::provider::{ApplyRequest, ApplyResponse, PlanRequest, Provider, ReadDataRequest};
use crate::core::schema::Schema;
use crate::core::value::Value;
use crate::eval::marks::{remark, remark_data, remark_planned};
use crate::graph::{self, ModPath, Node, Outcome};
use crate::plan::diff;
use crate::plan::session::{config_matches, elapsed, Session};
use petgraph::stable_graph::NodeIndex;
use state::OutputState;
use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

/// The plan's changes by instance address: apply looks one up per instance, so a linear
/// search would make large plans quadratic.
struct Changes<'p> {
    destroy: bool,
    by_addr: std::collections::HashMap<InstanceAddr, &'p Change>,
}

impl<'p> Changes<'p> {
    fn new(plan: &'p Plan) -> Changes<'p> {
        Changes {
            destroy: plan.destroy,
            // A deposed object's delete is its own node, found through state, not by address.
            by_addr: plan
                .changes
                .iter()
                .filter(|c| c.action != Action::DeleteDeposed)
                .map(|c| (c.addr.clone(), c))
                .collect(),
        }
    }

    fn get(&self, addr: &InstanceAddr) -> Option<&'p Change> {
        self.by_addr.get(addr).copied()
    }
}

/// One instance's value once applied (`None` until it is, or when it failed), by module
/// instance and instance key.
type InstanceValue = (ModulePath, InstanceKey, Option<Value>);

/// A create or update ready to be sent to the provider.
struct Pending<'r> {
    addr: InstanceAddr,
    /// The address as progress lines and messages name it.
    label: String,
    res: &'r Resource,
    schema: Schema,
    config: Value,
    deps: Vec<String>,
    action: Action,
    final_plan: Value,
    /// The final plan with the write-only values the configuration sets, for a type that has
    /// write-only arguments: what the provider is sent, and nothing else holds.
    sent: Option<Value>,
    private: Option<String>,
    /// The prior the update applies to (`None` for creates and replacements).
    prior: Option<Value>,
    /// The object a create-before-destroy replacement deposes once the new one exists.
    deposed: Option<Value>,
    provider: Arc<dyn Provider>,
    /// Which node of the visited group, and which instance slot of it, the result belongs to.
    node: usize,
    slot: usize,
    /// The module instance, instance key and `each.value` (for postconditions).
    instance: (ModulePath, InstanceKey, Option<Value>),
}

/// What became of one sent change: where its value goes, the value (when the object exists),
/// and whether it succeeded.
struct Settled {
    node: usize,
    slot: usize,
    value: Option<Value>,
    ok: bool,
}

/// A delete ready to be sent to the provider.
struct PendingDelete {
    addr: InstanceAddr,
    /// The address as progress lines name it.
    label: String,
    type_: String,
    prior: Value,
    provider: Arc<dyn Provider>,
    node: usize,
}

impl<'a> Session<'a> {
    /// Applies a plan: walks the graph plus one node per delete, persisting state after every
    /// operation. Returns the warnings of the `check` blocks on the values the apply made, or
    /// every error; a failure skips only its dependents.
    pub fn apply(
        &self,
        plan: &Plan,
        store: &Store<'_>,
        parallelism: usize,
        stop: &AtomicBool,
    ) -> Result<Vec<Diagnostic>, Diagnostics> {
        crate::plan::session::set_clock(
            &self.walk.scopes,
            Some(crate::plan::session::unix_now()),
            plan.plan_time,
        );
        self.permits.resize(parallelism);
        // Apply decides what the plan could not (conditions on values known only now).
        *lock(&self.walk.checks) = plan.checks.clone();
        // What the plan changes in state alone goes in one write, before anything else:
        // imported objects join, moves rename (the plan's addresses are the new ones),
        // forgotten objects leave without a call to AWS, and so do the objects refresh found
        // deleted outside infinstor (as Terraform's refresh does: a destroy must end with an
        // empty state, and an object planned again is recorded by its create).
        let forgotten: Vec<&InstanceAddr> = plan
            .changes
            .iter()
            .filter(|c| c.action == Action::Forget)
            .map(|c| &c.addr)
            .collect();
        let gone = plan
            .drift
            .iter()
            .filter(|d| d.action == Action::Delete)
            .map(|d| &d.addr);
        let leaving: Vec<&InstanceAddr> = forgotten.iter().copied().chain(gone).collect();
        self.walk.ui.changes_ahead(
            plan.changes
                .iter()
                .map(|c| match c.action {
                    Action::Create | Action::Update | Action::Delete | Action::DeleteDeposed => 1,
                    Action::Replace { .. } => 2,
                    Action::NoOp | Action::Read | Action::Forget => 0,
                })
                .sum(),
        );
        if !(plan.imports.is_empty() && plan.moves.is_empty() && leaving.is_empty()) {
            store.mutate(|s| {
                for i in &plan.imports {
                    if s.instance(&i.addr).is_none() {
                        s.set_instance(&i.addr, i.instance.clone());
                    }
                }
                for m in &plan.moves {
                    if s.instance(&m.to).is_none() {
                        if let Some(inst) = s.remove_instance(&m.from) {
                            s.set_instance(&m.to, inst);
                        }
                    }
                }
                for address in &leaving {
                    s.remove_instance(address);
                }
            });
        }
        for address in &forgotten {
            self.walk
                .ui
                .progress(&format!("{address}: Removed from state; the object stays in AWS"));
        }
        let mut g = self.walk.graph.clone();
        let changes = Changes::new(plan);
        // The old half of a replacement is a delete of its own, so that it runs after the
        // deletes of what depends on it (a rule's targets before the rule), as in Terraform;
        // a batched type keeps it in its batch with the create.
        let deletes: Vec<&Change> = plan
            .changes
            .iter()
            .filter(|c| {
                c.action == Action::Delete
                    || (c.action
                        == Action::Replace {
                            create_before_destroy: false,
                        }
                        && !self.walk.factory.batched(&c.addr.resource.type_))
            })
            .collect();
        for c in &deletes {
            g.add_node(Node::Delete(c.addr.clone()));
        }
        // A delete runs before the deletes of what it depends on, and after its provider.
        let mut by_resource: std::collections::HashMap<String, Vec<&InstanceAddr>> = std::collections::HashMap::new();
        // Dependencies name resources as the configuration does, without instance keys in
        // the module path (`module.tenant.aws_iam_role.r`).
        for c in &deletes {
            let resource =
                crate::plan::walk::node_string(&crate::config::tree::config_path(&c.addr.module), &c.addr.resource);
            by_resource.entry(resource).or_default().push(&c.addr);
        }
        for c in &deletes {
            let me = Node::Delete(c.addr.clone());
            for dep in &c.dependencies {
                for other in by_resource.get(dep).into_iter().flatten() {
                    if **other != c.addr {
                        g.edge(&me, &Node::Delete((*other).clone()));
                    }
                }
            }
            g.edge(&Node::Provider(c.provider.clone()), &me);
            // Deletes of removed resources go before updates of what they depended on, so a
            // removed attachment is detached before its role changes.
            let path = crate::config::tree::config_path(&c.addr.module);
            let config_node = Node::Resource(path, c.addr.resource.clone());
            if g.index.contains_key(&config_node) && !plan.destroy {
                g.edge(&me, &config_node);
            }
        }
        self.add_deposed_deletes(&mut g, plan);
        g.check_cycles()?;
        // Changes of a type the provider batches go together: creates and updates apart from
        // deletes.
        let group = |n: &Node| -> Option<String> {
            let (kind, type_) = match n {
                Node::Resource(_, a) if a.mode == Mode::Managed => ("change", &a.type_),
                Node::Delete(a) => ("delete", &a.resource.type_),
                _ => return None,
            };
            self.walk.factory.batched(type_).then(|| format!("{kind}:{type_}"))
        };
        let outcomes = graph::walk_grouped(&g, parallelism, stop, group, |batch: &[(NodeIndex, &Node)]| match batch
            .first()
            .map(|(_, n)| *n)
        {
            Some(Node::Resource(..)) => self.apply_resources(batch, &changes, store, parallelism),
            Some(Node::Delete(_)) => self.apply_deletes(batch, &changes, store),
            _ => batch
                .iter()
                .map(|(_, node)| match node {
                    Node::Deposed(a) => self.delete_deposed(a, store),
                    other => self.visit(other),
                })
                .collect(),
        });
        let outputs: BTreeMap<String, OutputState> = if plan.destroy {
            BTreeMap::new()
        } else {
            lock(&self.ledger)
                .outputs
                .iter()
                .filter(|(_, o)| !o.after.contains_unknown())
                .map(|(k, o)| {
                    (
                        k.clone(),
                        OutputState {
                            value: o.after.deep_unmark().to_json().unwrap_or(serde_json::Value::Null),
                            type_: Some(crate::core::value::shape_of(&o.after).to_json()),
                            sensitive: o.sensitive,
                        },
                    )
                })
                .collect()
        };
        // The check blocks' assertions, on the values the apply made: their outcomes go into
        // the check results, their failures are the apply's warnings.
        let (check_warnings, check_results) = if plan.destroy {
            (Vec::new(), None)
        } else {
            (self.walk.check_blocks(), lock(&self.walk.checks).state_json())
        };
        store.mutate(|s| {
            s.set_outputs(outputs);
            s.set_check_results(check_results);
        });
        store.finish();
        let mut diags = lock(&self.ledger).diags.clone();
        for e in store.write_errors() {
            diags.push(Diagnostic::error("Failed to persist state", e));
        }
        let skipped = outcomes.values().filter(|o| **o == Outcome::Skipped).count();
        if diags.has_errors() || skipped > 0 {
            if !diags.has_errors() {
                diags.push(Diagnostic::error(
                    "Apply interrupted",
                    format!("{skipped} step(s) were not started because the apply was interrupted. The state records everything that finished; run apply again to continue."),
                ));
            }
            return Err(diags);
        }
        Ok(check_warnings)
    }

    /// Applies the instances of one or more resource nodes (several only for batched types).
    fn apply_resources(
        &self,
        batch: &[(NodeIndex, &Node)],
        plan: &Changes<'_>,
        store: &Store<'_>,
        parallelism: usize,
    ) -> Vec<Outcome> {
        let mut outcomes = vec![Outcome::Ok; batch.len()];
        let mut node_values: Vec<Vec<InstanceValue>> = vec![Vec::new(); batch.len()];
        let mut pending: Vec<Pending<'_>> = Vec::new();
        let mut nodes: Vec<Option<(&ModPath, &Resource)>> = vec![None; batch.len()];
        for (i, (_, node)) in batch.iter().enumerate() {
            let Node::Resource(path, addr) = node else {
                outcomes[i] = Outcome::Failed;
                continue;
            };
            match self.prepare_resource(i, path, addr, plan, store, &mut pending, &mut node_values[i]) {
                Ok(Some(res)) => nodes[i] = Some((path, res)),
                Ok(None) => {}
                Err(()) => outcomes[i] = Outcome::Failed,
            }
        }
        // Changes sharing a batch key go in one provider call; the rest one by one.
        let mut groups: BTreeMap<Option<String>, Vec<Pending<'_>>> = BTreeMap::new();
        for p in pending {
            let key = if self.walk.factory.batched(&p.res.addr.type_) {
                p.provider.batch_key(&p.res.addr.type_, &p.final_plan)
            } else {
                None
            };
            groups.entry(key).or_default().push(p);
        }
        let mut settled: Vec<Settled> = Vec::new();
        for (key, group) in groups {
            let results: Vec<(Pending<'_>, ApplyResponse, Instant)> = match key {
                // Instances of their own go at once, up to `parallelism`, each recorded in state
                // as soon as it finishes (not when the slowest of them does).
                None => {
                    settled.extend(self.send_each(group, store, parallelism));
                    Vec::new()
                }
                Some(key) => {
                    let starts: Vec<Instant> = group.iter().map(|p| self.announce(p)).collect();
                    let start = Instant::now();
                    let journals: Vec<StoreJournal> = group.iter().map(|p| self.journal(p, store, true)).collect();
                    let progress = |msg: &str| {
                        let line = format!("{key}: {msg} [{} elapsed]", elapsed(start));
                        for p in &group {
                            self.walk.ui.change_status(&p.label, &line);
                        }
                    };
                    let reqs: Vec<ApplyRequest<'_>> = group
                        .iter()
                        .zip(&journals)
                        .map(|(p, j)| ApplyRequest {
                            type_name: &p.res.addr.type_,
                            prior: p.prior.as_ref(),
                            planned: Some(p.sent.as_ref().unwrap_or(&p.final_plan)),
                            journal: j,
                            progress: &progress,
                            private: p.private.as_deref(),
                        })
                        .collect();
                    let responses = {
                        let _permit = self.permits.hold();
                        pad(group[0].provider.apply_batch(reqs), group.len())
                    };
                    // One state write for the whole call, before any of it is reported done.
                    let recorded: Vec<_> = group
                        .into_iter()
                        .zip(responses)
                        .zip(starts)
                        .map(|((p, r), s)| {
                            let r = self.record(&p, r, s, store, true);
                            (p, r, s)
                        })
                        .collect();
                    store.flush();
                    recorded
                }
            };
            settled.extend(
                results
                    .into_iter()
                    .map(|(p, resp, start)| self.conclude(p, resp, start, store)),
            );
        }
        for Settled { node, slot, value, ok } in settled {
            if !ok {
                outcomes[node] = Outcome::Failed;
            }
            if value.is_some() {
                node_values[node][slot].2 = value;
            }
        }
        for (i, entry) in nodes.iter().enumerate() {
            if let Some((path, res)) = entry {
                let mut by_module: BTreeMap<ModulePath, Vec<(InstanceKey, Value)>> = self
                    .walk
                    .instances_of(path)
                    .into_iter()
                    .map(|m| (m, Vec::new()))
                    .collect();
                for (module, key, value) in std::mem::take(&mut node_values[i]) {
                    if let (Some(v), Some(values)) = (value, by_module.get_mut(&module)) {
                        values.push((key, v));
                    }
                }
                for (module, values) in by_module {
                    self.walk.store_resource_value(&module, res, values);
                }
            }
        }
        outcomes
    }

    /// Evaluates a resource's instances and handles the changes that need no provider write
    /// (no-ops, reads, the delete half of a replacement); the rest are queued in `pending`.
    #[allow(clippy::too_many_arguments)]
    fn prepare_resource<'r>(
        &'r self,
        node: usize,
        path: &ModPath,
        addr: &ResourceAddr,
        plan: &Changes<'_>,
        store: &Store<'_>,
        pending: &mut Vec<Pending<'r>>,
        values: &mut Vec<InstanceValue>,
    ) -> Result<Option<&'r Resource>, ()> {
        let Some(m) = crate::config::tree::module_at(self.walk.module, path) else {
            return Err(());
        };
        let Some(res) = m.resources.get(addr) else {
            return Err(());
        };
        let Some(schema) = self.walk.schema_for(addr) else {
            return Err(());
        };
        if plan.destroy {
            return Ok(None);
        }
        let provider = match self.walk.provider_or_default(&res.provider) {
            Ok(p) => p,
            Err(d) => {
                self.fail(d);
                return Err(());
            }
        };
        let deps = self.walk.dependencies_of(path, addr);
        let mut failed = false;
        for module in self.walk.instances_of(path) {
            let instances = match self.walk.expand(&module, res, &schema) {
                Ok(i) => i,
                Err(ds) => {
                    self.fail_all(ds);
                    return Err(());
                }
            };
            for (key, each, config) in instances {
                // Conditions not known when planning are checked now.
                let unmet = self.walk.unmet_preconditions(&module, &key, each.clone(), res);
                if !unmet.is_empty() {
                    self.fail_all(unmet);
                    return Err(());
                }
                let ia = InstanceAddr {
                    module: module.clone(),
                    resource: addr.clone(),
                    key: key.clone(),
                };
                let slot = values.len();
                if addr.mode == Mode::Ephemeral {
                    // Opened again for this apply: nothing of the plan's opening was kept.
                    match crate::plan::ephemeral::open(
                        &self.walk,
                        provider.as_ref(),
                        res,
                        &schema,
                        &ia.to_string(),
                        &config,
                    ) {
                        Ok(v) => values.push((module.clone(), key, Some(v))),
                        Err(e) => {
                            lock(&self.ledger)
                                .diags
                                .push(self.provider_errors(&ia.to_string(), res, &e));
                            values.push((module.clone(), key, None));
                            failed = true;
                        }
                    }
                    continue;
                }
                let Some(change) = plan.get(&ia) else {
                    // Not planned (outside --target): keep what state has; of an object not
                    // created yet nothing is known.
                    let kept = store
                        .instance(&ia)
                        .map(|inst| from_instance_state(&inst, Some(&schema)));
                    values.push((module.clone(), key, Some(kept.unwrap_or(Value::UNKNOWN))));
                    continue;
                };
                match self.prepare_instance(provider.clone(), res, &schema, &ia, change, &config, &deps, store) {
                    Ok(Prepared::Done(v)) => values.push((module.clone(), key, Some(v))),
                    Ok(Prepared::Pending(mut p)) => {
                        p.node = node;
                        p.slot = slot;
                        p.instance = (module.clone(), key.clone(), each.clone());
                        values.push((module.clone(), key, None));
                        pending.push(*p);
                    }
                    Err(d) => {
                        lock(&self.ledger).diags.push(d);
                        values.push((module.clone(), key, None));
                        failed = true;
                    }
                }
            }
        }
        if failed {
            // Dependents of the resource are skipped; its other instances still finish.
            return Err(());
        }
        Ok(Some(res))
    }

    #[allow(clippy::too_many_arguments)]
    fn prepare_instance<'r>(
        &self,
        provider: Arc<dyn Provider>,
        res: &'r Resource,
        schema: &Schema,
        ia: &InstanceAddr,
        change: &Change,
        config: &Value,
        deps: &[String],
        store: &Store<'_>,
    ) -> Result<Prepared<'r>, Diagnostic> {
        let a = &ia.to_string();
        let perr = |e: &crate::core::provider::ProviderError| self.provider_errors(a, res, e);
        match change.action {
            Action::NoOp => {
                let value = change.after.clone().unwrap_or(Value::Null);
                if res.addr.mode == Mode::Managed {
                    // Persist what refresh found (and adopted objects), with current dependencies.
                    let recorded = store.instance(ia);
                    let mut fresh = to_instance_state(&res.provider, &value, deps, Some(schema));
                    fresh.create_before_destroy = res.lifecycle.create_before_destroy;
                    note_derived_marks(&mut fresh, schema, config);
                    let same = recorded
                        .as_ref()
                        .map(|r| {
                            r.attributes == fresh.attributes
                                && r.dependencies == fresh.dependencies
                                && r.sensitive_attributes == fresh.sensitive_attributes
                                && r.derived_sensitive == fresh.derived_sensitive
                                && r.schema_version == fresh.schema_version
                                && r.create_before_destroy == fresh.create_before_destroy
                        })
                        .unwrap_or(false);
                    if !same {
                        store.mutate(|s| {
                            s.set_instance(ia, fresh);
                            s.clear_intents(ia);
                        });
                    }
                }
                Ok(Prepared::Done(value))
            }
            Action::Read => {
                self.walk.ui.progress(&format!("{a}: Reading..."));
                provider
                    .read_data(ReadDataRequest {
                        type_name: &res.addr.type_,
                        config: &config.deep_unmark(),
                    })
                    .map(|v| Prepared::Done(remark_data(schema, config, v)))
                    .map_err(|e| perr(&e))
            }
            Action::Delete | Action::DeleteDeposed | Action::Forget => Ok(Prepared::Done(Value::Null)),
            Action::Create | Action::Update | Action::Replace { .. } => {
                // The refreshed prior the plan was made from, not the older recorded one.
                let current = change.before.clone();
                let is_replace = matches!(change.action, Action::Replace { .. });
                let plan_prior = if change.action == Action::Update {
                    current.as_ref()
                } else {
                    None
                };
                let proposed = diff::proposed(schema, config, plan_prior, &res.lifecycle.ignore_changes);
                // A fully known plan is applied as planned (with its private data, such as a
                // change set); one with unknowns is planned again now that they are known.
                let (final_plan, private) = match &change.after {
                    Some(after) if !after.contains_unknown() && config_matches(schema, config, after) => {
                        (after.clone(), change.private.clone())
                    }
                    _ => {
                        let resp = provider
                            .plan(PlanRequest {
                                type_name: &res.addr.type_,
                                prior: plan_prior,
                                proposed: &proposed,
                                config,
                            })
                            .map_err(|e| perr(&e))?;
                        (
                            schema.without_write_only(remark(schema, config, resp.planned)),
                            resp.private.or_else(|| change.private.clone()),
                        )
                    }
                };
                if let Some(after) = &change.after {
                    let bad = diff::inconsistencies(schema, after, &final_plan);
                    if !bad.is_empty() {
                        return Err(Diagnostic::error(
                            "Provider produced inconsistent final plan",
                            format!("When applying {a}, the final value of {} differs from the plan. Nothing was changed for this resource; run plan again.", bad.join(", ")),
                        ));
                    }
                }
                let cbd = matches!(
                    change.action,
                    Action::Replace {
                        create_before_destroy: true
                    }
                );
                // A batched type's old object goes here; another's went in its own delete step.
                if is_replace && !cbd && self.walk.factory.batched(&res.addr.type_) {
                    if let Some(old) = &current {
                        if self.delete_object(provider.as_ref(), ia, false, &res.addr.type_, old, store) != Outcome::Ok
                        {
                            return Err(Diagnostic::error(
                                format!("{a}: replace failed"),
                                "The old object could not be destroyed, so the new one was not created.",
                            ));
                        }
                    }
                }
                Ok(Prepared::Pending(Box::new(Pending {
                    addr: ia.clone(),
                    label: a.clone(),
                    res,
                    schema: schema.clone(),
                    config: config.clone(),
                    deps: deps.to_vec(),
                    action: change.action,
                    sent: schema
                        .write_only_names()
                        .next()
                        .map(|_| schema.with_write_only(&final_plan, config)),
                    final_plan,
                    private,
                    prior: if change.action == Action::Update {
                        current.clone()
                    } else {
                        None
                    },
                    deposed: if cbd { current } else { None },
                    provider,
                    node: 0,
                    slot: 0,
                    instance: (Vec::new(), InstanceKey::None, None),
                })))
            }
        }
    }
}

/// What preparing an instance led to.
enum Prepared<'r> {
    /// Nothing to send; this is the instance's value.
    Done(Value),
    /// A create or update to send.
    Pending(Box<Pending<'r>>),
}

/// A provider that answers fewer responses than requests must not lose the rest silently.
fn pad(mut responses: Vec<ApplyResponse>, n: usize) -> Vec<ApplyResponse> {
    while responses.len() < n {
        responses.push(ApplyResponse {
            new_state: None,
            error: Some(crate::core::provider::ProviderError::new(
                "MissingResponse",
                "the provider returned no result for this change; run plan to see whether it was made",
            )),
        });
    }
    responses.truncate(n);
    responses
}
