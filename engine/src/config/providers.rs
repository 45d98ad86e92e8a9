//! Which provider configuration each resource uses, as Terraform decides it: provider
//! configurations live in the root module; a child module inherits the caller's default `aws`
//! (also when its call has a `providers` map that does not name it); the map can give the child
//! another configuration under a name; an aliased configuration reaches a child only through
//! that map, and the child declares it in `configuration_aliases`.
//!
//! [`resolve`] rewrites every resource's `provider` to the root configuration it ends up
//! with, so that the graph, the plan and the state name one configuration per object.

use super::{Module, Span};
use crate::core::diagnostic::{Diagnostic, Diagnostics};
use std::collections::BTreeMap;

/// The configurations a module can use.
#[derive(Default)]
struct Available {
    /// Its own names -> the root module's names.
    names: BTreeMap<String, String>,
    /// Whether a default configuration (`aws`) without a provider block is the root's, as it
    /// is in the root module and in modules that inherit from it.
    implicit_defaults: bool,
}

impl Available {
    fn get(&self, name: &str) -> Option<String> {
        match self.names.get(name) {
            Some(global) => Some(global.clone()),
            None if self.implicit_defaults && !name.contains('.') => Some(name.to_string()),
            None => None,
        }
    }
}

/// Follows the `providers` maps from the root down and rewrites each resource's `provider`.
pub(super) fn resolve(root: &mut Module, diags: &mut Diagnostics) {
    let available = Available {
        names: root.providers.keys().map(|k| (k.clone(), k.clone())).collect(),
        implicit_defaults: true,
    };
    rewrite(root, &available, &[], diags);
}

/// Rewrites the resources of the module at `path` (module call names) and of its children.
fn rewrite(module: &mut Module, available: &Available, path: &[String], diags: &mut Diagnostics) {
    let within = super::tree::describe(path);
    for res in module.resources.values_mut() {
        match available.get(&res.provider) {
            Some(global) => res.provider = global,
            // The root's own aliases are checked with the graph, which names the missing block.
            None if path.is_empty() => {}
            None => diags.push(
                Diagnostic::error(
                    "Provider configuration not present",
                    format!(
                        "{} in {within} uses provider {}, which the module's call does not pass. {}",
                        res.describe(),
                        res.provider,
                        if !res.provider.contains('.') {
                            format!("Pass one in the call's providers map: {0} = {0} (or another configuration).", res.provider)
                        } else {
                            format!("Declare configuration_aliases = [{0}] in the module's required_providers, and pass it from the call: providers = {{ {0} = {1}.NAME }}.", res.provider, provider_name(&res.provider))
                        }
                    ),
                )
                .at(res.span.clone()),
            ),
        }
    }
    for (name, call) in module.module_calls.iter_mut() {
        let child_path: Vec<String> = path.iter().chain([name]).cloned().collect();
        // A child inherits the caller's default configurations, as in Terraform, whether or
        // not its call has a providers map; the map's entries take precedence.
        let mut child = Available {
            names: available
                .names
                .iter()
                .filter(|(k, _)| !k.contains('.'))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            implicit_defaults: available.implicit_defaults,
        };
        for (local, (parent, span)) in &call.providers {
            match available.get(parent) {
                Some(global) => {
                    child.names.insert(local.clone(), global);
                }
                None => diags.push(not_available(parent, name, &within, span.clone())),
            }
            // Terraform warns and goes on: nothing in the child can use it.
            if local.contains('.') && !call.module.configuration_aliases.contains_key(local) {
                diags.push(
                    Diagnostic::warning(
                        "Reference to undefined provider",
                        format!("module \"{name}\" is passed {local}, which it does not declare, so nothing in it uses this configuration. If the module should, add configuration_aliases = [{local}] to the aws entry of its required_providers; else remove it from providers."),
                    )
                    .at(span.clone()),
                );
            }
        }
        for (alias, _) in &call.module.configuration_aliases {
            if !call.providers.contains_key(alias) {
                diags.push(
                    Diagnostic::error(
                        "Missing provider configuration",
                        format!("module \"{name}\" declares configuration_aliases {alias}, and its call passes none for it. Add providers = {{ {alias} = {}.NAME }} to the module block.", provider_name(alias)),
                    )
                    .at(call.span.clone()),
                );
            }
        }
        rewrite(&mut call.module, &child, &child_path, diags);
    }
}

fn not_available(parent: &str, call: &str, within: &str, span: Option<Span>) -> Diagnostic {
    Diagnostic::error(
        "Provider configuration not present",
        format!("module \"{call}\" is passed {parent}, but {within} has no configuration of that name. Add provider \"{}\" {{ alias = \"...\" }} to the root module, or pass it down from there.", provider_name(parent)),
    )
    .at(span)
}

/// `aws` of `aws.dns`.
fn provider_name(config: &str) -> &str {
    config.split('.').next().unwrap_or(config)
}
