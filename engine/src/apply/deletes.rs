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
            let Some(change) = plan.get(ia) else {
                outcomes[i] = Outcome::Failed;
                continue;
            };
            let provider = match self.walk.provider_or_default(&change.provider) {
                Ok(p) => p,
                Err(d) => {
                    outcomes[i] = self.fail(d);
                    continue;
                }
            };
            let Some(before) = store.instance(ia) else {
                continue;
            };
            let schema = self.walk.factory.resource_schema(&change.addr.resource.type_);
            pending.push(PendingDelete {
                addr: (*ia).clone(),
                label: ia.to_string(),
                type_: change.addr.resource.type_.clone(),
                prior: from_instance_state(&before, schema.as_ref()),
                provider,
                node: i,
            });
        }
        let mut groups: BTreeMap<Option<String>, Vec<PendingDelete>> = BTreeMap::new();
        for p in pending {
            let key = if self.walk.factory.batched(&p.type_) {
                p.provider.batch_key(&p.type_, &p.prior)
            } else {
                None
            };
            groups.entry(key).or_default().push(p);
        }
        for (key, group) in groups {
            if key.is_none() {
                for p in group {
                    outcomes[p.node] =
                        self.delete_object(p.provider.as_ref(), &p.addr, false, &p.type_, &p.prior, store);
                }
                continue;
            }
            let start = Instant::now();
            for p in &group {
                self.walk.ui.change_started(
                    &p.label,
                    &format!(
                        "{}: Destroying... [id={}]",
                        p.label,
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
                    self.walk.ui.change_status(&p.label, &line);
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
                        self.walk.ui.change_done(
                            &p.label,
                            Some(&format!("{}: Destruction complete after {}", p.label, elapsed(start))),
                        );
                        Outcome::Ok
                    }
                    Some(e) => {
                        self.walk.ui.change_done(&p.label, None);
                        self.fail(Diagnostic::error(
                            format!("{}: {}", p.label, e.code),
                            format!("Destroying {} failed: {}", p.label, e.message),
                        ))
                    }
                };
            }
        }
        outcomes
    }

    /// Deletes one object: the one recorded at `addr`, or, when `deposed`, the object a
    /// create-before-destroy replacement left beside it (which the caller then forgets).
    pub(crate) fn delete_object(
        &self,
        provider: &dyn Provider,
        addr: &InstanceAddr,
        deposed: bool,
        type_: &str,
        prior: &Value,
        store: &Store<'_>,
    ) -> Outcome {
        let address = addr;
        let label = if deposed {
            format!("{addr} (deposed object)")
        } else {
            addr.to_string()
        };
        if !deposed {
            let config =
                crate::config::tree::module_at(self.walk.module, &crate::config::tree::config_path(&address.module))
                    .and_then(|m| m.resources.get(&address.resource));
            if let Some(res) = config.filter(|r| r.provisioners.iter().any(|p| p.when_destroy)) {
                if let Err(d) = self.provision(&label, &address.module, &address.key, None, res, prior, true) {
                    // The object is kept, as Terraform keeps it: nothing was destroyed.
                    return self.fail(d);
                }
            }
        }
        let addr = label.as_str();
        self.walk.ui.change_started(
            addr,
            &format!("{addr}: Destroying... [id={}]", prior.get("id").as_str().unwrap_or("")),
        );
        let start = Instant::now();
        let journal = StoreJournal {
            store,
            address: address.clone(),
            type_: type_.to_string(),
            provider: String::new(),
            deferred: false,
        };
        let progress = |msg: &str| {
            self.walk
                .ui
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
                if !deposed {
                    store.mutate(|s| {
                        s.remove_instance(address);
                    });
                }
                self.walk.ui.change_done(
                    addr,
                    Some(&format!("{addr}: Destruction complete after {}", elapsed(start))),
                );
                Outcome::Ok
            }
            Some(e) => {
                self.walk.ui.change_done(addr, None);
                self.fail(Diagnostic::error(
                    format!("{addr}: {}", e.code),
                    format!("Destroying {addr} failed: {}", e.message),
                ))
            }
        }
    }
}
