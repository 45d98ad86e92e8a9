//! Deletes: of removed resources, of a destroy, and of the old half of a replacement, batched
//! where the provider allows, each recorded in state as it finishes.

use super::*;

impl Session<'_> {
    /// Deletes of state instances, batched where the provider allows.
    pub(super) fn apply_deletes(
        &self,
        batch: &[(NodeIndex, &Node)],
        plan: &Changes<'_>,
        store: &Store<'_>,
    ) -> Vec<Outcome> {
        let mut outcomes = vec![Outcome::Ok; batch.len()];
        let mut pending = Vec::new();
        for (i, (_, node)) in batch.iter().enumerate() {
            let Node::Delete(ia) = node else {
                outcomes[i] = Outcome::Failed;
                continue;
            };
            let addr = &ia.to_string();
            let Some(change) = plan.get(ia) else {
                outcomes[i] = Outcome::Failed;
                continue;
            };
            let provider = match self.provider_or_default(&change.provider) {
                Ok(p) => p,
                Err(d) => {
                    outcomes[i] = self.fail(d);
                    continue;
                }
            };
            let Some(before) = store.instance(addr) else {
                continue;
            };
            let schema = self.factory.resource_schema(&change.addr.resource.type_);
            pending.push(PendingDelete {
                addr: addr.clone(),
                type_: change.addr.resource.type_.clone(),
                prior: from_instance_state(&before, schema.as_ref()),
                provider,
                node: i,
            });
        }
        let mut groups: BTreeMap<Option<String>, Vec<PendingDelete>> = BTreeMap::new();
        for p in pending {
            let key = if self.factory.batched(&p.type_) {
                p.provider.batch_key(&p.type_, &p.prior)
            } else {
                None
            };
            groups.entry(key).or_default().push(p);
        }
        for (key, group) in groups {
            if key.is_none() {
                for p in group {
                    outcomes[p.node] = self.delete_object(p.provider.as_ref(), &p.addr, &p.type_, &p.prior, store);
                }
                continue;
            }
            let start = Instant::now();
            for p in &group {
                self.ui.change_started(
                    &p.addr,
                    &format!(
                        "{}: Destroying... [id={}]",
                        p.addr,
                        p.prior.get("id").as_str().unwrap_or("")
                    ),
                );
            }
            let journals: Vec<StoreJournal> = group
                .iter()
                .map(|p| StoreJournal {
                    store,
                    address: p.addr.clone(),
                    type_: p.type_.clone(),
                    provider: String::new(),
                    deferred: true,
                })
                .collect();
            let progress = |msg: &str| {
                let line = format!("{}: {msg} [{} elapsed]", key.as_deref().unwrap_or(""), elapsed(start));
                for p in &group {
                    self.ui.change_status(&p.addr, &line);
                }
            };
            let reqs: Vec<ApplyRequest<'_>> = group
                .iter()
                .zip(&journals)
                .map(|(p, j)| ApplyRequest {
                    type_name: &p.type_,
                    prior: Some(&p.prior),
                    planned: None,
                    journal: j,
                    progress: &progress,
                    private: None,
                })
                .collect();
            let responses = {
                let _permit = self.permits.hold();
                pad(group[0].provider.apply_batch(reqs), group.len())
            };
            // One state write for the whole call, before any of it is reported done.
            for (p, resp) in group.iter().zip(&responses) {
                if resp.error.is_none() {
                    store.stage(|s| {
                        s.remove_instance(&p.addr);
                    });
                }
            }
            store.flush();
            for (p, resp) in group.iter().zip(responses) {
                outcomes[p.node] = match resp.error {
                    None => {
                        self.ui.change_done(
                            &p.addr,
                            Some(&format!("{}: Destruction complete after {}", p.addr, elapsed(start))),
                        );
                        Outcome::Ok
                    }
                    Some(e) => {
                        self.ui.change_done(&p.addr, None);
                        self.fail(Diagnostic::error(
                            format!("{}: {}", p.addr, e.code),
                            format!("Destroying {} failed: {}", p.addr, e.message),
                        ))
                    }
                };
            }
        }
        outcomes
    }

    pub(crate) fn delete_object(
        &self,
        provider: &dyn Provider,
        addr: &str,
        type_: &str,
        prior: &Value,
        store: &Store<'_>,
    ) -> Outcome {
        self.ui.change_started(
            addr,
            &format!("{addr}: Destroying... [id={}]", prior.get("id").as_str().unwrap_or("")),
        );
        let start = Instant::now();
        let journal = StoreJournal {
            store,
            address: addr.to_string(),
            type_: type_.to_string(),
            provider: String::new(),
            deferred: false,
        };
        let progress = |msg: &str| {
            self.ui
                .change_status(addr, &format!("{addr}: {msg} [{} elapsed]", elapsed(start)))
        };
        let permit = self.permits.hold();
        let resp = provider.apply(ApplyRequest {
            type_name: type_,
            prior: Some(prior),
            planned: None,
            journal: &journal,
            progress: &progress,
            private: None,
        });
        drop(permit);
        match resp.error {
            None => {
                store.mutate(|s| {
                    s.remove_instance(addr);
                });
                self.ui.change_done(
                    addr,
                    Some(&format!("{addr}: Destruction complete after {}", elapsed(start))),
                );
                Outcome::Ok
            }
            Some(e) => {
                self.ui.change_done(addr, None);
                self.fail(Diagnostic::error(
                    format!("{addr}: {}", e.code),
                    format!("Destroying {addr} failed: {}", e.message),
                ))
            }
        }
    }
}
