//! The IAM family beside roles, through the binary against the emulator: instance profiles,
//! users, groups, and their policies and attachments (create, no-op re-plan, update in place,
//! import, destroy; objects read back through the SDK).

use crate::util::output;
use crate::util::{block_on, embed_policy_by_hand, planned_changes, reimport, start_moto, workspace, Clients, Moto};

const PROFILE: &str = r#"
resource "aws_iam_role" "web" {
  name = "infinstor-web"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role" "batch" {
  name = "infinstor-batch"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_instance_profile" "p" {
  name = "infinstor-profile"
  role = aws_iam_role.web.name
  tags = { team = "platform" }
}
"#;

/// The role names an instance profile holds, or `None` when it does not exist.
fn profile_roles(moto: &Moto) -> Option<Vec<String>> {
    block_on(async {
        moto.iam()
            .get_instance_profile()
            .instance_profile_name("infinstor-profile")
            .send()
            .await
            .ok()
            .and_then(|o| o.instance_profile().cloned())
            .map(|p| p.roles().iter().map(|r| r.role_name().to_string()).collect())
    })
}

#[test]
fn instance_profile_changes_its_role_in_place_and_imports() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", PROFILE);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(profile_roles(&moto), Some(vec!["infinstor-web".to_string()]));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    let second = PROFILE
        .replace("role = aws_iam_role.web.name", "role = aws_iam_role.batch.name")
        .replace("team = \"platform\"", "team = \"data\"");
    ws.write("main.tf", &second);
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(profile_roles(&moto), Some(vec!["infinstor-batch".to_string()]));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // Forgotten and imported back by name: the same object, no change planned.
    reimport(&ws, "aws_iam_instance_profile.p", "infinstor-profile");

    // Destroy takes the role out of the profile, then deletes it.
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(profile_roles(&moto), None, "deleted");
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}

const USER: &str = r#"
resource "aws_iam_user" "u" {
  name = "infinstor-deployer"
  path = "/ci/"
  tags = { team = "platform" }
}

output "arn" {
  value = aws_iam_user.u.arn
}
"#;

#[test]
fn iam_user_is_renamed_in_place_and_force_destroy_removes_its_access_keys_first() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", USER);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert!(
        output(&ws, "arn").ends_with(":user/ci/infinstor-deployer"),
        "{}",
        output(&ws, "arn")
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    let renamed = USER
        .replace("infinstor-deployer", "infinstor-releaser")
        .replace("team = \"platform\"", "team = \"release\"");
    ws.write("main.tf", &renamed);
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert!(
        output(&ws, "arn").ends_with(":user/ci/infinstor-releaser"),
        "{}",
        output(&ws, "arn")
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let tags = block_on(async {
        moto.iam()
            .list_user_tags()
            .user_name("infinstor-releaser")
            .send()
            .await
            .expect("tags")
    });
    assert_eq!(tags.tags().first().map(|t| t.value()), Some("release"));

    // With force_destroy, what would keep the user from being deleted in AWS (an access key
    // made outside) goes first. (The emulator deletes a user with keys all the same, so the
    // calls are what shows it.)
    block_on(async {
        moto.iam()
            .create_access_key()
            .user_name("infinstor-releaser")
            .send()
            .await
            .expect("access key")
    });
    ws.write(
        "main.tf",
        &renamed.replace("path = \"/ci/\"", "path = \"/ci/\"\n  force_destroy = true"),
    );
    let plan = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(plan.stdout.contains("force_destroy = false -> true"), "{}", plan.stdout);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let destroy = ws
        .run_with(&["destroy", "-auto-approve"], &[("INFINSTOR_API_STATS", "1")])
        .expect_code(0);
    assert!(destroy.stderr.contains("IAM:DeleteAccessKey: 1"), "{}", destroy.stderr);
    assert!(destroy.stderr.contains("IAM:DeleteUser: 1"), "{}", destroy.stderr);
    let gone = block_on(async { moto.iam().get_user().user_name("infinstor-releaser").send().await });
    assert!(gone.is_err(), "deleted");
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}

const GROUP: &str = r#"
resource "aws_iam_policy" "read" {
  name = "infinstor-read"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]
  })
}

resource "aws_iam_group" "g" {
  name = "infinstor-readers"
}

resource "aws_iam_user" "u" {
  name = "infinstor-reader"
}

resource "aws_iam_group_policy_attachment" "g" {
  group      = aws_iam_group.g.name
  policy_arn = aws_iam_policy.read.arn
}

resource "aws_iam_user_policy_attachment" "u" {
  user       = aws_iam_user.u.name
  policy_arn = aws_iam_policy.read.arn
}

resource "aws_iam_user_policy" "u" {
  name = "inline"
  user = aws_iam_user.u.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:ListBucket", Resource = "*" }]
  })
}

resource "aws_iam_group_policy" "g" {
  name  = "inline"
  group = aws_iam_group.g.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:ListBucket", Resource = "*" }]
  })
}
"#;

#[test]
fn iam_group_inline_policies_and_policy_attachments_to_users_and_groups() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", GROUP);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let attached = |group: &str| {
        block_on(async {
            let g = moto
                .iam()
                .list_attached_group_policies()
                .group_name(group)
                .send()
                .await
                .map(|o| o.attached_policies().len())
                .unwrap_or(0);
            let u = moto
                .iam()
                .list_attached_user_policies()
                .user_name("infinstor-reader")
                .send()
                .await
                .map(|o| o.attached_policies().len())
                .unwrap_or(0);
            (g, u)
        })
    };
    assert_eq!(attached("infinstor-readers"), (1, 1));
    let inline = block_on(async {
        moto.iam()
            .get_user_policy()
            .user_name("infinstor-reader")
            .policy_name("inline")
            .send()
            .await
            .map(|o| o.policy_document().to_string())
    });
    assert!(inline.expect("the user's inline policy").contains("ListBucket"));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    reimport(&ws, "aws_iam_user_policy.u", "infinstor-reader:inline");

    // Renaming the group changes it in place and re-attaches the policy under the new name.
    ws.write("main.tf", &GROUP.replace("infinstor-readers", "infinstor-viewers"));
    let plan = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout.contains("aws_iam_group.g will be updated in-place"),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(attached("infinstor-viewers"), (1, 1));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // An attachment is imported as USER/POLICY_ARN.
    let arn = ws.state()["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["type"] == "aws_iam_policy"))
        .and_then(|r| r["instances"][0]["attributes"]["arn"].as_str().map(str::to_string))
        .expect("policy arn");
    ws.run(&["state", "rm", "aws_iam_user_policy_attachment.u"])
        .expect_code(0);
    ws.run(&[
        "import",
        "aws_iam_user_policy_attachment.u",
        &format!("infinstor-reader/{arn}"),
    ])
    .expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    // The imported attachment has no dependencies in state yet; its destroy still waits for
    // nothing and goes before the user's (the configuration says it depends on the user), so
    // the user is never deleted with a policy attached.
    ws.run(&["plan", "-destroy", "-out=destroy.plan"]).expect_code(0);
    let saved: serde_json::Value = serde_json::from_str(&ws.read("destroy.plan")).expect("plan file JSON");
    let deps = saved["changes"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["addr"] == "aws_iam_user_policy_attachment.u"))
        .map(|c| c["dependencies"].to_string())
        .unwrap_or_default();
    assert!(deps.contains("\"aws_iam_user.u\""), "{deps}");

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(attached("infinstor-viewers"), (0, 0));
    let gone = block_on(async { moto.iam().get_group().group_name("infinstor-viewers").send().await });
    assert!(gone.is_err(), "group deleted");
}

const EXCLUSIVE: &str = r#"
resource "aws_iam_policy" "read" {
  name = "infinstor-read-artifacts"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::infinstor-artifacts/*" }]
  })
}

resource "aws_iam_user" "analyst" {
  name = "infinstor-analyst"
}

resource "aws_iam_group" "readers" {
  name = "infinstor-readers"
}

resource "aws_iam_role" "notebook" {
  name = "infinstor-notebook"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "sagemaker.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_policy_attachment" "read" {
  name       = "infinstor-read"
  policy_arn = aws_iam_policy.read.arn
  users      = [aws_iam_user.analyst.name]
  roles      = [aws_iam_role.notebook.name]
}
"#;

/// Who the read policy is attached to: (users, roles, groups).
fn entities(moto: &Moto) -> (Vec<String>, Vec<String>, Vec<String>) {
    block_on(async {
        let iam = moto.iam();
        let arn = "arn:aws:iam::123456789012:policy/infinstor-read-artifacts";
        let out = iam
            .list_entities_for_policy()
            .policy_arn(arn)
            .send()
            .await
            .expect("entities");
        (
            out.policy_users()
                .iter()
                .filter_map(|u| u.user_name().map(str::to_string))
                .collect(),
            out.policy_roles()
                .iter()
                .filter_map(|r| r.role_name().map(str::to_string))
                .collect(),
            out.policy_groups()
                .iter()
                .filter_map(|g| g.group_name().map(str::to_string))
                .collect(),
        )
    })
}

#[test]
fn an_exclusive_policy_attachment_detaches_what_was_attached_elsewhere() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", EXCLUSIVE);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let none: Vec<String> = Vec::new();
    assert_eq!(
        entities(&moto),
        (
            vec!["infinstor-analyst".to_string()],
            vec!["infinstor-notebook".to_string()],
            none.clone()
        )
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // Attached to the group by hand: the next plan takes it away again, as Terraform does.
    block_on(async {
        moto.iam()
            .attach_group_policy()
            .group_name("infinstor-readers")
            .policy_arn("arn:aws:iam::123456789012:policy/infinstor-read-artifacts")
            .send()
            .await
            .expect("attach outside")
    });
    let drift = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        drift
            .stdout
            .contains("aws_iam_policy_attachment.read will be updated in-place"),
        "{}",
        drift.stdout
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(entities(&moto).2, none);

    // The group joins through the configuration, the role leaves.
    ws.write(
        "main.tf",
        &EXCLUSIVE.replace(
            "  roles      = [aws_iam_role.notebook.name]",
            "  groups     = [aws_iam_group.readers.name]",
        ),
    );
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        entities(&moto),
        (
            vec!["infinstor-analyst".to_string()],
            none.clone(),
            vec!["infinstor-readers".to_string()]
        )
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    let import = ws.run(&["import", "aws_iam_policy_attachment.other", "infinstor-read"]);
    assert_ne!(import.code, 0, "{}", import.stdout);

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}

const ROLE_EXCLUSIVE: &str = r#"
resource "aws_iam_policy" "logs" {
  name = "infinstor-write-logs"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "logs:PutLogEvents", Resource = "*" }]
  })
}

resource "aws_iam_role" "worker" {
  name = "infinstor-worker"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  managed_policy_arns = [aws_iam_policy.logs.arn]
  inline_policy {
    name = "read-config"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "ssm:GetParameter", Resource = "*" }]
    })
  }
}
"#;

/// The worker role's (attached policy ARNs, inline policy names), sorted.
fn worker_policies(moto: &Moto) -> (Vec<String>, Vec<String>) {
    block_on(async {
        let iam = moto.iam();
        let attached = iam
            .list_attached_role_policies()
            .role_name("infinstor-worker")
            .send()
            .await
            .expect("attached");
        let inline = iam
            .list_role_policies()
            .role_name("infinstor-worker")
            .send()
            .await
            .expect("inline");
        let mut arns: Vec<String> = attached
            .attached_policies()
            .iter()
            .filter_map(|p| p.policy_arn().map(str::to_string))
            .collect();
        arns.sort();
        let mut names = inline.policy_names().to_vec();
        names.sort();
        (arns, names)
    })
}

#[test]
fn a_role_with_managed_policy_arns_and_inline_policies_owns_exactly_those() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", ROLE_EXCLUSIVE);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let logs = "arn:aws:iam::123456789012:policy/infinstor-write-logs".to_string();
    assert_eq!(
        worker_policies(&moto),
        (vec![logs.clone()], vec!["read-config".to_string()])
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // What others attach or embed is taken away again by the next apply.
    block_on(async {
        let iam = moto.iam();
        let other = iam
            .create_policy()
            .policy_name("made-by-hand")
            .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}"#)
            .send()
            .await
            .expect("policy outside");
        iam.attach_role_policy()
            .role_name("infinstor-worker")
            .policy_arn(other.policy().and_then(|p| p.arn()).unwrap_or_default())
            .send()
            .await
            .expect("attach outside");
    });
    embed_policy_by_hand(&moto, "infinstor-worker");
    let drift = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        drift.stdout.contains("aws_iam_role.worker will be updated in-place"),
        "{}",
        drift.stdout
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(worker_policies(&moto), (vec![logs], vec!["read-config".to_string()]));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // Empty settings mean none, as in Terraform.
    let start = ROLE_EXCLUSIVE.find("  managed_policy_arns").expect("arns");
    let end = ROLE_EXCLUSIVE.rfind("  }\n}").expect("block end") + 4;
    let emptied = format!(
        "{}  managed_policy_arns = []\n  inline_policy {{}}\n{}",
        &ROLE_EXCLUSIVE[..start],
        &ROLE_EXCLUSIVE[end..]
    );
    ws.write("main.tf", &emptied);
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(worker_policies(&moto), (Vec::new(), Vec::new()));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}
