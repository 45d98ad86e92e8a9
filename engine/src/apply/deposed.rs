//! Deposed objects: the old object of a `create_before_destroy` replacement, destroyed after
//! the new one exists and every resource that uses it is updated.

use crate::apply::store::Store;
use crate::core::addr::InstanceAddr;
use crate::core::instance::from_instance_state;
use crate::core::plan::{Action, Change, Plan};
use crate::graph::{self, Node, Outcome};
use crate::plan::session::Session;

impl Session<'_> {
    /// One node per old object of a `create_before_destroy` replacement (and per deposed object
    /// an interrupted one left): after the new object is created and after every resource that
    /// depends on it is updated, as Terraform orders them, so nothing still uses it.
    pub(super) fn add_deposed_deletes(&self, g: &mut graph::Graph, plan: &Plan) {
        let deposing: Vec<&Change> = plan
            .changes
            .iter()
            .filter(|c| {
                matches!(
                    c.action,
                    Action::DeleteDeposed
                        | Action::Replace {
                            create_before_destroy: true
                        }
                )
            })
            .collect();
        if deposing.is_empty() {
            return;
        }
        // Resource -> the resources that use it directly; a deposed object waits for every
        // resource that uses it through others too (a stack that takes a validation's ARN).
        let mut users: std::collections::HashMap<Node, Vec<Node>> = std::collections::HashMap::new();
        let resources: Vec<Node> = g
            .index
            .keys()
            .filter(|n| matches!(n, Node::Resource(..)))
            .cloned()
            .collect();
        for r in resources {
            for d in g.resource_dependencies(&r) {
                users.entry(d).or_default().push(r.clone());
            }
        }
        for c in deposing {
            let me = Node::Deposed(c.addr.clone());
            g.add_node(me.clone());
            g.edge(&Node::Provider(c.provider.clone()), &me);
            let config_node = Node::Resource(
                crate::config::tree::config_path(&c.addr.module),
                c.addr.resource.clone(),
            );
            g.edge(&config_node, &me);
            // Destroying the instance forgets it, deposed object included: that one goes first.
            g.edge(&me, &Node::Delete(c.addr.clone()));
            let mut seen = std::collections::HashSet::new();
            let mut todo = vec![config_node];
            while let Some(n) = todo.pop() {
                for user in users.get(&n).into_iter().flatten() {
                    if seen.insert(user.clone()) {
                        g.edge(user, &me);
                        todo.push(user.clone());
                    }
                }
            }
        }
    }

    /// Destroys the deposed object recorded with an instance, then forgets it.
    pub(super) fn delete_deposed(&self, ia: &InstanceAddr, store: &Store<'_>) -> Outcome {
        let Some(inst) = store.instance(ia) else {
            return Outcome::Ok;
        };
        let Some(old) = inst.deposed.clone() else {
            return Outcome::Ok;
        };
        let provider = match self.walk.provider_or_default(&inst.provider) {
            Ok(p) => p,
            Err(d) => return self.fail(d),
        };
        let schema = self.walk.factory.resource_schema(&ia.resource.type_);
        let old_state = state::InstanceState {
            attributes: old,
            deposed: None,
            ..inst
        };
        let value = from_instance_state(&old_state, schema.as_ref());
        let outcome = self.delete_object(provider.as_ref(), ia, true, &ia.resource.type_, &value, store);
        if outcome == Outcome::Ok {
            store.mutate(|s| {
                if let Some(mut current) = s.instance(ia).cloned() {
                    current.deposed = None;
                    s.set_instance(ia, current);
                }
            });
        }
        outcome
    }
}
