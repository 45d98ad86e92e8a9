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

/// The folder names under `dir` (relative to the repository), sorted.
fn folders(dir: &str) -> Vec<String> {
    let root = test_support::repo_root().join(dir);
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') && n != "target")
        .collect();
    names.sort();
    names
}

#[test]
fn readme_layout_names_every_folder_of_the_tree() {
    let readme = std::fs::read_to_string(test_support::repo_root().join("README.md")).expect("README.md");
    let start = readme.find("## Layout").expect("a Layout section");
    let layout = &readme[start..];
    let layout = &layout[..layout.find("\n## ").unwrap_or(layout.len())];
    let mut missing = Vec::new();
    for top in folders(".") {
        if !layout.contains(&format!("{top}/")) {
            missing.push(top);
        }
    }
    for dir in ["engine/src", "providers/src", "state/src", "crates"] {
        for sub in folders(dir) {
            if !layout.contains(&format!("{sub}/")) {
                missing.push(format!("{dir}/{sub}"));
            }
        }
    }
    assert!(missing.is_empty(), "README's Layout section does not name {missing:?}");
}

#[test]
fn test_files_stay_under_800_lines() {
    let root = test_support::repo_root();
    let mut long = Vec::new();
    for dir in ["tests", "tests/util", "engine/tests", "providers/tests"] {
        for entry in std::fs::read_dir(root.join(dir))
            .expect("test folder")
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "rs") {
                let lines = std::fs::read_to_string(&path).map(|t| t.lines().count()).unwrap_or(0);
                if lines > 800 {
                    long.push(format!("{} ({lines} lines)", path.display()));
                }
            }
        }
    }
    assert!(long.is_empty(), "split these test files by what they test: {long:?}");
}
