//! What a new user meets first, through the real binary: the shipped examples validate and
//! plan, a role declared with its own policies is destroyed with them, a lock left by a process
//! that is gone is taken over (the crash sweeps in `crashes.rs` check it after real kills), `fmt` formats what it can, `version -json` speaks Terraform's platform
//! names, and errors say their cause once.

use crate::infinstor_dns::hosted_zone;
use crate::util::{block_on, embed_policy_by_hand, start_moto, this_host, workspace, Clients, Moto, Workspace};

/// The aws_iam_role examples of the AWS provider's documentation, in one role: inline
/// policies and exclusive managed policy attachments in the role's own block.
const ROLE_WITH_ITS_POLICIES: &str = r#"
resource "aws_iam_policy" "list" {
  name = "infinstor-list-buckets"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:ListAllMyBuckets"], Resource = "*" }]
  })
}

resource "aws_iam_role" "example" {
  name = "infinstor-yak-role"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Action = "sts:AssumeRole", Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" } }]
  })
  managed_policy_arns = [aws_iam_policy.list.arn]

  inline_policy {
    name = "my_inline_policy"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Action = ["ec2:Describe*"], Effect = "Allow", Resource = "*" }]
    })
  }

  inline_policy {
    name   = "policy-8675309"
    policy = data.aws_iam_policy_document.inline_policy.json
  }
}

data "aws_iam_policy_document" "inline_policy" {
  statement {
    actions   = ["ec2:DescribeAccountAttributes"]
    resources = ["*"]
  }
}
"#;

/// Whether IAM still has the role.
fn role_exists(moto: &Moto, name: &str) -> bool {
    block_on(async { moto.iam().get_role().role_name(name).send().await.is_ok() })
}

#[test]
fn a_role_with_its_own_inline_and_managed_policies_is_destroyed_with_them() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", ROLE_WITH_ITS_POLICIES);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert!(role_exists(&moto, "infinstor-yak-role"));

    let destroy = ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert!(destroy.stdout.contains("2 destroyed"), "{}", destroy.stdout);
    // The access review heading, when there is one, is followed by its findings.
    let lines: Vec<&str> = destroy.stdout.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("Access review") {
            let next = lines[i + 1..].iter().find(|l| !l.trim().is_empty());
            assert!(next.is_some_and(|l| l.starts_with("  - ")), "{}", destroy.stdout);
        }
    }
    assert!(destroy.stdout.contains("Access review"), "{}", destroy.stdout);
    assert!(!role_exists(&moto, "infinstor-yak-role"));
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");

    // Policies attached by hand to a role that declares none of its own still stop the delete,
    // with the message that says what to do.
    ws.write(
        "main.tf",
        &format!(
            "{}}}\n",
            ROLE_WITH_ITS_POLICIES
                .split("  managed_policy_arns")
                .next()
                .unwrap_or_default()
        ),
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    embed_policy_by_hand(&moto, "infinstor-yak-role");
    let refused = ws.run(&["destroy", "-auto-approve"]).expect_code(1);
    assert!(refused.stderr.contains("added-by-hand"), "{}", refused.stderr);
    assert!(refused.stderr.contains("force_detach_policies"), "{}", refused.stderr);
    assert!(role_exists(&moto, "infinstor-yak-role"));
}

/// What each shipped example needs beyond its defaults to be planned: what it reads from the
/// account (the example.com hosted zone, published templates) and its required variables. A
/// new example must be added here, so that it is validated and planned too.
fn prepare_example(name: &str, moto: &Moto, ws: &Workspace, zone: &str) -> Option<Vec<String>> {
    let vars: Vec<&str> = match name {
        "infinstor-dns" | "metaflow" => Vec::new(),
        "infinstor-subscriber" => vec![
            "-var=mlflow_endpoint=https://mlflow.infinstor.example.com",
            "-var=api_endpoint=https://api.infinstor.example.com",
            "-var=superadmin_token=token-for-examples",
            "-var=subscriber_password=Passw0rd-for-examples",
            "-var=build=1.0.0",
        ],
        "mlflow-artifacts" => vec!["-var=external_id=mlflow-ext-1234"],
        "tetrascience" => return Some(crate::tetrascience::example_vars(moto)),
        "tetrascience-pre-deployment" => vec![
            "-var=admin_public_key=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDJ3b2rHk4GIeRjyvMk6lDBoFXyK9T5pgkaJbfCq0Xd5 admin",
            "-var=box_client_id=box-client-secret-id-42",
            "-var=box_client_secret=box-secret-43",
        ],
        _ => return None,
    };
    if name == "metaflow" {
        let template = crate::metaflow::template(&crate::metaflow::api_key(moto), None);
        ws.write("metaflow-cfn-template.yml", &template);
    }
    if name == "infinstor-subscriber" {
        let template = std::fs::read_to_string(
            test_support::repo_root().join("examples/infinstor-subscriber/infinstor-setup-customer.yaml"),
        )
        .expect("the example's template");
        crate::infinstor_subscriber::publish_template(moto, "1.0.0", &template);
    }
    let mut vars: Vec<String> = vars.into_iter().map(str::to_string).collect();
    if name == "tetrascience-pre-deployment" {
        vars.push(format!("-var=web_zone_id={zone}"));
    }
    Some(vars)
}

/// The examples a user can copy: every directory of `examples/` that holds configuration.
fn shipped_examples() -> Vec<String> {
    let root = test_support::repo_root().join("examples");
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .expect("examples/")
        .filter_map(Result::ok)
        .filter(|e| {
            std::fs::read_dir(e.path())
                .map(|files| {
                    files
                        .filter_map(Result::ok)
                        .any(|f| f.path().extension().is_some_and(|x| x == "tf"))
                })
                .unwrap_or(false)
        })
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

/// Runs `args` in a copy of an example and expects `code`, naming the example on failure.
fn in_example(ws: &Workspace, name: &str, args: &[&str], code: i32) {
    let run = ws.run(args);
    assert_eq!(
        run.code,
        code,
        "examples/{name}: `infinstor {}` exited {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        args.join(" "),
        run.code,
        run.stdout,
        run.stderr
    );
}

#[test]
fn every_shipped_example_validates_and_plans() {
    let examples = shipped_examples();
    assert!(examples.len() >= 6, "examples found: {examples:?}");
    let moto = start_moto();
    let zone = hosted_zone(&moto);
    for name in &examples {
        let ws = workspace(Some(&moto));
        ws.copy_example(&format!("examples/{name}"));
        in_example(&ws, name, &["validate"], 0);
        let vars = prepare_example(name, &moto, &ws, &zone)
            .unwrap_or_else(|| panic!("examples/{name} is new: add what it needs to prepare_example"));
        let mut plan = vec!["plan", "-input=false", "-detailed-exitcode"];
        plan.extend(vars.iter().map(String::as_str));
        in_example(&ws, name, &plan, 2);
    }
}

#[test]
fn a_lock_left_by_a_killed_process_is_taken_over_and_a_live_one_is_not() {
    let ws = workspace(None);
    ws.write("main.tf", "locals {\n  a = 1\n}\n");
    let host = this_host();
    let lock = |id: &str, pid: u32, extra: &str| {
        ws.write(
            "infinstor.state.json.lock",
            &format!(
                r#"{{"ID":"{id}","Operation":"apply","Pid":{pid},"Host":"{host}","Who":"ci@{host}","Created":"2026-12-01T10:00:00Z"{extra}}}"#
            ),
        );
    };

    // A holder that has exited: its lock is taken over, in one line, and released after.
    let mut gone = std::process::Command::new("true").spawn().expect("a process");
    let gone_pid = gone.id();
    gone.wait().expect("exited");
    lock("11110000-0000-4000-8000-000000000001", gone_pid, "");
    let run = ws.run(&["plan"]).expect_code(0);
    let notice: Vec<&str> = run.stderr.lines().filter(|l| l.contains("Took over")).collect();
    assert_eq!(notice.len(), 1, "{}", run.stderr);
    assert!(
        notice[0].contains("11110000-0000-4000-8000-000000000001") && notice[0].contains(&format!("pid {gone_pid}")),
        "{}",
        run.stderr
    );
    assert!(!ws.path("infinstor.state.json.lock").exists());

    // A pid that runs now but started after the lock was taken (a reused pid): taken over.
    let mut reused = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .expect("a process");
    lock("22220000-0000-4000-8000-000000000002", reused.id(), r#","Start":1"#);
    let run = ws.run(&["plan"]).expect_code(0);
    assert!(
        run.stderr.contains("Took over the state lock 22220000"),
        "{}",
        run.stderr
    );

    // A lock taken before a reboot: taken over, whatever runs under its pid now.
    lock(
        "33330000-0000-4000-8000-000000000003",
        reused.id(),
        r#","Boot":"00000000-0000-0000-0000-000000000000""#,
    );
    let run = ws.run(&["plan"]).expect_code(0);
    assert!(
        run.stderr.contains("Took over the state lock 33330000"),
        "{}",
        run.stderr
    );

    // The holder still runs: refused, as before.
    let start = std::fs::read_to_string(format!("/proc/{}/stat", reused.id()))
        .ok()
        .and_then(|s| s.rsplit(')').next().map(str::to_string))
        .and_then(|rest| rest.split_whitespace().nth(19).map(str::to_string))
        .expect("start time of the holder");
    lock(
        "44440000-0000-4000-8000-000000000004",
        reused.id(),
        &format!(r#","Start":{start}"#),
    );
    let run = ws.run(&["plan"]).expect_code(1);
    assert!(
        run.stderr.contains("the state is locked by another infinstor process"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("Took over"), "{}", run.stderr);
    assert!(ws.path("infinstor.state.json.lock").exists());

    // On another host nothing can be known: refused.
    ws.write(
        "infinstor.state.json.lock",
        &format!(
            r#"{{"ID":"55550000-0000-4000-8000-000000000005","Operation":"apply","Pid":{gone_pid},"Host":"build-7","Created":"2026-12-01T10:00:00Z"}}"#
        ),
    );
    ws.run(&["plan"]).expect_code(1);
    let _ = reused.kill();
    let _ = reused.wait();
}

#[test]
fn version_json_names_the_platform_as_terraform_does() {
    let ws = workspace(None);
    let version = ws.run(&["version", "-json"]).expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&version.stdout).expect("version JSON");
    let platform = v["platform"].as_str().expect("platform");
    if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        assert_eq!(platform, "linux_amd64");
    }
    let (os, arch) = platform.split_once('_').expect("GOOS_GOARCH");
    assert!(["linux", "darwin", "windows", "freebsd"].contains(&os), "{platform}");
    assert!(["amd64", "arm64", "386", "arm"].contains(&arch), "{platform}");
}

#[test]
fn a_missing_plan_file_is_reported_with_its_cause_once() {
    let ws = workspace(None);
    ws.write("main.tf", "locals {\n  a = 1\n}\n");
    let run = ws.run(&["apply", "tfplan"]).expect_code(1);
    assert_eq!(
        run.stderr.matches("No such file or directory").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("tfplan"), "{}", run.stderr);
    let show = ws.run(&["show", "tfplan"]).expect_code(1);
    assert_eq!(
        show.stderr.matches("No such file or directory").count(),
        1,
        "{}",
        show.stderr
    );
}
