//! The module tree: every module of the configuration with its path from the root.
//!
//! Two kinds of module path exist, as in Terraform. A [`ModPath`] names a module *in the
//! configuration* (`module.tenant.module.dns`: call names only); the graph has one node per
//! variable, local, resource and output of each. A module *instance* path
//! ([`crate::core::addr::ModulePath`], `module.tenant["acme"].module.dns`) also carries the
//! instance keys that a call's `count` or `for_each` produce; it exists only once the walk has
//! evaluated them, and scopes, state and plans are keyed by it.

use crate::config::Module;
use crate::core::addr::ModulePath;

/// A module's path in the configuration: the module call names from the root.
pub type ModPath = Vec<String>;

/// Every module of the tree with its configuration path, the root first.
pub fn modules(root: &Module) -> Vec<(ModPath, &Module)> {
    let mut out = Vec::new();
    fn rec<'a>(path: ModPath, m: &'a Module, out: &mut Vec<(ModPath, &'a Module)>) {
        out.push((path.clone(), m));
        for (name, call) in &m.module_calls {
            let mut p = path.clone();
            p.push(name.clone());
            rec(p, &call.module, out);
        }
    }
    rec(Vec::new(), root, &mut out);
    out
}

/// Finds the module at a configuration path.
pub fn module_at<'a>(root: &'a Module, path: &[String]) -> Option<&'a Module> {
    let mut m = root;
    for name in path {
        m = &m.module_calls.get(name)?.module;
    }
    Some(m)
}

/// The configuration path of a module instance: its call names, without instance keys.
pub fn config_path(instance: &ModulePath) -> ModPath {
    instance.iter().map(|(name, _)| name.clone()).collect()
}

/// Whether a module instance lies inside an instance of the module at configuration path
/// `path` (the root module's path, empty, holds every instance).
pub fn is_within(instance: &ModulePath, path: &[String]) -> bool {
    instance.len() >= path.len() && instance.iter().zip(path).all(|((name, _), p)| name == p)
}

/// A module of the configuration as messages name it: `the root module`, `module.a.module.b`.
pub fn describe(path: &[String]) -> String {
    if path.is_empty() {
        "the root module".to_string()
    } else {
        format!("module.{}", path.join(".module."))
    }
}
