//! ECR through the binary against the emulator: repositories (tag mutability, scanning on push,
//! KMS encryption, tags), a lifecycle policy and an access policy. Create, no-op re-plan,
//! update in place, replacement, a change made outside, import and destroy, each read back
//! through the SDK; a repository that still holds an image is not destroyed until
//! `force_delete` says so.

use crate::util::{block_on, planned_changes, reimport, start_moto, workspace, Moto};

const LIFECYCLE_TWO: &str = r#"jsonencode({ rules = [{ rulePriority = 1, description = "untagged", selection = { tagStatus = "untagged", countType = "sinceImagePushed", countUnit = "days", countNumber = 14 }, action = { type = "expire" } }, { rulePriority = 2, selection = { tagStatus = "tagged", tagPrefixList = ["v", "release"], countType = "imageCountMoreThan", countNumber = 30 }, action = { type = "expire" } }] })"#;

fn config(mutability: &str, scanning: bool, team: &str, actions: &str, lifecycle_days: u32, force: bool) -> String {
    let scan = if scanning {
        "  image_scanning_configuration {\n    scan_on_push = true\n  }\n"
    } else {
        ""
    };
    format!(
        r#"
resource "aws_ecr_repository" "app" {{
  name                 = "team/app"
  image_tag_mutability = "{mutability}"
{scan}  encryption_configuration {{
    encryption_type = "KMS"
  }}
  tags = {{ team = "{team}" }}
}}

resource "aws_ecr_repository" "cache" {{
  name         = "cache"
  force_delete = {force}
}}

resource "aws_ecr_lifecycle_policy" "app" {{
  repository = aws_ecr_repository.app.name
  policy     = jsonencode({{ rules = [{{ rulePriority = 1, description = "untagged", selection = {{ tagStatus = "untagged", countType = "sinceImagePushed", countUnit = "days", countNumber = {lifecycle_days} }}, action = {{ type = "expire" }} }}] }})
}}

resource "aws_ecr_lifecycle_policy" "cache" {{
  repository = aws_ecr_repository.cache.name
  policy     = {LIFECYCLE_TWO}
}}

resource "aws_ecr_repository_policy" "app" {{
  repository = aws_ecr_repository.app.name
  policy     = jsonencode({{ Version = "2012-10-17", Statement = [{{ Sid = "pull", Effect = "Allow", Principal = {{ AWS = "arn:aws:iam::123456789012:root" }}, Action = [{actions}] }}] }})
}}
"#
    )
}

fn ecr(moto: &Moto) -> aws_sdk_ecr::Client {
    aws_sdk_ecr::Client::new(&moto.sdk_config())
}

/// (tag mutability, scan on push, encryption type) of a repository, if it exists.
fn repository(moto: &Moto, name: &str) -> Option<(String, bool, String)> {
    block_on(async {
        let out = ecr(moto)
            .describe_repositories()
            .repository_names(name)
            .send()
            .await
            .ok()?;
        let r = out.repositories().first()?;
        Some((
            r.image_tag_mutability()?.as_str().to_string(),
            r.image_scanning_configuration()?.scan_on_push(),
            r.encryption_configuration()?.encryption_type().as_str().to_string(),
        ))
    })
}

fn access_policy(moto: &Moto) -> String {
    block_on(async {
        ecr(moto)
            .get_repository_policy()
            .repository_name("team/app")
            .send()
            .await
            .map(|o| o.policy_text().unwrap_or_default().to_string())
            .unwrap_or_default()
    })
}

fn push_image(moto: &Moto, repository: &str) {
    let manifest = r#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7023,"digest":"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7"},"layers":[]}"#;
    block_on(async {
        ecr(moto)
            .put_image()
            .repository_name(repository)
            .image_manifest(manifest)
            .image_tag("v1")
            .send()
            .await
            .expect("an image pushed by hand")
    });
}

#[test]
fn repositories_and_their_policies_live_through_create_update_replace_drift_import_and_destroy() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    let first = config("IMMUTABLE", false, "ml", r#""ecr:BatchGetImage""#, 14, false);
    ws.write("main.tf", &first);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(
        repository(&moto, "team/app"),
        Some(("IMMUTABLE".into(), false, "KMS".into()))
    );
    assert_eq!(
        repository(&moto, "cache"),
        Some(("MUTABLE".into(), false, "AES256".into()))
    );
    assert!(access_policy(&moto).contains("ecr:BatchGetImage"));
    let show = ws.run(&["state", "show", "aws_ecr_repository.app"]);
    assert!(
        show.stdout
            .contains("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app"),
        "{}",
        show.stdout
    );

    // Import: each by the repository's name.
    reimport(&ws, "aws_ecr_repository.app", "team/app");
    reimport(&ws, "aws_ecr_lifecycle_policy.cache", "cache");
    reimport(&ws, "aws_ecr_repository_policy.app", "team/app");
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // In place: mutability, scanning on push, a tag, the access policy. A new lifecycle policy
    // replaces that resource, as in the AWS provider.
    let second = config(
        "MUTABLE",
        true,
        "data",
        r#""ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer""#,
        7,
        false,
    );
    ws.write("main.tf", &second);
    let plan = planned_changes(&ws, "Plan: 1 to add, 2 to change, 1 to destroy.");
    assert!(
        plan.stdout.contains("~ image_scanning_configuration {")
            && plan.stdout.contains("~ scan_on_push = false -> true"),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(
        repository(&moto, "team/app"),
        Some(("MUTABLE".into(), true, "KMS".into()))
    );
    assert!(access_policy(&moto).contains("ecr:GetDownloadUrlForLayer"));
    // Leaving the block out turns scanning off, as in the AWS provider. (The emulator ignores
    // the request that says so, whose `scanOnPush: false` the SDK leaves out as the default,
    // so this is planned, not applied.)
    let actions = r#""ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer""#;
    ws.write("main.tf", &config("MUTABLE", false, "data", actions, 7, false));
    let plan = planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    assert!(
        plan.stdout.contains("~ scan_on_push = true -> false"),
        "{}",
        plan.stdout
    );
    ws.write("main.tf", &second);

    // Outside: the mutability changed by hand is put back.
    block_on(async {
        ecr(&moto)
            .put_image_tag_mutability()
            .repository_name("team/app")
            .image_tag_mutability(aws_sdk_ecr::types::ImageTagMutability::Immutable)
            .send()
            .await
            .expect("by hand")
    });
    let plan = planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    assert!(plan.stdout.contains("\"IMMUTABLE\" -> \"MUTABLE\""), "{}", plan.stdout);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);

    // Encryption is fixed at create: a change replaces the repository (and what hangs on it).
    ws.write(
        "main.tf",
        &second.replace("encryption_type = \"KMS\"", "encryption_type = \"AES256\""),
    );
    let plan = ws.run(&["plan"]);
    assert!(plan.stdout.contains("forces replacement"), "{}", plan.stdout);
    ws.write("main.tf", &second);

    // A repository with an image is kept until force_delete says otherwise.
    push_image(&moto, "cache");
    let refused = ws.run(&["destroy", "-auto-approve"]);
    assert_ne!(refused.code, 0);
    assert!(refused.stderr.contains("force_delete = true"), "{}", refused.stderr);
    assert!(repository(&moto, "cache").is_some());
    ws.write(
        "main.tf",
        &config("MUTABLE", true, "data", r#""ecr:BatchGetImage""#, 7, true),
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(repository(&moto, "cache"), None);
    assert_eq!(repository(&moto, "team/app"), None);
}
