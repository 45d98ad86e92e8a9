//! Function calls that name no function infinstor has, found without evaluating anything (for
//! `validate`) or when a call is evaluated.

use crate::config::Expr;
use crate::core::diagnostic::{suggestion, Diagnostic, Diagnostics, Span};
use crate::eval::functions;
use hcl_edit::Span as _;

/// Why a call names no function infinstor has: a provider-defined function, or a name that
/// is not a built-in (with a "did you mean"); `None` for a known function.
pub(crate) fn unknown_function(call: &hcl_edit::expr::FuncCall, span: Option<Span>) -> Option<Diagnostic> {
    let name = call.name.name.as_str();
    if call.name.is_namespaced() {
        let namespace: Vec<&str> = call.name.namespace.iter().map(|n| n.as_str()).collect();
        return Some(
            Diagnostic::error(
                "Call to unknown function",
                format!(
                    "Provider-defined functions such as {}::{name} are not supported.",
                    namespace.join("::")
                ),
            )
            .at(span),
        );
    }
    if name == "templatestring" {
        // Terraform takes the template only from a named value: a template written in the call
        // would be rendered twice, once as the argument and once by the function.
        let named = matches!(
            call.args.iter().next(),
            Some(hcl_edit::expr::Expression::Variable(_) | hcl_edit::expr::Expression::Traversal(_))
        );
        if !named {
            return Some(
                Diagnostic::error(
                    "Invalid function argument",
                    "Invalid value for \"template\" parameter: templatestring takes its template from a reference to a named value (a variable, a local value or a resource attribute), not from a string written in the call; write an ordinary template expression instead.",
                )
                .at(span),
            );
        }
    }
    if matches!(name, "try" | "can") || functions::exists(name) {
        return None;
    }
    Some(
        Diagnostic::error(
            "Call to unknown function",
            format!(
                "There is no function named \"{name}\".{}",
                suggestion(name, functions::names().iter().copied())
            ),
        )
        .at(span),
    )
}

/// Reports, without evaluating anything, every call of a function that does not exist in `e`:
/// what `validate` can know before any value is known.
pub fn check_calls(e: &Expr, diags: &mut Diagnostics) {
    struct Calls<'a> {
        e: &'a Expr,
        found: Vec<Diagnostic>,
    }
    impl hcl_edit::visit::Visit for Calls<'_> {
        fn visit_func_call(&mut self, call: &hcl_edit::expr::FuncCall) {
            let span = call.span().map(|range| Span {
                file: self.e.file.clone(),
                range,
            });
            self.found.extend(unknown_function(call, span));
            hcl_edit::visit::visit_func_call(self, call);
        }
    }
    let mut v = Calls { e, found: Vec::new() };
    hcl_edit::visit::Visit::visit_expr(&mut v, &e.expr);
    for d in v.found {
        diags.push(d);
    }
}
