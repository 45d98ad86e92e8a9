//! What a user sees on a bad day, through the real binary against the emulator: drift made in
//! AWS, a create interrupted after the AWS call, a lock held by another process, a stale saved
//! plan, an AWS error in the middle of an apply, secrets in variables. Each test checks the
//! messages, exit codes and AWS objects; the engine's logic behind them (ordering, journal,
//! lock, staleness) is tested with a provider double in `engine/tests/engine.rs`.

use crate::util::{block_on, start_moto, this_host, workspace, Clients};

const BUCKET_AND_ROLE: &str = r#"
resource "aws_s3_bucket" "data" {
  bucket = "infinstor-behaviour-data"
  tags = {
    Team = "ml"
  }
}

resource "aws_s3_bucket_cors_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["*"]
  }
}

output "arn" {
  value = aws_s3_bucket.data.arn
}
"#;

#[test]
fn drift_is_shown_and_a_deleted_object_is_planned_again() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", BUCKET_AND_ROLE);
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    let s3 = moto.s3();
    block_on(async {
        s3.delete_bucket_cors()
            .bucket("infinstor-behaviour-data")
            .send()
            .await
            .expect("delete cors out of band");
        s3.put_bucket_tagging()
            .bucket("infinstor-behaviour-data")
            .tagging(
                aws_sdk_s3::types::Tagging::builder()
                    .tag_set(
                        aws_sdk_s3::types::Tag::builder()
                            .key("Team")
                            .value("ops")
                            .build()
                            .expect("tag"),
                    )
                    .build()
                    .expect("tagging"),
            )
            .send()
            .await
            .expect("retag out of band");
    });
    let plan = ws.run(&["plan", "--detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout.contains("Objects have changed outside of infinstor"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("# aws_s3_bucket_cors_configuration.data has been deleted"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("# aws_s3_bucket_cors_configuration.data will be created"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("# aws_s3_bucket.data will be updated in-place"),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("\"Team\" = \"ops\" -> \"ml\""), "{}", plan.stdout);

    // --refresh=false trusts the state: nothing to do.
    let stale = ws
        .run(&["plan", "--refresh=false", "--detailed-exitcode"])
        .expect_code(0);
    assert!(stale.stdout.contains("No changes."), "{}", stale.stdout);

    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    block_on(async {
        s3.get_bucket_cors()
            .bucket("infinstor-behaviour-data")
            .send()
            .await
            .expect("cors restored");
    });
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);
}

#[test]
fn an_interrupted_create_is_adopted_not_duplicated() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"resource "aws_s3_bucket" "b" { bucket = "infinstor-crashed-create" }"#,
    );
    // The state a crash leaves between CreateBucket and the state write: an intent only.
    ws.write(
        "infinstor.state.json",
        r#"{
  "format_version": 1,
  "infinstor_version": "0.1.0",
  "serial": 1,
  "lineage": "6f1c7c56-8c55-4b1e-9d3c-0d7a4c2f1e11",
  "outputs": {},
  "resources": [],
  "intents": [
    {"address": "aws_s3_bucket.b", "type": "aws_s3_bucket", "provider": "aws", "import_id": "infinstor-crashed-create"}
  ]
}
"#,
    );
    block_on(async {
        moto.s3()
            .create_bucket()
            .bucket("infinstor-crashed-create")
            .send()
            .await
            .expect("the object the crashed run made");
    });
    let plan = ws.run(&["plan", "--detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout.contains("aws_s3_bucket.b has been adopted"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("will be created"), "{}", plan.stdout);
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    let state = ws.state();
    assert_eq!(
        state["resources"][0]["instances"][0]["attributes"]["bucket"],
        "infinstor-crashed-create"
    );
    assert!(state.get("intents").is_none(), "intent cleared: {state}");
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);
}

#[test]
fn a_second_process_is_refused_while_the_lock_is_held() {
    let ws = workspace(None);
    ws.write("main.tf", r#"locals { a = 1 }"#);
    ws.write(
        "infinstor.state.json.lock",
        r#"{"ID":"2b1f0b7e-0000-4000-8000-000000000001","Operation":"apply","Pid":4242,"Host":"build-7","Created":"2026-11-22T10:00:00Z"}"#,
    );
    let run = ws.run(&["plan"]).expect_code(1);
    // Once, whole: the force-unlock line can be copied as it is.
    insta::assert_snapshot!(run.stderr);
    assert!(run.stderr.contains("pid 4242 on build-7"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("infinstor force-unlock 2b1f0b7e-0000-4000-8000-000000000001"),
        "{}",
        run.stderr
    );
    ws.run(&["force-unlock", "2b1f0b7e-0000-4000-8000-000000000001"])
        .expect_code(0);
    ws.run(&["plan"]).expect_code(0);
}

#[test]
fn a_stale_saved_plan_is_refused() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"resource "aws_s3_bucket" "b" { bucket = "infinstor-stale-plan" }"#,
    );
    ws.run(&["plan", "--out", "first.plan"]).expect_code(0);
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    let run = ws.run(&["apply", "first.plan"]).expect_code(1);
    assert!(run.stderr.contains("Saved plan is stale"), "{}", run.stderr);

    ws.run(&["plan", "--out", "second.plan"]).expect_code(0);
    ws.write(
        "main.tf",
        r#"resource "aws_s3_bucket" "b" { bucket = "infinstor-stale-plan-renamed" }"#,
    );
    let run = ws.run(&["apply", "second.plan"]).expect_code(1);
    assert!(run.stderr.contains("Saved plan is stale"), "{}", run.stderr);
    assert!(run.stderr.contains("configuration files changed"), "{}", run.stderr);
}

#[test]
fn a_failure_skips_only_its_dependents() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"
resource "aws_iam_role" "r" {
  name = "infinstor-partial"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "missing" {
  role       = aws_iam_role.r.name
  policy_arn = "arn:aws:iam::123456789012:policy/does-not-exist"
}

resource "aws_s3_bucket" "after_failure" {
  bucket = "infinstor-partial-after-failure"
  tags = {
    Attachment = aws_iam_role_policy_attachment.missing.id
  }
}

resource "aws_s3_bucket" "independent" {
  bucket = "infinstor-partial-independent"
}
"#,
    );
    let run = ws.run(&["apply", "--auto-approve"]).expect_code(1);
    assert!(
        run.stderr.contains("aws_iam_role_policy_attachment.missing"),
        "{}",
        run.stderr
    );
    let list = ws.run(&["state", "list"]).expect_code(0);
    assert!(list.stdout.contains("aws_iam_role.r"), "{}", list.stdout);
    assert!(list.stdout.contains("aws_s3_bucket.independent"), "{}", list.stdout);
    assert!(!list.stdout.contains("aws_s3_bucket.after_failure"), "{}", list.stdout);
    block_on(async {
        moto.s3()
            .head_bucket()
            .bucket("infinstor-partial-independent")
            .send()
            .await
            .expect("independent work went on");
    });
}

#[test]
fn sensitive_values_never_reach_plan_output() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"
variable "token" {
  type      = string
  sensitive = true
}

resource "aws_s3_bucket" "b" {
  bucket = "infinstor-secret-test"
  tags = {
    Token = var.token
  }
}
"#,
    );
    let run = ws
        .run(&["plan", "--var", "token=hunter2-very-secret", "--out", "p.plan"])
        .expect_code(0);
    assert!(!run.stdout.contains("hunter2"), "{}", run.stdout);
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
    assert!(run.stdout.contains("(sensitive value)"), "{}", run.stdout);
    let show = ws.run(&["show", "p.plan"]).expect_code(0);
    assert!(!show.stdout.contains("hunter2"), "{}", show.stdout);
}

#[test]
fn a_create_interrupted_after_it_finished_in_aws_is_adopted_not_duplicated() {
    // The window of a crash after the create call finished in AWS (the provider already done
    // with the object) but before the state recorded it: the state holds only the intent.
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"resource "aws_kms_key" "k" { description = "infinstor crash window" }"#,
    );
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    let kms = moto.kms();
    let keys = || {
        block_on(async { kms.list_keys().send().await.expect("list keys") })
            .keys()
            .iter()
            .filter_map(|k| k.key_id().map(str::to_string))
            .collect::<Vec<_>>()
    };
    let key_id = keys().pop().expect("the key");
    let intent_tags = || {
        block_on(async { kms.list_resource_tags().key_id(&key_id).send().await.expect("tags") })
            .tags()
            .iter()
            .filter(|t| t.tag_key() == "infinstor:intent")
            .count()
    };
    assert_eq!(intent_tags(), 0, "the intent tag goes once the state records the key");
    // As the crash window leaves the key: still tagged with its create's token.
    let token = "5f2c0e1a9b7d4c3e8f6a1b2c3d4e5f60".to_string();
    block_on(async {
        kms.tag_resource()
            .key_id(&key_id)
            .tags(
                aws_sdk_kms::types::Tag::builder()
                    .tag_key("infinstor:intent")
                    .tag_value(&token)
                    .build()
                    .expect("tag"),
            )
            .send()
            .await
            .expect("tag the key")
    });
    ws.run(&["state", "rm", "aws_kms_key.k"]).expect_code(0);
    let mut state = ws.state();
    state["intents"] = serde_json::json!([{
        "address": "aws_kms_key.k",
        "type": "aws_kms_key",
        "provider": "aws",
        "import_id": format!("intent:{token}"),
    }]);
    ws.write(
        "infinstor.state.json",
        &serde_json::to_string_pretty(&state).expect("state json"),
    );

    let plan = ws.run(&["plan", "--detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout.contains("aws_kms_key.k has been adopted"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("will be created"), "{}", plan.stdout);
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    assert_eq!(keys(), vec![key_id.clone()], "one key, not two");
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);
}

#[test]
fn destroy_forgets_what_was_already_deleted_outside() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"
resource "aws_s3_bucket" "b" {
  bucket = "infinstor-destroy-gone"
}

resource "aws_s3_bucket_cors_configuration" "c" {
  bucket = aws_s3_bucket.b.id
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["*"]
  }
}
"#,
    );
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    block_on(async {
        moto.s3()
            .delete_bucket_cors()
            .bucket("infinstor-destroy-gone")
            .send()
            .await
            .expect("CORS deleted outside infinstor");
    });
    let run = ws.run(&["destroy", "--auto-approve"]).expect_code(0);
    assert!(run.stdout.contains("1 destroyed"), "{}", run.stdout);
    let list = ws.run(&["state", "list"]).expect_code(0);
    assert_eq!(list.stdout.trim(), "", "nothing left in state");
    let gone = block_on(async { moto.s3().head_bucket().bucket("infinstor-destroy-gone").send().await });
    assert!(gone.is_err(), "the bucket was destroyed");
}

#[test]
fn force_unlock_refuses_while_the_holder_runs_on_this_host() {
    let ws = workspace(None);
    ws.write("main.tf", "locals {\n  a = 1\n}\n");
    let host = this_host();
    let mut holder = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .expect("a running process");
    ws.write(
        "infinstor.state.json.lock",
        &format!(
            r#"{{"ID":"7c0d0000-0000-4000-8000-000000000002","Operation":"apply","Pid":{},"Host":"{host}","Created":"2026-11-27T10:00:00Z"}}"#,
            holder.id()
        ),
    );
    let run = ws
        .run(&["force-unlock", "7c0d0000-0000-4000-8000-000000000002"])
        .expect_code(1);
    assert!(run.stderr.contains("still running"), "{}", run.stderr);
    assert!(ws.path("infinstor.state.json.lock").exists(), "the lock stays");
    ws.run(&["force-unlock", "--force", "7c0d0000-0000-4000-8000-000000000002"])
        .expect_code(0);
    assert!(!ws.path("infinstor.state.json.lock").exists());
    let _ = holder.kill();
    let _ = holder.wait();
}

#[test]
fn what_was_sensitive_stays_hidden_after_apply() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"
variable "external_id" {
  type      = string
  sensitive = true
}

resource "aws_iam_role" "r" {
  name = "infinstor-sensitive-trust"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Condition = { StringEquals = { "sts:ExternalId" = var.external_id } }
    }]
  })
}
"#,
    );
    let secret = "hunter2-external-id";
    ws.run(&["plan", "--var", &format!("external_id={secret}"), "--out", "p.plan"])
        .expect_code(0);
    ws.run(&["apply", "p.plan"]).expect_code(0);
    let state = ws.state();
    assert_eq!(
        state["resources"][0]["instances"][0]["sensitive_attributes"],
        serde_json::json!([[{"type": "get_attr", "value": "assume_role_policy"}]]),
        "{state}"
    );
    for args in [
        vec!["state", "show", "aws_iam_role.r"],
        vec!["show"],
        vec!["output", "-json"],
    ] {
        let run = ws.run(&args).expect_code(0);
        assert!(
            !run.stdout.contains(secret),
            "{args:?} shows the secret:\n{}",
            run.stdout
        );
    }
    let var = format!("external_id={secret}");
    for format in ["text", "markdown", "json"] {
        let run = ws.run(&["plan", "--var", &var, "--format", format]).expect_code(0);
        assert!(
            !run.stdout.contains(secret),
            "plan --format {format} shows the secret:\n{}",
            run.stdout
        );
    }
}

#[test]
fn a_state_entry_of_an_unknown_type_is_an_error_not_ignored() {
    let ws = workspace(None);
    ws.write("main.tf", "locals {\n  a = 1\n}\n");
    ws.write(
        "infinstor.state.json",
        r#"{
  "format_version": 1,
  "infinstor_version": "0.1.0",
  "serial": 1,
  "lineage": "6f1c7c56-8c55-4b1e-9d3c-0d7a4c2f1e11",
  "outputs": {},
  "resources": [
    {"address": "aws_nonexistent_thing.x", "mode": "managed", "type": "aws_nonexistent_thing", "name": "x",
     "provider": "aws", "instances": [{"provider": "aws", "attributes": {"id": "abc"}}]}
  ]
}
"#,
    );
    let run = ws.run(&["plan"]).expect_code(1);
    assert!(
        run.stderr.contains("Unsupported resource type in state"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("infinstor state rm aws_nonexistent_thing.x"),
        "{}",
        run.stderr
    );
    ws.run(&["state", "rm", "aws_nonexistent_thing.x"]).expect_code(0);
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);
}

#[test]
fn sensitive_outputs_are_shown_only_when_named() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        "variable \"token\" {\n  default   = \"s3cr3t-output\"\n  sensitive = true\n}\n\noutput \"token\" {\n  value     = var.token\n  sensitive = true\n}\n\noutput \"plain\" {\n  value = \"visible\"\n}\n",
    );
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    for args in [vec!["output"], vec!["output", "--json"]] {
        let run = ws.run(&args).expect_code(0);
        assert!(!run.stdout.contains("s3cr3t-output"), "{args:?}:\n{}", run.stdout);
        assert!(run.stdout.contains("visible"), "{args:?}:\n{}", run.stdout);
    }
    let all: serde_json::Value =
        serde_json::from_str(&ws.run(&["output", "--json"]).expect_code(0).stdout).expect("json");
    assert_eq!(all["token"], serde_json::json!({"sensitive": true, "value": null}));
    let named = ws.run(&["output", "--json", "token"]).expect_code(0);
    assert_eq!(named.stdout.trim(), "\"s3cr3t-output\"");
}

#[test]
fn a_deposed_object_left_by_an_interrupted_replacement_is_planned_and_destroyed() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"infinstor-current\"\n}\n",
    );
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    // As an apply interrupted between a create_before_destroy create and the old object's
    // destroy leaves it: the old object recorded beside the new one.
    block_on(async {
        moto.s3()
            .create_bucket()
            .bucket("infinstor-old")
            .send()
            .await
            .expect("old bucket");
    });
    let mut state = ws.state();
    // Terraform's form: a second instance object with a deposed key.
    let mut old = state["resources"][0]["instances"][0].clone();
    old["deposed"] = serde_json::json!("0a1b2c3d");
    old["attributes"] = serde_json::json!({
        "bucket": "infinstor-old",
        "id": "infinstor-old",
        "force_destroy": false
    });
    if let Some(instances) = state["resources"][0]["instances"].as_array_mut() {
        instances.push(old);
    }
    ws.write(
        "infinstor.state.json",
        &serde_json::to_string_pretty(&state).expect("state"),
    );

    let plan = ws.run(&["plan", "--detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout
            .contains("# aws_s3_bucket.b (deposed object) will be destroyed"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("Plan: 0 to add, 0 to change, 1 to destroy."),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    let names = crate::util::bucket_names(&moto);
    assert_eq!(names, vec!["infinstor-current".to_string()]);
    assert!(!ws.read("infinstor.state.json").contains("\"deposed\""));
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);
}

#[test]
fn lock_timeout_waits_for_the_holder_and_input_false_never_asks() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        "variable \"needed\" {}\noutput \"o\" {\n  value = var.needed\n}\n",
    );
    let lock = ws.path("infinstor.state.json.lock");
    std::fs::write(
        &lock,
        r#"{"ID":"2b1f0b7e-0000-4000-8000-000000000002","Operation":"apply","Pid":4242,"Host":"build-7","Created":"2026-11-22T10:00:00Z"}"#,
    )
    .expect("lock");
    // The holder finishes half a second later; a run that may wait 30 s goes on then.
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(500));
        std::fs::remove_file(lock).expect("release");
    });
    let run = ws
        .run(&["plan", "-lock-timeout=30s", "-var", "needed=x"])
        .expect_code(0);
    assert!(run.stdout.contains("Acquiring state lock"), "{}", run.stdout);
    release.join().expect("released");
    // Without input, a missing variable is an error at once, not a question.
    let run = ws.run(&["plan", "-input=false"]).expect_code(1);
    assert!(run.stderr.contains("No value for required variable"), "{}", run.stderr);
}

#[test]
fn one_interrupt_ends_a_long_wait_at_once_and_keeps_what_was_created() {
    // ACM here takes ten minutes to issue the certificate.
    let moto = crate::util::Moto::start_with(&[("MOTO_ACM_VALIDATION_WAIT", "600")]);
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        "resource \"aws_acm_certificate\" \"c\" {\n  domain_name       = \"slow.example.com\"\n  validation_method = \"DNS\"\n}\nresource \"aws_acm_certificate_validation\" \"c\" {\n  certificate_arn = aws_acm_certificate.c.arn\n}\n",
    );
    let mut child = ws
        .command(&["apply", "-auto-approve"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start apply");
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        let n = std::io::BufRead::read_line(&mut out, &mut line).expect("read");
        assert!(n > 0, "apply ended before waiting:\n{seen}");
        seen.push_str(&line);
        if line.contains("waiting for the certificate to be issued") {
            break;
        }
    }
    let pid = child.id().to_string();
    let sent = std::time::Instant::now();
    std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill -INT");
    let status = child.wait().expect("wait");
    let took = sent.elapsed();
    assert_eq!(status.code(), Some(1), "an interrupted apply is not a success");
    assert!(took < std::time::Duration::from_secs(5), "stopped after {took:?}");
    // The certificate was created and is recorded; its validation is planned again.
    let listed = ws.run(&["state", "list"]).expect_code(0).stdout;
    assert_eq!(listed, "aws_acm_certificate.c\n");
    let plan = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout.contains("aws_acm_certificate_validation.c will be created"),
        "{}",
        plan.stdout
    );
}

#[test]
fn a_create_refused_because_the_name_is_taken_does_not_adopt_the_other_object() {
    let moto = start_moto();
    block_on(async {
        moto.iam()
            .create_role()
            .role_name("someone-elses")
            .assume_role_policy_document(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"}}]}"#,
            )
            .send()
            .await
            .expect("a role of someone else's");
    });
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"
resource "aws_iam_role" "r" {
  name = "someone-elses"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}
"#,
    );
    let run = ws.run(&["apply", "-auto-approve"]).expect_code(1);
    assert!(run.stderr.contains("EntityAlreadyExists"), "{}", run.stderr);
    assert!(ws.state().get("intents").is_none(), "no intent left: {}", ws.state());
    let plan = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(!plan.stdout.contains("adopted"), "{}", plan.stdout);
    assert!(
        plan.stdout.contains("aws_iam_role.r will be created"),
        "{}",
        plan.stdout
    );
    // The other role is as it was.
    let trust = block_on(async {
        moto.iam()
            .get_role()
            .role_name("someone-elses")
            .send()
            .await
            .expect("role")
    });
    let doc = trust
        .role()
        .map(|r| r.assume_role_policy_document().unwrap_or_default().to_string());
    assert!(doc.unwrap_or_default().contains("ec2"), "untouched");
}
