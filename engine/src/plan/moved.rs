//! Moves of state addresses a plan makes before anything else: the configuration's `moved`
//! blocks, and the move Terraform implies when a resource gains `count` (`b` -> `b[0]`) or
//! loses it (`b[0]` -> `b`).

use crate::config::tree::{config_path, module_at};
use crate::config::{Module, Moved};
use crate::core::addr::{InstanceAddr, InstanceKey, ModulePath, Target};
use crate::core::diagnostic::{Diagnostic, Diagnostics};
use crate::core::moves::Move;
use crate::core::plan::StateMove;
use state::State;

/// Applies the moves to `state` (moved blocks in order, so they chain) and returns what moved.
/// A `from` still declared in the configuration is an error; a move onto an address state
/// already holds is skipped with a warning, as Terraform does.
pub fn apply(module: &Module, state: &mut State, diags: &mut Diagnostics) -> Vec<StateMove> {
    let mut moves = Vec::new();
    // The root module's blocks first: a module it renames is where its children's moves apply.
    for (path, m) in crate::config::tree::modules(module) {
        for block in &m.moved {
            if !may_move(module, &path, block, diags) {
                continue;
            }
            // In a child module, the addresses are relative to each of its instances.
            for prefix in instances_of(state, &path) {
                let at = |t: &Target| Target {
                    module: prefix.iter().cloned().chain(t.module.iter().cloned()).collect(),
                    resource: t.resource.clone(),
                };
                let Ok(mv) = Move::new(at(&block.from), at(&block.to)) else {
                    continue;
                };
                moves.extend(rename(state, |a| mv.apply(a), diags));
            }
        }
    }
    // A chain of moves of one object is shown as one, from where it was to where it ends.
    let mut chained: Vec<StateMove> = Vec::new();
    for mv in moves.drain(..) {
        match chained.iter_mut().find(|c| c.to == mv.from) {
            Some(c) => c.to = mv.to,
            None => chained.push(mv),
        }
    }
    let mut moves = chained;
    // Implied by count: a resource without an index in state whose block now has count, and
    // the other way round.
    for (path, m) in crate::config::tree::modules(module) {
        if !path.is_empty() {
            continue;
        }
        for (addr, res) in &m.resources {
            let counted = res.count.is_some();
            if res.for_each.is_some() {
                continue;
            }
            let (from_key, to_key) = if counted {
                (InstanceKey::None, InstanceKey::Int(0))
            } else {
                (InstanceKey::Int(0), InstanceKey::None)
            };
            moves.extend(rename(
                state,
                |a| {
                    (config_path(&a.module) == path && a.resource == *addr && a.key == from_key).then(|| InstanceAddr {
                        key: to_key.clone(),
                        ..a.clone()
                    })
                },
                diags,
            ));
        }
    }
    moves
}

/// Whether a moved block of the module at `path` may move: not when its `from` is still
/// declared there, which is an error.
fn may_move(module: &Module, path: &[String], m: &Moved, diags: &mut Diagnostics) -> bool {
    // Renaming keeps nothing at the old place; a move between keys of one block does.
    let renamed = match (&m.from.resource, &m.to.resource) {
        (Some((from, _)), Some((to, _))) => from != to || m.from.module_names() != m.to.module_names(),
        _ => m.from.module_names() != m.to.module_names(),
    };
    let from_names: Vec<String> = path.iter().cloned().chain(m.from.module_names()).collect();
    let still_declared = match &m.from.resource {
        Some((addr, _)) => module_at(module, &from_names).is_some_and(|mm| mm.resources.contains_key(addr)),
        None => from_names
            .split_last()
            .is_some_and(|(last, parent)| module_at(module, parent).is_some_and(|p| p.module_calls.contains_key(last))),
    };
    if renamed && still_declared {
        diags.push(
            Diagnostic::error(
                "Moved object still exists",
                format!(
                    "This moved block moves {0} to {1}, but {0} is still declared. Remove its block (the move gives its objects to {1}), or remove the moved block.",
                    m.from, m.to
                ),
            )
            .at(m.span.clone()),
        );
        return false;
    }
    true
}

/// The module instances state holds of the module at configuration path `path` (the root:
/// one, with an empty path).
fn instances_of(state: &State, path: &[String]) -> Vec<ModulePath> {
    if path.is_empty() {
        return vec![Vec::new()];
    }
    let mut out: Vec<ModulePath> = state
        .instances()
        .keys()
        .filter(|a| crate::config::tree::is_within(&a.module, path))
        .map(|a| a.module[..path.len()].to_vec())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Renames every state instance `to` gives a new address for, unless that address is taken.
fn rename(
    state: &mut State,
    to: impl Fn(&InstanceAddr) -> Option<InstanceAddr>,
    diags: &mut Diagnostics,
) -> Vec<StateMove> {
    let wanted: Vec<(InstanceAddr, InstanceAddr)> = state
        .instances()
        .keys()
        .filter_map(|k| to(k).map(|t| (k.clone(), t)))
        .collect();
    let mut done = Vec::new();
    for (from, to) in wanted {
        if state.instance(&to).is_some() {
            diags.push(Diagnostic::warning(
                "Move skipped",
                format!("{from} was not moved to {to}: state already has an object there. Remove one of them with `infinstor state rm`, or drop the move."),
            ));
            continue;
        }
        if let Some(inst) = state.remove_instance(&from) {
            state.set_instance(&to, inst);
            done.push(StateMove { from, to });
        }
    }
    done
}
