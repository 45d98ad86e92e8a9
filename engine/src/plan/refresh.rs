//! Refresh: reads every managed object in state before planning, in parallel, and in batches
//! where the provider can read many objects of a kind at once (one paged listing per Route53
//! zone instead of a call per record).

use crate::core::addr::{InstanceAddr, Mode};
use crate::core::instance::{from_instance_state, to_instance_state};
use crate::core::lock;
use crate::core::plan::{Action, Change};
use crate::core::provider::{Provider, ProviderError, ProviderFactory, ReadRequest};
use crate::core::schema::Schema;
use crate::core::value::Value;
use crate::plan::diff;
use state::InstanceState;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What the reads found, by instance address: the current object, `None` when it is gone, or
/// the provider's error. The plan takes each instance's read once.
#[derive(Default)]
pub struct Refreshed(HashMap<InstanceAddr, Result<Option<Value>, ProviderError>>);

impl Refreshed {
    /// The read of an instance, if refresh did it (at most once).
    pub fn take(&mut self, addr: &InstanceAddr) -> Option<Result<Option<Value>, ProviderError>> {
        self.0.remove(addr)
    }
}

/// What reading one recorded object found, compared with what state recorded.
pub struct Observed {
    /// The object as it is now, sensitive where it was recorded sensitive; `None` when gone.
    pub current: Option<Value>,
    /// The state entry that records it as read; `None` when it is gone.
    pub recorded: Option<InstanceState>,
    /// A change made outside infinstor that is worth showing: the object is gone, or an
    /// argument a user can set differs.
    pub drift: Option<Change>,
}

/// Compares what a read found with what state recorded at `addr`.
pub fn observe(addr: &InstanceAddr, schema: &Schema, stored: &InstanceState, read: Option<Value>) -> Observed {
    let prior = from_instance_state(stored, Some(schema));
    let current = read.map(|cur| {
        // What was sensitive when recorded stays sensitive when read back.
        let mut marked = stored.clone();
        // Through the state's form, so that values of any type keep theirs.
        marked.attributes = to_instance_state(&stored.provider, &cur, &[], Some(schema)).attributes;
        from_instance_state(&marked, Some(schema))
    });
    let outside = |action: Action, after: Option<Value>, reason: &str| {
        Change::new(
            addr.clone(),
            stored.provider.clone(),
            action,
            Some(prior.clone()),
            after,
        )
        .because(reason)
    };
    let drift = match &current {
        Some(cur) => {
            // Read-only attributes (attachment counts, dates) change by themselves; only what
            // a user can configure is drift worth showing. An attribute the state does not
            // record at all (a state Terraform's AWS provider wrote, of another version) was
            // not changed by anyone.
            let relevant = diff::changed_attributes(schema, &prior, cur).into_iter().any(|name| {
                stored.attributes.get(&name).is_some()
                    && schema
                        .attributes
                        .get(&name)
                        .map(|a| a.optional || a.required)
                        .unwrap_or(true)
                    // Terraform's AWS provider records what is not set as its zero value
                    // ("", false, 0, []) where infinstor reads null: the same nothing.
                    && !(unset(&prior.get(&name)) && unset(&cur.get(&name)))
            });
            relevant.then(|| outside(Action::Update, Some(cur.clone()), "changed outside infinstor"))
        }
        None => Some(outside(Action::Delete, None, "deleted outside infinstor")),
    };
    let recorded = current.as_ref().map(|cur| {
        let mut inst = to_instance_state(&stored.provider, cur, &stored.dependencies, Some(schema));
        inst.tainted = stored.tainted;
        inst.create_before_destroy = stored.create_before_destroy;
        inst.derived_sensitive = stored
            .derived_sensitive
            .iter()
            .filter(|n| inst.sensitive_attributes.contains(n))
            .cloned()
            .collect();
        inst.private = stored.private.clone();
        inst
    });
    Observed {
        current,
        recorded,
        drift,
    }
}

/// Null or a zero value, which Terraform's providers record for what is not set.
fn unset(v: &Value) -> bool {
    match v.unmark().0 {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Bool(b) => !b,
        Value::Number(n) => n.is_zero(),
        Value::List(items) => items.is_empty(),
        Value::Map(m) => m.is_empty(),
        _ => false,
    }
}

/// One unit of refresh work: instances of one type read in one provider call.
struct Job {
    provider: Arc<dyn Provider>,
    type_: String,
    addrs: Vec<InstanceAddr>,
    priors: Vec<Value>,
}

/// Reads every managed instance of `instances` (the prior state) through its configured
/// provider, in parallel (`parallelism` calls at once), and in one call per kind where the
/// provider batches reads. Instances whose provider is not configured are left to the plan,
/// which reads them itself. Stops starting reads when `stop` is set.
pub fn read_all(
    instances: &[(InstanceAddr, InstanceState)],
    providers: &dyn Fn(&str) -> Option<Arc<dyn Provider>>,
    factory: &dyn ProviderFactory,
    parallelism: usize,
    stop: &AtomicBool,
) -> Refreshed {
    let mut batched: BTreeMap<(String, String), Job> = BTreeMap::new();
    let mut jobs = Vec::new();
    for (ia, inst) in instances {
        let addr = ia.clone();
        if ia.resource.mode != Mode::Managed {
            continue;
        }
        let Some(provider) = providers(&inst.provider) else {
            continue;
        };
        let schema = factory.resource_schema(&ia.resource.type_);
        let prior = from_instance_state(&inst, schema.as_ref());
        let type_ = ia.resource.type_.clone();
        if factory.batched(&type_) {
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
    let results: Mutex<HashMap<InstanceAddr, Result<Option<Value>, ProviderError>>> = Mutex::new(HashMap::new());
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
                    vec![job.provider.read(ReadRequest {
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
    Refreshed(results.into_inner().unwrap_or_else(|p| p.into_inner()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::schema::{Attribute, Type};
    use crate::core::value::map;

    fn observed(recorded: serde_json::Value, read: Value) -> Option<Change> {
        let schema = Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("instance", Attribute::optional_computed(Type::String))
            .attr("name", Attribute::optional(Type::String));
        let addr: InstanceAddr = "aws_eip.a".parse().expect("address");
        let stored = InstanceState::new("aws", recorded);
        observe(&addr, &schema, &stored, Some(read)).drift
    }

    #[test]
    fn a_zero_value_terraform_recorded_and_a_null_read_are_no_change_outside() {
        let recorded = serde_json::json!({"id": "e-1", "instance": "", "name": "a"});
        let read = map([
            ("id", Value::from("e-1")),
            ("instance", Value::Null),
            ("name", Value::from("a")),
        ]);
        assert!(observed(recorded.clone(), read).is_none());
        let moved = map([
            ("id", Value::from("e-1")),
            ("instance", Value::from("i-9")),
            ("name", Value::from("a")),
        ]);
        assert!(observed(recorded, moved).is_some(), "a real change still shows");
    }
}
