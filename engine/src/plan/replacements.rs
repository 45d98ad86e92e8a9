//! Replacements beyond an object's own diff: `replace_triggered_by`, and the old objects of
//! `create_before_destroy` replacements that an interrupted apply left deposed in state.

use crate::config::Resource;
use crate::core::addr::{InstanceAddr, Mode, ResourceAddr};
use crate::core::diagnostic::Diagnostic;
use crate::core::instance::from_instance_state;
use crate::core::lock;
use crate::core::plan::{Action, Change};
use crate::core::schema::Schema;
use crate::core::value::Value;
use crate::plan::session::Session;
use state::InstanceState;

impl Session<'_> {
    /// The first `replace_triggered_by` reference of an instance whose object has a planned
    /// update or replacement (for an attribute reference: whose planned value of that
    /// attribute differs from the prior one), as written; `None` when none fires.
    pub(crate) fn replace_trigger(
        &self,
        module: &crate::core::addr::ModulePath,
        key: &crate::core::addr::InstanceKey,
        each: Option<Value>,
        res: &Resource,
    ) -> Result<Option<String>, Diagnostic> {
        use crate::core::addr::InstanceKey;
        use hcl_edit::expr::{Expression, TraversalOperator};
        for expr in &res.lifecycle.replace_triggered_by {
            let Expression::Traversal(t) = &expr.expr else {
                continue;
            };
            let (Expression::Variable(type_), Some(TraversalOperator::GetAttr(name))) =
                (&t.expr, t.operators.first().map(|o| o.value()))
            else {
                continue;
            };
            let target = ResourceAddr {
                mode: Mode::Managed,
                type_: type_.as_str().to_string(),
                name: name.as_str().to_string(),
            };
            let mut rest = t.operators.iter().skip(1).map(|o| o.value()).peekable();
            let mut want_key: Option<InstanceKey> = None;
            if let Some(TraversalOperator::Index(index)) = rest.peek() {
                let index_expr = crate::config::Expr {
                    expr: index.clone(),
                    file: expr.file.clone(),
                };
                let v = self.walk.eval_in_instance(module, key, each.clone(), &index_expr)?;
                want_key = Some(match v.deep_unmark() {
                    Value::Number(n) => InstanceKey::Int(n.to_f64() as i64),
                    Value::String(s) => InstanceKey::Str(s),
                    other => {
                        return Err(Diagnostic::error(
                            "Invalid replace_triggered_by",
                            format!(
                                "The index must be a number or a string known when planning, got {}.",
                                other.type_name()
                            ),
                        )
                        .at(expr.span()))
                    }
                });
                rest.next();
            }
            let attr = match rest.next() {
                Some(TraversalOperator::GetAttr(a)) => Some(a.as_str().to_string()),
                _ => None,
            };
            let fired = lock(&self.ledger).changes.iter().any(|c| {
                c.addr.module == *module
                    && c.addr.resource == target
                    && want_key.as_ref().is_none_or(|k| *k == c.addr.key)
                    && matches!(c.action, Action::Update | Action::Replace { .. })
                    && match &attr {
                        None => true,
                        Some(a) => {
                            let before = c.before.as_ref().map(|b| b.get(a)).unwrap_or(Value::Null);
                            let after = c.after.as_ref().map(|v| v.get(a)).unwrap_or(Value::Null);
                            after.contains_unknown() || before.deep_unmark() != after.deep_unmark()
                        }
                    }
            });
            if fired {
                let text = crate::config::traversal_text(&expr.expr).unwrap_or_else(|| target.to_string());
                return Ok(Some(text));
            }
        }
        Ok(None)
    }

    /// The delete of a deposed object an interrupted `create_before_destroy` replacement left
    /// recorded with an instance.
    pub(crate) fn deposed_change(
        &self,
        ia: &InstanceAddr,
        stored: Option<&InstanceState>,
        schema: &Schema,
    ) -> Option<Change> {
        let stored = stored?;
        let old = stored.deposed.clone()?;
        let old_state = InstanceState {
            attributes: old,
            deposed: None,
            ..stored.clone()
        };
        let before = from_instance_state(&old_state, Some(schema));
        Some(
            Change::new(
                ia.clone(),
                stored.provider.clone(),
                Action::DeleteDeposed,
                Some(before),
                None,
            )
            .because("the object it replaced (create_before_destroy) was not destroyed yet")
            .depending_on(stored.dependencies.clone()),
        )
    }
}
