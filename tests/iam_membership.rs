//! Who is in an IAM group through the binary against the emulator: a group's whole membership
//! (exclusive: a user added by hand is taken out again) and some groups of one user (the
//! user's other groups left alone). Create, no-op re-plan, update in place, a change made
//! outside, import where the AWS provider has one, and destroy, each read back through IAM.

use crate::util::{block_on, planned_changes, start_moto, workspace, Clients, Moto};

const MEMBERS: &str = r#"
resource "aws_iam_user" "u" {
  for_each = toset(["ana", "bo", "cy", "di"])
  name     = each.key
}

resource "aws_iam_group" "g" {
  for_each = toset(["dev", "ops", "audit"])
  name     = each.key
}

resource "aws_iam_group_membership" "dev" {
  name  = "dev-members"
  group = aws_iam_group.g["dev"].name
  users = [aws_iam_user.u["ana"].name, aws_iam_user.u["bo"].name]
}

resource "aws_iam_user_group_membership" "cy" {
  user   = aws_iam_user.u["cy"].name
  groups = [aws_iam_group.g["ops"].name]
}
"#;

fn users_of(moto: &Moto, group: &str) -> Vec<String> {
    block_on(async {
        let Ok(out) = moto.iam().get_group().group_name(group).send().await else {
            return Vec::new();
        };
        let mut users: Vec<String> = out.users().iter().map(|u| u.user_name().to_string()).collect();
        users.sort();
        users
    })
}

fn groups_of(moto: &Moto, user: &str) -> Vec<String> {
    block_on(async {
        let Ok(out) = moto.iam().list_groups_for_user().user_name(user).send().await else {
            return Vec::new();
        };
        let mut groups: Vec<String> = out.groups().iter().map(|g| g.group_name().to_string()).collect();
        groups.sort();
        groups
    })
}

fn add_by_hand(moto: &Moto, user: &str, group: &str) {
    block_on(async {
        moto.iam()
            .add_user_to_group()
            .user_name(user)
            .group_name(group)
            .send()
            .await
            .expect("by hand")
    });
}

#[test]
fn group_members_and_a_users_groups_live_through_create_update_drift_import_and_destroy() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", MEMBERS);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(users_of(&moto, "dev"), ["ana", "bo"]);
    assert_eq!(groups_of(&moto, "cy"), ["ops"]);

    // A user's membership is importable by USER/GROUP...; a group's is not, as in the provider.
    ws.run(&["state", "rm", "aws_iam_user_group_membership.cy"])
        .expect_code(0);
    ws.run(&["import", "aws_iam_user_group_membership.cy", "cy/ops"])
        .expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let refused = ws.run(&["import", "aws_iam_group_membership.other", "dev"]);
    assert_ne!(refused.code, 0);

    // In place: a member more and one less, a group more for the user.
    let updated = MEMBERS
        .replace(
            "users = [aws_iam_user.u[\"ana\"].name, aws_iam_user.u[\"bo\"].name]",
            "users = [aws_iam_user.u[\"ana\"].name, aws_iam_user.u[\"di\"].name]",
        )
        .replace(
            "groups = [aws_iam_group.g[\"ops\"].name]",
            "groups = [aws_iam_group.g[\"ops\"].name, aws_iam_group.g[\"dev\"].name]",
        );
    ws.write("main.tf", &updated);
    planned_changes(&ws, "Plan: 0 to add, 2 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(groups_of(&moto, "cy"), ["dev", "ops"]);
    // The group's membership is exclusive: cy, added by the other resource, shows as a change.
    let plan = planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    assert!(plan.stdout.contains("\"cy\""), "{}", plan.stdout);

    // Back to the first shape; a user added to ops by hand is not the user membership's to remove.
    ws.write("main.tf", MEMBERS);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    add_by_hand(&moto, "cy", "audit");
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    add_by_hand(&moto, "cy", "dev");
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(users_of(&moto, "dev"), ["ana", "bo"]);

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert!(users_of(&moto, "dev").is_empty());
}
