//! The plan as a picture, in a real browser: pages written by `show --format html` are opened
//! in headless Chromium (Debian's `chromium`, which scripts/test.sh installs) driven by
//! Playwright (`playwright-core` from npm, installed into target/playwright on first use) through
//! tests/browser/picture.js. Screenshots of the 300-change plan and of the 5,000-change plan's
//! overview are kept as target/picture/plan-300.png and plan-5000.png.

use crate::util::{install, start_moto, workspace};
use std::path::PathBuf;
use std::process::Command;

const PLAYWRIGHT: &str = "playwright-core@1.65.2";

/// The directory whose node_modules hold playwright-core, installing it the first time.
fn playwright() -> PathBuf {
    let dir = test_support::repo_root().join("target").join("playwright");
    if !dir
        .join("node_modules")
        .join("playwright-core")
        .join("package.json")
        .exists()
    {
        std::fs::create_dir_all(&dir).expect("target/playwright");
        install(PLAYWRIGHT, || {
            let mut npm = Command::new("npm");
            npm.args(["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix"])
                .arg(&dir)
                .arg(PLAYWRIGHT);
            npm
        });
    }
    dir
}

/// Chromium: `INFINSTOR_CHROMIUM`, or Debian's.
fn chromium() -> PathBuf {
    let path = std::env::var_os("INFINSTOR_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        path.exists(),
        "{} is missing: the plan picture's browser test needs Chromium. scripts/test.sh installs Debian's `chromium` (apt-get install chromium), or set INFINSTOR_CHROMIUM to a Chromium binary.",
        path.display()
    );
    path
}

const STORAGE: &str = r#"
variable "name" {
  type = string
}

resource "aws_s3_bucket" "data" {
  bucket = var.name
}

output "id" {
  value = aws_s3_bucket.data.id
}
"#;

const ITEMS: &str = r#"
variable "bucket" {
  type = string
}

resource "terraform_data" "item" {
  count = 298
  input = "${var.bucket}/${count.index}"
}
"#;

fn root(bucket: &str, trusted: &str, items: bool) -> String {
    let items = if items {
        "module \"items\" {\n  source = \"./modules/items\"\n  bucket = module.storage.id\n}\n"
    } else {
        ""
    };
    format!(
        r#"
module "storage" {{
  source = "./modules/storage"
  name   = "{bucket}"
}}

{items}
resource "aws_iam_role" "reader" {{
  name = "picture-reader"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = {{ AWS = "arn:aws:iam::{trusted}:root" }}
    }}]
  }})
}}
"#
    )
}

/// A plan of `modules * per_module` random IDs, in `modules` module instances.
fn big_plan_page(modules: usize, per_module: usize) -> PathBuf {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        &format!("module \"shard\" {{\n  source = \"./shard\"\n  count  = {modules}\n}}\n"),
    );
    ws.write(
        "shard/main.tf",
        &format!("resource \"random_id\" \"r\" {{\n  count       = {per_module}\n  byte_length = 4\n}}\n"),
    );
    ws.run(&["init"]).expect_code(0);
    let page = ws.run(&["plan", "--format", "html"]).expect_code(0);
    let path = test_support::repo_root()
        .join("target")
        .join("picture")
        .join("plan-5000.html");
    std::fs::write(&path, page.stdout).expect("page");
    path
}

#[test]
fn a_reviewer_reads_a_300_change_plan_in_a_browser() {
    let chromium = chromium();
    let packages = playwright();
    let out_dir = test_support::repo_root().join("target").join("picture");
    std::fs::create_dir_all(&out_dir).expect("target/picture");
    for old in ["plan-300.png", "plan-5000.png"] {
        let _ = std::fs::remove_file(out_dir.join(old));
    }
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("modules/storage/main.tf", STORAGE);
    ws.write("modules/items/main.tf", ITEMS);
    ws.write("main.tf", &root("picture-first", "123456789012", false));
    ws.run(&["init"]).expect_code(0);
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    // A new bucket name replaces the bucket; 298 items depend on it; the role trusts another
    // account.
    ws.write("main.tf", &root("picture-second", "111122223333", true));
    ws.run(&["plan", "--out", "plan.out"]).expect_code(0);
    let html = ws.run(&["show", "plan.out", "--format", "html"]).expect_code(0).stdout;
    let page = out_dir.join("plan-300.html");
    std::fs::write(&page, &html).expect("page");
    let summary = html
        .split("<p id=\"summary\">")
        .nth(1)
        .and_then(|s| s.split('<').next());
    assert_eq!(summary, Some("Plan: 299 to add, 1 to change, 1 to destroy."));
    let big = big_plan_page(50, 100);
    let screenshot = out_dir.join("plan-300.png");
    let run = Command::new("node")
        .arg(test_support::repo_root().join("tests/browser/picture.js"))
        .arg(&chromium)
        .arg(&page)
        .arg(&screenshot)
        .arg("module.storage.aws_s3_bucket.data")
        .arg("module.storage")
        .arg(&big)
        .env("NODE_PATH", packages.join("node_modules"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run node ({e}): the browser test needs Node.js 18+ and npm"));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let seen: serde_json::Value = serde_json::from_str(stdout.trim()).expect("the script's JSON");
    let text = |p: &str| seen.pointer(p).and_then(|v| v.as_str()).unwrap_or_default().to_string();
    let number = |p: &str| seen.pointer(p).and_then(|v| v.as_u64()).unwrap_or(u64::MAX);
    // It loads with no error and asks for nothing over the network.
    assert_eq!(seen["page"]["errors"], serde_json::json!([]), "{seen}");
    assert_eq!(seen["page"]["requests"], serde_json::json!([]), "{seen}");
    assert_eq!(text("/summary"), "Plan: 299 to add, 1 to change, 1 to destroy.");
    // The items' 298 instances open collapsed: the page shows the bucket, the role and a box.
    assert_eq!(number("/nodes"), 2, "{seen}");
    // A click on the replaced bucket shows its diff, and what it drags with it.
    assert!(
        text("/clickTitle").starts_with("module.storage.aws_s3_bucket.data"),
        "{seen}"
    );
    assert!(text("/clickDiff").contains("must be replaced"), "{seen}");
    assert!(text("/clickDiff").contains("# forces replacement"), "{seen}");
    assert!(text("/clickSelected").contains("selected"), "{seen}");
    assert!(number("/replacedEdges") >= 1, "{seen}");
    let lists = seen["clickLists"].to_string();
    assert!(lists.contains("Replacing or destroying it affects (298)"), "{seen}");
    // The access review links to the role's node.
    assert!(number("/findingLinks") >= 1, "{seen}");
    assert_eq!(text("/findingAddress"), "aws_iam_role.reader");
    assert!(text("/findingTitle").starts_with("aws_iam_role.reader"), "{seen}");
    assert!(text("/findingSelected").contains("selected"), "{seen}");
    // A module collapses into one box that counts what it holds, and expands again.
    assert_eq!(seen["collapsed"]["folded"], 1, "{seen}");
    assert!(number("/collapsed/after") < number("/collapsed/before"), "{seen}");
    assert_eq!(text("/collapsed/counts"), "1 replace");
    assert_eq!(seen["expanded"]["folded"], 0, "{seen}");
    assert_eq!(number("/expanded/after"), number("/collapsed/before"), "{seen}");
    assert_eq!(number("/allExpanded"), 300, "{seen}");
    assert_eq!(number("/allCollapsed"), 1, "{seen}");
    // Search and keys.
    assert_eq!(text("/searchFocused"), "search");
    assert_eq!(text("/searchMatches"), "1 match");
    assert!(
        text("/searchTitle").starts_with("module.storage.aws_s3_bucket.data"),
        "{seen}"
    );
    assert!(
        !text("/keyboardTitle").is_empty() && text("/keyboardTitle") != "Select a node",
        "{seen}"
    );
    assert_eq!(number("/draggedWhenOpen"), 298, "{seen}");
    assert!(screenshot.exists());
    assert!(out_dir.join("plan-5000.png").exists());
    // 5,000 changes: small, collapsed by module, and every node drawn when expanded.
    let size = std::fs::metadata(&big).expect("big page").len();
    assert!(size < 2 * 1024 * 1024, "{size} bytes");
    assert_eq!(seen["big"]["errors"], serde_json::json!([]), "{seen}");
    assert_eq!(number("/big/folded"), 50, "{seen}");
    assert_eq!(number("/big/expandedNodes"), 5000, "{seen}");
    eprintln!(
        "plan-300.html: {} bytes, loaded in {} ms; plan-5000.html: {size} bytes, loaded in {} ms; screenshot {}",
        html.len(),
        number("/page/loadMs"),
        number("/big/loadMs"),
        screenshot.display()
    );
}

/// `graph` of tests/data/graph/summary, a configuration of `terraform_data` in nested modules
/// with `count` and `for_each`; terraform-graph.dot is what `terraform graph` (1.11.4) printed
/// for it.
fn graph_workspace() -> test_support::Workspace {
    let ws = workspace(None);
    ws.copy_example("tests/data/graph/summary");
    ws.run(&["init"]).expect_code(0);
    ws
}

#[test]
fn graph_prints_terraforms_resource_summary_and_each_type_as_valid_dot_or_svg() {
    let ws = graph_workspace();
    let terraform =
        std::fs::read_to_string(test_support::repo_root().join("tests/data/graph/summary/terraform-graph.dot"))
            .expect("recorded graph");
    assert_eq!(ws.run(&["graph"]).expect_code(0).stdout, terraform);
    fn edges(text: &str) -> usize {
        let ast = dot_parser::ast::Graph::try_from(text).unwrap_or_else(|e| panic!("invalid DOT ({e}):\n{text}"));
        dot_parser::canonical::Graph::from(ast).edges.set.len()
    }
    let edge =
        |text: &str, from: &str, to: &str| text.contains(&format!("  \"{from}\" -> \"{to}\"")) && edges(text) > 1;
    let plan = ws.run(&["graph", "-type=plan"]).expect_code(0).stdout;
    assert!(edge(&plan, "terraform_data.b", "terraform_data.a"), "{plan}");
    assert!(plan.contains("  \"module.m.var.v\";"), "{plan}");
    assert_eq!(
        ws.run(&["graph", "-type=plan-refresh-only"]).expect_code(0).stdout,
        plan
    );
    let destroy = ws.run(&["graph", "-type=plan-destroy"]).expect_code(0).stdout;
    assert!(edge(&destroy, "terraform_data.a", "terraform_data.b"), "{destroy}");
    // The changes of a plan, new or saved, each labelled with its action.
    let apply = ws.run(&["graph", "-type=apply"]).expect_code(0).stdout;
    assert!(apply.contains("[label=\"terraform_data.c[1] (create)\""), "{apply}");
    assert!(
        apply.contains("  subgraph \"cluster_module.k[\\\"x\\\"]\" {"),
        "{apply}"
    );
    assert!(edge(&apply, "terraform_data.c[1]", "terraform_data.a"), "{apply}");
    ws.run(&["plan", "--out", "plan.out"]).expect_code(0);
    assert_eq!(ws.run(&["graph", "-plan=plan.out"]).expect_code(0).stdout, apply);
    // SVG: every resource with its address, in modules' boxes.
    let svg = ws.run(&["graph", "-format=svg"]).expect_code(0).stdout;
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{svg}");
    assert_eq!(svg.matches("<g class=\"node ").count(), 11, "{svg}");
    assert!(
        svg.contains("<title>module.m.module.n.terraform_data.e</title>"),
        "{svg}"
    );
    assert!(svg.contains(">module.n</text>"), "{svg}");
    let svg_plan = ws
        .run(&["graph", "-plan=plan.out", "-format=svg"])
        .expect_code(0)
        .stdout;
    assert_eq!(svg_plan.matches("<g class=\"node create\"").count(), 12, "{svg_plan}");
    // What is not supported, or makes no sense together, says so.
    let cycles = ws.run(&["graph", "-draw-cycles"]).expect_code(1);
    assert!(
        cycles.stderr.contains("-draw-cycles is not supported yet"),
        "{}",
        cycles.stderr
    );
    let both = ws.run(&["graph", "-plan=plan.out", "-type=plan"]).expect_code(1);
    assert!(both.stderr.contains("-plan draws a plan's changes"), "{}", both.stderr);
    let depth = ws.run(&["graph", "-module-depth=1"]).expect_code(0);
    assert!(depth.stderr.contains("-module-depth has no effect"), "{}", depth.stderr);
    assert_eq!(depth.stdout, terraform);
}
