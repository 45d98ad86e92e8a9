//! examples/mlflow-artifacts (seed 003) end to end against the emulator:
//! plan -> apply -> plan (no changes) -> destroy, checked through the AWS API.

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
        plan.stdout.contains("Plan: 5 to add, 0 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );

    let apply = ws.run(&["apply", "tfplan"]).expect_code(0);
    assert!(
        apply
            .stdout
            .contains("Apply complete! Resources: 5 added, 0 changed, 0 destroyed."),
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
    assert_eq!(out.stdout.trim(), "for-testing-freeservice");

    let destroy = ws.run(&["destroy", "--auto-approve", var[0], var[1]]).expect_code(0);
    assert!(
        destroy.stdout.contains("Destroy complete! Resources: 5 destroyed."),
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
