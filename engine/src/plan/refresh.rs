//! Refresh: reads every managed object in state before planning, in parallel, and in batches
//! where the provider can read many objects of a kind at once (one paged listing per Route53
//! zone instead of a call per record).

use crate::core::addr::{InstanceAddr, Mode};
use crate::core::diagnostic::Diagnostics;
use crate::core::provider::{Provider, ProviderError};
use crate::core::value::Value;
use crate::graph::{self, Node, Outcome};
use crate::plan::session::{from_instance_state, lock, Session};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What a read found, by instance address.
pub type Prefetched = HashMap<String, Result<Option<Value>, ProviderError>>;

/// One unit of refresh work: instances of one type read in one provider call.
struct Job {
    provider: Arc<dyn Provider>,
    type_: String,
    addrs: Vec<String>,
    priors: Vec<Value>,
}

impl Session<'_> {
    /// Configures the providers (evaluating the variables and locals they use), then reads
    /// every managed instance of the prior state. Problems are reported by the plan walk that
    /// follows, not here, so each is reported once.
    pub fn prefetch(&self, parallelism: usize, stop: &AtomicBool) {
        graph::walk(&self.graph, parallelism, stop, |_, node| match node {
            Node::Provider(k) => self.visit_provider(k),
            Node::Variable(p, n) => self.visit_variable(p, n),
            Node::Local(p, n) => {
                let _ = self.visit_local(p, n);
                Outcome::Ok
            }
            _ => Outcome::Ok,
        });
        *lock(&self.diags) = Diagnostics::default();

        let instances: Vec<(String, state::InstanceState)> = lock(&self.prior)
            .instances()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut batched: BTreeMap<(String, String), Job> = BTreeMap::new();
        let mut jobs = Vec::new();
        for (addr, inst) in instances {
            let Ok(ia) = addr.parse::<InstanceAddr>() else { continue };
            if ia.resource.mode != Mode::Managed {
                continue;
            }
            let Some(provider) = self.provider(&inst.provider) else {
                continue;
            };
            let schema = self.factory.resource_schema(&ia.resource.type_);
            let prior = from_instance_state(&inst, schema.as_ref());
            let type_ = ia.resource.type_.clone();
            if self.factory.batched(&type_) {
                let job = batched
                    .entry((inst.provider.clone(), type_.clone()))
                    .or_insert_with(|| Job {
                        provider: provider.clone(),
                        type_,
                        addrs: Vec::new(),
                        priors: Vec::new(),
                    });
                job.addrs.push(addr);
                job.priors.push(prior);
            } else {
                jobs.push(Job {
                    provider,
                    type_,
                    addrs: vec![addr],
                    priors: vec![prior],
                });
            }
        }
        jobs.extend(batched.into_values());
        let next = AtomicUsize::new(0);
        let results: Mutex<Prefetched> = Mutex::new(HashMap::new());
        std::thread::scope(|scope| {
            for _ in 0..parallelism.max(1).min(jobs.len().max(1)) {
                scope.spawn(|| loop {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(job) = jobs.get(i) else { return };
                    let priors: Vec<&Value> = job.priors.iter().collect();
                    let found = if priors.len() == 1 {
                        vec![job.provider.read(crate::core::provider::ReadRequest {
                            type_name: &job.type_,
                            prior: priors[0],
                        })]
                    } else {
                        job.provider.read_batch(&job.type_, &priors)
                    };
                    let mut r = lock(&results);
                    for (a, f) in job.addrs.iter().zip(found) {
                        r.insert(a.clone(), f);
                    }
                });
            }
        });
        *lock(&self.prefetched) = results.into_inner().unwrap_or_else(|p| p.into_inner());
    }

    /// The prefetched read of an instance, if refresh already did it.
    pub(crate) fn take_prefetched(&self, addr: &str) -> Option<Result<Option<Value>, ProviderError>> {
        lock(&self.prefetched).remove(addr)
    }
}
