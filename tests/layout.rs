//! The shape of the workspace that README's layout promises: dependencies point one way, and
//! the engine (with the state crate under it) links no AWS SDK.

/// The crates `package` depends on at run time (no dev or build dependencies), by name.
fn runtime_dependencies(package: &str) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let out = std::process::Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "--locked",
            "-e",
            "normal",
            "--prefix",
            "none",
            "-p",
            package,
        ])
        .current_dir(test_support::repo_root())
        .output()
        .expect("run cargo tree");
    assert!(
        out.status.success(),
        "cargo tree -p {package}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn the_engine_and_state_link_no_aws_sdk_and_state_s3_does() {
    for package in ["engine", "state"] {
        let deps = runtime_dependencies(package);
        assert!(deps.iter().any(|d| d == "serde"), "{package}: {deps:?}");
        let aws: Vec<&String> = deps
            .iter()
            .filter(|d| d.starts_with("aws-sdk-") || d.starts_with("aws-config") || d.starts_with("aws-smithy"))
            .collect();
        assert!(aws.is_empty(), "{package} links {aws:?}");
    }
    let s3 = runtime_dependencies("state-s3");
    assert!(s3.iter().any(|d| d == "aws-sdk-s3"), "{s3:?}");
    assert!(s3.iter().any(|d| d == "aws-sdk-kms"), "{s3:?}");
}
