//! One change's provider call and its answer: announced, sent (one call per change, up to
//! `--parallelism` at once), recorded in state before it is reported done, then reported with
//! its postconditions checked.

use super::*;

impl Session<'_> {
    /// Sends changes one per provider call, `parallelism` at a time, settling each as it ends.
    pub(super) fn send_each(&self, group: Vec<Pending<'_>>, store: &Store<'_>, parallelism: usize) -> Vec<Settled> {
        let queue = std::sync::Mutex::new(group.into_iter());
        let done = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..parallelism.max(1) {
                scope.spawn(|| loop {
                    let Some(p) = lock(&queue).next() else { break };
                    let start = self.announce(&p);
                    let resp = self.send(&p, store, start);
                    let s = self.settle(p, resp, start, store);
                    lock(&done).push(s);
                });
            }
        });
        done.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    /// Records one change's answer and checks its postconditions.
    pub(super) fn settle(&self, p: Pending<'_>, resp: ApplyResponse, start: Instant, store: &Store<'_>) -> Settled {
        let resp = self.record(&p, resp, start, store, false);
        self.conclude(p, resp, start, store)
    }

    /// Reports a recorded answer, runs a new object's provisioners and checks its
    /// postconditions.
    pub(super) fn conclude(&self, p: Pending<'_>, resp: ApplyResponse, start: Instant, store: &Store<'_>) -> Settled {
        let (node, slot) = (p.node, p.slot);
        let (module, key, each) = p.instance.clone();
        let res = p.res;
        let (addr, label, created) = (p.addr.clone(), p.label.clone(), p.prior.is_none());
        match self.report(p, resp, start) {
            Ok(v) => {
                if created && res.provisioners.iter().any(|x| !x.when_destroy) {
                    if let Err(d) = self.provision(&label, &module, &key, each.clone(), res, &v, false) {
                        // As in Terraform: the object exists, but is replaced by the next plan.
                        store.mutate(|s: &mut state::Editor<'_>| {
                            if let Some(mut inst) = s.instance(&addr).cloned() {
                                inst.tainted = true;
                                s.set_instance(&addr, inst);
                            }
                        });
                        self.fail(d);
                        return Settled {
                            node,
                            slot,
                            value: Some(v),
                            ok: false,
                        };
                    }
                }
                let failed = self.walk.unmet_postconditions(&module, &key, each, res, &v);
                let ok = failed.is_empty();
                if !ok {
                    // The object exists and is recorded; what depends on it waits.
                    self.fail_all(failed);
                }
                Settled {
                    node,
                    slot,
                    value: Some(v),
                    ok,
                }
            }
            Err(d) => {
                lock(&self.ledger).diags.push(d);
                Settled {
                    node,
                    slot,
                    value: None,
                    ok: false,
                }
            }
        }
    }

    pub(super) fn verbs(action: Action) -> (&'static str, &'static str) {
        if action == Action::Update {
            ("Modifying", "Modifications")
        } else {
            ("Creating", "Creation")
        }
    }

    pub(super) fn announce(&self, p: &Pending<'_>) -> Instant {
        self.walk
            .ui
            .change_started(&p.label, &format!("{}: {}...", p.label, Self::verbs(p.action).0));
        Instant::now()
    }

    /// Where a change records its create intent; `deferred` for the changes of one batch call.
    pub(super) fn journal<'s, 'b>(
        &self,
        p: &Pending<'_>,
        store: &'s Store<'b>,
        deferred: bool,
    ) -> StoreJournal<'s, 'b> {
        StoreJournal {
            store,
            address: p.addr.clone(),
            type_: p.res.addr.type_.clone(),
            provider: p.res.provider.clone(),
            deferred,
        }
    }

    /// Sends one change on its own.
    pub(super) fn send(&self, p: &Pending<'_>, store: &Store<'_>, start: Instant) -> ApplyResponse {
        let journal = self.journal(p, store, false);
        let a = p.label.clone();
        let progress = move |msg: &str| {
            self.walk
                .ui
                .change_status(&a, &format!("{a}: {msg} [{} elapsed]", elapsed(start)))
        };
        let _permit = self.permits.hold();
        p.provider.apply(ApplyRequest {
            type_name: &p.res.addr.type_,
            prior: p.prior.as_ref(),
            planned: Some(p.sent.as_ref().unwrap_or(&p.final_plan)),
            journal: &journal,
            progress: &progress,
            private: p.private.as_deref(),
        })
    }

    /// Records a provider's answer in state, even on error (staged with `defer`, for the caller
    /// to flush); a create whose answer was lost is looked for first. Returns the answer with
    /// its sensitivity marks.
    pub(super) fn record(
        &self,
        p: &Pending<'_>,
        resp: ApplyResponse,
        start: Instant,
        store: &Store<'_>,
        defer: bool,
    ) -> ApplyResponse {
        let (a, label) = (&p.addr, &p.label);
        let res = p.res;
        let lost =
            p.prior.is_none() && resp.new_state.is_none() && resp.error.as_ref().is_some_and(|e| e.outcome_unknown);
        let resp = match lost {
            true => {
                let journal = self.journal(p, store, false);
                let progress = |msg: &str| {
                    self.walk
                        .ui
                        .change_status(label, &format!("{label}: {msg} [{} elapsed]", elapsed(start)))
                };
                adoption::adopt(p, store, &journal, &progress).unwrap_or(resp)
            }
            false => resp,
        };
        // Marks go on before the state is written: what was sensitive in the configuration or
        // the plan is recorded as sensitive, so no later command shows it.
        let resp = ApplyResponse {
            new_state: resp.new_state.map(|v| {
                p.schema
                    .without_write_only(remark_planned(&p.final_plan, remark(&p.schema, &p.config, v)))
            }),
            ..resp
        };
        let write = |f: &dyn Fn(&mut state::Editor<'_>)| {
            if defer {
                store.stage(f)
            } else {
                store.mutate(f)
            }
        };
        let failed_writes = store.write_errors().len();
        if let Some(new) = &resp.new_state {
            let mut inst = to_instance_state(&res.provider, new, &p.deps, Some(&p.schema));
            note_derived_marks(&mut inst, &p.schema, &p.config);
            inst.tainted = resp.error.is_some() && p.prior.is_none();
            inst.create_before_destroy = res.lifecycle.create_before_destroy;
            // The replaced object stays recorded until its delete node destroys it.
            inst.deposed = p
                .deposed
                .as_ref()
                .map(|old| to_instance_state(&res.provider, old, &[], Some(&p.schema)).attributes)
                .or_else(|| store.instance(a).and_then(|i| i.deposed));
            write(&|s| {
                s.set_instance(a, inst.clone());
                s.clear_intents(a);
            });
            // Once the new object is in the state for good (written, not staged), what found
            // it after an interruption is not needed any more.
            let durable = !defer && store.write_errors().len() == failed_writes;
            if durable && p.prior.is_none() && resp.error.is_none() {
                p.provider.recorded(&res.addr.type_, new);
            }
        } else if resp.error.is_none() {
            write(&|s| s.clear_intents(a));
        } else if let Some(e) = resp.error.as_ref().filter(|e| !e.outcome_unknown) {
            // Refused because another object holds the name: nothing was made, and that object
            // must not be adopted by the next plan as if this run had made it.
            if p.prior.is_none() && self.walk.factory.already_exists(&e.code) {
                write(&|s| s.clear_intents(a));
            }
        }
        resp
    }

    /// Reports a recorded answer: its error, or its completion and any difference from the plan.
    pub(super) fn report(&self, p: Pending<'_>, resp: ApplyResponse, start: Instant) -> Result<Value, Diagnostic> {
        let a = &p.label;
        let res = p.res;
        let verb = Self::verbs(p.action);
        if let Some(e) = resp.error {
            self.walk.ui.change_done(a, None);
            return Err(Diagnostic::error(
                format!("{a}: {}", e.code),
                format!("{} {a} failed: {}", verb.0, e.message),
            )
            .at(res.span.clone())
            .within(res.describe()));
        }
        let new = resp.new_state.unwrap_or(Value::Null);
        self.walk.ui.change_done(
            a,
            Some(&format!(
                "{a}: {} complete after {}{}",
                verb.1,
                elapsed(start),
                new.get("id").as_str().map(|i| format!(" [id={i}]")).unwrap_or_default()
            )),
        );
        let bad = diff::inconsistencies(&p.schema, &p.final_plan, &new);
        if !bad.is_empty() {
            return Err(Diagnostic::error(
                "Provider produced inconsistent result after apply",
                format!("After applying {a}, {} differ from the planned value. The object was recorded in state as it is; run plan to see the difference.", bad.join(", ")),
            ));
        }
        Ok(new)
    }
}
