//! The life of a resource type through the binary: apply a first configuration, re-plan with no
//! changes, apply a second, re-plan, destroy, with exit codes checked and a check after each.

use super::{start_moto, workspace, Moto, Workspace};

/// Where a case is in its life.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Phase {
    /// Applied from the first configuration.
    Created,
    /// Applied from the second.
    Updated,
    /// Destroyed.
    Destroyed,
}

/// One type's life: two configurations and what to check after each step.
pub struct Case<'a> {
    /// Names the case in failures.
    pub name: &'a str,
    /// The configuration first applied.
    pub first: &'a str,
    /// The configuration it is updated to.
    pub second: &'a str,
    /// The plan summary of the change from `first` to `second`.
    pub update: &'static str,
    /// Checks AWS (and the workspace) after each phase.
    pub check: fn(&Moto, &Workspace, Phase),
}

/// Create, re-plan clean, update, re-plan clean, destroy, checking after each.
pub fn run(case: &Case<'_>) {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", case.first);
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    (case.check)(&moto, &ws, Phase::Created);
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);

    ws.write("main.tf", case.second);
    let plan = ws.run(&["plan", "--detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout.contains(case.update),
        "{}: expected {:?} in\n{}",
        case.name,
        case.update,
        plan.stdout
    );
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    (case.check)(&moto, &ws, Phase::Updated);
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);

    ws.run(&["destroy", "--auto-approve"]).expect_code(0);
    (case.check)(&moto, &ws, Phase::Destroyed);
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "", "{}", case.name);
}

/// An output of the workspace's state, as `output -raw` prints it.
pub fn output(ws: &Workspace, name: &str) -> String {
    let out = ws.run(&["output", "--raw", name]).expect_code(0);
    out.stdout.trim().to_string()
}
