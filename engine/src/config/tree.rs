//! The module tree: every module instance with its path from the root.

use crate::config::Module;

/// A module instance path (module call names from the root).
pub type ModPath = Vec<String>;

/// Every module instance of the tree with its path.
pub fn module_instances(root: &Module) -> Vec<(ModPath, &Module)> {
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

/// Finds the module at a path.
pub fn module_at<'a>(root: &'a Module, path: &[String]) -> Option<&'a Module> {
    let mut m = root;
    for name in path {
        m = &m.module_calls.get(name)?.module;
    }
    Some(m)
}
