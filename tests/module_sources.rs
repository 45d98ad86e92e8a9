//! Module sources other than local paths: a git repository (`git::URL//dir?ref=TAG`) and a
//! module registry (the documented protocol, served on 127.0.0.1 by this test), fetched by
//! `init` only, locked to exact versions and commits, upgraded only when asked.

use crate::util::{block_on, start_moto, workspace, Clients};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

fn git(repo: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["-c", "user.name=infinstor-test", "-c", "user.email=test@example.com"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A repository whose `modules/param` module writes its version into an SSM parameter;
/// each version is a tag.
fn module_repo(dir: &Path) -> PathBuf {
    let repo = dir.join("param-module");
    std::fs::create_dir_all(repo.join("modules/param")).expect("mkdir");
    git(&repo, &["init", "--quiet"]);
    for version in ["1.0.0", "1.1.0", "2.0.0"] {
        release(&repo, version);
    }
    repo
}

fn release(repo: &Path, version: &str) {
    std::fs::write(
        repo.join("modules/param/main.tf"),
        format!(
            "variable \"name\" {{\n  type = string\n}}\n\nresource \"aws_ssm_parameter\" \"p\" {{\n  name  = var.name\n  type  = \"String\"\n  value = \"v{version}\"\n}}\n\noutput \"version\" {{\n  value = \"{version}\"\n}}\n"
        ),
    )
    .expect("write");
    git(repo, &["add", "."]);
    git(repo, &["commit", "--quiet", "-m", &format!("release {version}")]);
    git(repo, &["tag", &format!("v{version}")]);
}

/// A module registry on 127.0.0.1 serving `acme/param/aws` with the repository's tags as
/// versions; returns its host:port.
fn registry(repo: PathBuf) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let host = format!("127.0.0.1:{}", listener.local_addr().expect("addr").port());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            // Headers end with an empty line.
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                line.clear();
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            let tags = git(&repo, &["tag"]);
            let versions: Vec<&str> = tags.lines().map(|t| t.trim_start_matches('v')).collect();
            let (status, headers, body) = match path.as_str() {
                "/.well-known/terraform.json" => {
                    ("200 OK", String::new(), r#"{"modules.v1":"/v1/modules/"}"#.to_string())
                }
                "/v1/modules/acme/param/aws/versions" => {
                    let list: Vec<String> = versions.iter().map(|v| format!(r#"{{"version":"{v}"}}"#)).collect();
                    (
                        "200 OK",
                        String::new(),
                        format!(r#"{{"modules":[{{"versions":[{}]}}]}}"#, list.join(",")),
                    )
                }
                p if p.starts_with("/v1/modules/acme/param/aws/") && p.ends_with("/download") => {
                    let v = p
                        .trim_start_matches("/v1/modules/acme/param/aws/")
                        .trim_end_matches("/download");
                    (
                        "204 No Content",
                        format!("X-Terraform-Get: git::file://{}?ref=v{v}\r\n", repo.display()),
                        String::new(),
                    )
                }
                _ => ("404 Not Found", String::new(), "{}".to_string()),
            };
            let mut stream = stream;
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    host
}

fn parameter(moto: &crate::util::Moto, name: &str) -> Option<String> {
    block_on(async {
        let out = moto.ssm().get_parameter().name(name).send().await.ok()?;
        out.parameter().and_then(|p| p.value()).map(str::to_string)
    })
}

#[test]
fn git_and_registry_modules_are_fetched_by_init_and_locked() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    let repo = module_repo(ws.dir.path());
    let host = registry(repo.clone());
    ws.write(
        "main.tf",
        &format!(
            r#"module "pinned" {{
  source = "git::file://{}//modules/param?ref=v1.0.0"
  name   = "/sources/pinned"
}}

module "registry" {{
  source  = "{host}/acme/param/aws//modules/param"
  version = "~> 1.0"
  name    = "/sources/registry"
}}

output "versions" {{
  value = [module.pinned.version, module.registry.version]
}}
"#,
            repo.display()
        ),
    );
    // plan never downloads: it says what to run.
    let before = ws.run(&["plan"]).expect_code(1);
    assert!(before.stderr.contains("Module not installed"), "{}", before.stderr);
    assert!(before.stderr.contains("Run `infinstor init`"), "{}", before.stderr);

    let init = ws.run(&["init"]).expect_code(0);
    assert!(init.stdout.contains("module.registry: downloaded"), "{}", init.stdout);
    let lock: serde_json::Value = serde_json::from_str(&ws.read("infinstor.lock.json")).expect("lock json");
    assert_eq!(lock["modules"]["registry"]["version"], "1.1.0", "the highest ~> 1.0");
    assert_eq!(
        lock["modules"]["pinned"]["commit"],
        git(&repo, &["rev-parse", "v1.0.0^{commit}"])
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(parameter(&moto, "/sources/pinned").as_deref(), Some("v1.0.0"));
    assert_eq!(parameter(&moto, "/sources/registry").as_deref(), Some("v1.1.0"));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // A new release: init keeps what is locked; -upgrade takes it.
    release(&repo, "1.2.0");
    let again = ws.run(&["init"]).expect_code(0);
    assert!(
        again.stdout.contains("as locked in infinstor.lock.json"),
        "{}",
        again.stdout
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    ws.run(&["init", "-upgrade"]).expect_code(0);
    let lock: serde_json::Value = serde_json::from_str(&ws.read("infinstor.lock.json")).expect("lock json");
    assert_eq!(lock["modules"]["registry"]["version"], "1.2.0");
    let plan = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout
            .contains("module.registry.aws_ssm_parameter.p will be updated in-place"),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(parameter(&moto, "/sources/registry").as_deref(), Some("v1.2.0"));

    // A constraint nothing matches, and a version on a git source, are errors.
    let main = ws.read("main.tf");
    ws.write("main.tf", &main.replace("~> 1.0", "~> 5.0"));
    let none = ws.run(&["init"]).expect_code(1);
    assert!(
        none.stderr.contains("no version of the module matches \"~> 5.0\""),
        "{}",
        none.stderr
    );
    assert!(
        none.stderr.contains("1.0.0, 1.1.0, 1.2.0, 2.0.0") || none.stderr.contains("1.2.0"),
        "{}",
        none.stderr
    );
    ws.write(
        "main.tf",
        &main.replace("?ref=v1.0.0\"\n", "?ref=v1.0.0\"\n  version = \"1.0.0\"\n"),
    );
    let version = ws.run(&["validate"]).expect_code(1);
    assert!(
        version.stderr.contains("applies to registry modules only"),
        "{}",
        version.stderr
    );
}

#[test]
fn sources_infinstor_cannot_fetch_are_errors_at_their_place() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        "module \"a\" {\n  source = \"s3::https://s3.amazonaws.com/bucket/vpc.zip\"\n}\n\nmodule \"b\" {\n  source = \"https://example.com/vpc.zip\"\n}\n\nmodule \"c\" {\n  source = \"modules/vpc\"\n}\n",
    );
    let run = ws.run(&["validate"]).expect_code(1);
    insta::assert_snapshot!(run.stderr);
}
