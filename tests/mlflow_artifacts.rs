//! examples/mlflow-artifacts (seed 003, a call of modules/mlflow-artifacts) end to end against
//! the emulator: plan -> apply -> plan (no changes) -> destroy, checked through the AWS API, for
//! each of seed 001's encryption choices; a bucket name too long for the default role name.

use crate::util::{block_on, start_moto, workspace, Clients};

#[test]
fn plan_apply_noop_destroy() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.copy_example("examples/mlflow-artifacts");
    let var = ["--var", "external_id=mlflow-ext-1234"];

    let plan = ws
        .run(&["plan", "--detailed-exitcode", var[0], var[1], "--out", "tfplan"])
        .expect_code(2);
    assert!(
        plan.stdout.contains("Plan: 6 to add, 0 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );

    let apply = ws.run(&["apply", "tfplan"]).expect_code(0);
    assert!(
        apply
            .stdout
            .contains("Apply complete! Resources: 6 added, 0 changed, 0 destroyed."),
        "{}",
        apply.stdout
    );

    // Check through the AWS API, independently of infinstor.
    let s3 = moto.s3();
    let iam = moto.iam();
    block_on(async {
        s3.head_bucket()
            .bucket("for-testing-freeservice")
            .send()
            .await
            .expect("bucket exists");
        let cors = s3
            .get_bucket_cors()
            .bucket("for-testing-freeservice")
            .send()
            .await
            .expect("cors");
        let rule = &cors.cors_rules()[0];
        assert_eq!(rule.allowed_methods(), ["GET"]);
        assert_eq!(rule.allowed_origins(), ["*"]);
        assert_eq!(rule.max_age_seconds(), Some(3600));
        let sse = s3
            .get_bucket_encryption()
            .bucket("for-testing-freeservice")
            .send()
            .await
            .expect("encryption");
        let rule = &sse
            .server_side_encryption_configuration()
            .expect("configuration")
            .rules()[0];
        let default = rule.apply_server_side_encryption_by_default().expect("default");
        assert_eq!(default.sse_algorithm().as_str(), "AES256");
        let role = iam
            .get_role()
            .role_name("infinstor-for-testing-freeservice")
            .send()
            .await
            .expect("role");
        let trust = urlencoding_decode(
            role.role()
                .and_then(|r| r.assume_role_policy_document())
                .unwrap_or_default(),
        );
        assert!(trust.contains("arn:aws:iam::697756613082:root"), "{trust}");
        assert!(trust.contains("mlflow-ext-1234"), "{trust}");
        let attached = iam
            .list_attached_role_policies()
            .role_name("infinstor-for-testing-freeservice")
            .send()
            .await
            .expect("attached");
        assert_eq!(attached.attached_policies().len(), 1);
        assert_eq!(
            attached.attached_policies()[0].policy_name(),
            Some("access-for-testing-freeservice")
        );
    });

    let state = ws.state();
    assert_eq!(state["serial"].as_u64().map(|s| s >= 1), Some(true));
    assert!(ws.path("infinstor.state.json.backup").exists());

    // A second plan: nothing to do.
    let again = ws.run(&["plan", "--detailed-exitcode", var[0], var[1]]).expect_code(0);
    assert!(again.stdout.contains("No changes."), "{}", again.stdout);

    let out = ws.run(&["output", "bucket"]).expect_code(0);
    assert_eq!(out.stdout.trim(), "\"for-testing-freeservice\"");
    let out = ws.run(&["output", "--raw", "bucket"]).expect_code(0);
    assert_eq!(out.stdout, "for-testing-freeservice");

    let destroy = ws.run(&["destroy", "--auto-approve", var[0], var[1]]).expect_code(0);
    assert!(
        destroy.stdout.contains("Destroy complete! Resources: 6 destroyed."),
        "{}",
        destroy.stdout
    );
    block_on(async {
        assert!(
            s3.head_bucket().bucket("for-testing-freeservice").send().await.is_err(),
            "bucket deleted"
        );
        assert!(
            iam.get_role()
                .role_name("infinstor-for-testing-freeservice")
                .send()
                .await
                .is_err(),
            "role deleted"
        );
    });
    let list = ws.run(&["state", "list"]).expect_code(0);
    assert_eq!(list.stdout.trim(), "");
}

/// The KMS choices of seed 001: the AWS managed key, and a customer managed key the module
/// creates with the two statements InfinStor's role needs beside the administrators' one.
#[test]
fn kms_encryption_choices() {
    let moto = start_moto();
    for (encryption, bucket) in [
        ("sse-kms-aws-managed", "mlflow-aws-managed"),
        ("sse-kms-cmk", "mlflow-cmk"),
    ] {
        let ws = workspace(Some(&moto));
        ws.copy_example("examples/mlflow-artifacts");
        let vars = [
            "--var",
            "external_id=mlflow-ext-1234",
            "--var",
            &format!("encryption={encryption}"),
            "--var",
            &format!("bucket_name={bucket}"),
        ];
        let mut args = vec!["apply", "--auto-approve"];
        args.extend(vars.iter().copied());
        ws.run(&args).expect_code(0);
        let s3 = moto.s3();
        let sse = block_on(async {
            s3.get_bucket_encryption()
                .bucket(bucket)
                .send()
                .await
                .expect("encryption")
        });
        let rule = &sse
            .server_side_encryption_configuration()
            .expect("configuration")
            .rules()[0];
        let default = rule.apply_server_side_encryption_by_default().expect("default");
        assert_eq!(default.sse_algorithm().as_str(), "aws:kms", "{encryption}");
        assert_eq!(rule.bucket_key_enabled(), Some(true), "{encryption}");
        let key_output = ws.run(&["output", "--json", "kms_key_arn"]).expect_code(0);
        if encryption == "sse-kms-cmk" {
            let key_arn: String = serde_json::from_str(key_output.stdout.trim()).expect("a key ARN");
            assert_eq!(default.kms_master_key_id(), Some(key_arn.as_str()));
            let kms = moto.kms();
            let policy = block_on(async {
                kms.get_key_policy()
                    .key_id(&key_arn)
                    .policy_name("default")
                    .send()
                    .await
                    .expect("key policy")
            });
            let policy: serde_json::Value =
                serde_json::from_str(policy.policy().expect("policy text")).expect("policy JSON");
            let sids = crate::util::statement_sids(&policy);
            assert_eq!(
                sids,
                [
                    "Enable IAM User Permissions",
                    "Allow use of the key",
                    "Allow attachment of persistent resources"
                ]
            );
            let grants = &policy["Statement"][2];
            assert_eq!(grants["Condition"]["Bool"]["kms:GrantIsForAWSResource"], "true");
            assert!(
                grants["Principal"]["AWS"]
                    .as_str()
                    .is_some_and(|p| p.ends_with(&format!(":role/infinstor-{bucket}"))),
                "{grants}"
            );
        } else {
            assert_eq!(default.kms_master_key_id(), None);
            assert_eq!(key_output.stdout.trim(), "null");
        }
        let mut again = vec!["plan", "--detailed-exitcode"];
        again.extend(vars.iter().copied());
        ws.run(&again).expect_code(0);
        let mut destroy = vec!["destroy", "--auto-approve"];
        destroy.extend(vars.iter().copied());
        ws.run(&destroy).expect_code(0);
        assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout.trim(), "");
    }
}

fn urlencoding_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 0 && i + 2 <= bytes.len() - 1 {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).to_string()
}

#[test]
fn a_long_bucket_name_gets_a_role_name_iam_takes_and_a_bad_role_name_is_refused() {
    let moto = start_moto();
    // 63 characters, S3's longest: "infinstor-" and it would be 73.
    let bucket = format!("mlflow-artifacts-{}", "x".repeat(46));
    let role_of = |bucket: &str| {
        let ws = workspace(Some(&moto));
        ws.copy_example("examples/mlflow-artifacts");
        let bucket_var = format!("bucket_name={bucket}");
        let args = ["--var", "external_id=mlflow-ext-1234", "--var", bucket_var.as_str()];
        let mut apply = vec!["apply", "--auto-approve"];
        apply.extend(args);
        ws.run(&apply).expect_code(0);
        let role = crate::util::output(&ws, "role_arn");
        let mut destroy = vec!["destroy", "--auto-approve"];
        destroy.extend(args);
        ws.run(&destroy).expect_code(0);
        role.rsplit('/').next().unwrap_or_default().to_string()
    };
    let role = role_of(&bucket);
    assert_eq!(role.len(), 64, "{role}");
    assert!(role.starts_with("infinstor-mlflow-artifacts-xxx"), "{role}");
    let other = role_of(&format!("mlflow-artifacts-{}y", "x".repeat(45)));
    assert_eq!(other.len(), 64, "{other}");
    assert_ne!(role, other, "two long buckets, two roles");
    // A short one keeps the name seed 003's readers know.
    assert_eq!(role_of("mlflow-short"), "infinstor-mlflow-short");

    // Checked where Terraform checks it too, before anything is sent (`validate` of infinstor
    // does not evaluate module arguments yet).
    let ws = workspace(Some(&moto));
    ws.copy_example("examples/mlflow-artifacts");
    ws.write(
        "main.tf",
        &format!(
            "module \"artifacts\" {{\n  source      = \"../../modules/mlflow-artifacts\"\n  bucket_name = \"b\"\n  external_id = \"e1\"\n  role_name   = \"{}\"\n}}\n",
            "r".repeat(65)
        ),
    );
    let run = ws.run(&["plan"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("role_name must be 1 to 64"), "{}", run.stderr);
    assert!(run.stderr.contains("on main.tf line 5"), "{}", run.stderr);
}

#[test]
fn in_the_china_partition_every_arn_is_written_in_it() {
    // Seed 003's ARNs come from the partition the provider runs in, not a literal arn:aws.
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.copy_example("examples/mlflow-artifacts");
    let args = [
        "--var",
        "region=cn-north-1",
        "--var",
        "external_id=mlflow-ext-1234",
        "--var",
        "bucket_name=mlflow-cn-artifacts",
    ];
    ws.run(&[&["apply", "--auto-approve"][..], &args].concat())
        .expect_code(0);
    let role = crate::util::output(&ws, "role_arn");
    assert_eq!(role, "arn:aws-cn:iam::123456789012:role/infinstor-mlflow-cn-artifacts");
    let trust = block_on(async {
        // The emulator keeps each partition's IAM apart, as AWS does.
        let china = moto
            .sdk_config()
            .to_builder()
            .region(aws_config::Region::new("cn-north-1"))
            .build();
        let iam = aws_sdk_iam::Client::new(&china);
        let out = iam
            .get_role()
            .role_name("infinstor-mlflow-cn-artifacts")
            .send()
            .await
            .expect("role");
        let doc = out
            .role()
            .and_then(|r| r.assume_role_policy_document())
            .expect("trust policy");
        urlencoding_decode(doc)
    });
    assert!(trust.contains("arn:aws-cn:iam::"), "{trust}");
    assert!(!trust.contains("arn:aws:"), "{trust}");
    ws.run(&[&["plan", "--detailed-exitcode"][..], &args].concat())
        .expect_code(0);
    ws.run(&[&["destroy", "--auto-approve"][..], &args].concat())
        .expect_code(0);
}
