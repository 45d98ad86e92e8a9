//! Times `infinstor apply` against the emulator behind the proxy holding every AWS call a fixed
//! time, as a far-away endpoint would: how close an apply comes to what its calls and
//! `--parallelism` allow.
//!
//! `cargo run -p test-support --example latency -- [BINARY]` (default `target/debug/infinstor`);
//! needs the emulator as the tests do (`INFINSTOR_MOTO_SERVER` or `.venv/`).

use std::time::{Duration, Instant};
use test_support::{Moto, Proxy, Rule, Workspace};

/// `n` SSM parameters, each its own resource block: nothing depends on anything.
fn independent(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "resource \"aws_ssm_parameter\" \"p{i}\" {{\n  name  = \"/latency/p{i}\"\n  type  = \"String\"\n  value = \"v{i}\"\n}}\n"
            )
        })
        .collect()
}

/// `roles` IAM roles as one `count` resource, then a chain of `chain` parameters, each taking
/// the previous one's ARN.
fn count_and_chain(roles: usize, chain: usize) -> String {
    let mut out = format!(
        "resource \"aws_iam_role\" \"r\" {{\n  count = {roles}\n  name  = \"latency-${{count.index}}\"\n  assume_role_policy = jsonencode({{ Version = \"2012-10-17\", Statement = [{{ Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = {{ Service = \"ec2.amazonaws.com\" }} }}] }})\n}}\n"
    );
    for i in 0..chain {
        let value = if i == 0 {
            "\"start\"".to_string()
        } else {
            format!("aws_ssm_parameter.c{}.arn", i - 1)
        };
        out.push_str(&format!(
            "resource \"aws_ssm_parameter\" \"c{i}\" {{\n  name  = \"/latency/c{i}\"\n  type  = \"String\"\n  value = {value}\n}}\n"
        ));
    }
    out
}

fn main() {
    let binary = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/debug/infinstor".into());
    let binary = std::fs::canonicalize(&binary).unwrap_or_else(|e| {
        eprintln!("error: no infinstor binary at {binary}: {e}; build it (cargo build) or pass its path");
        std::process::exit(2);
    });
    let moto = Moto::start();
    let proxy = Proxy::start(&moto.endpoint);
    println!("| configuration | latency per call | -parallelism | AWS calls | most in flight | wall |");
    println!("|---|---|---|---|---|---|");
    let cases: [(&str, String, u64, usize); 4] = [
        ("40 independent parameters", independent(40), 200, 1),
        ("40 independent parameters", independent(40), 200, 10),
        (
            "300 roles (count) + chain of 5 parameters",
            count_and_chain(300, 5),
            100,
            10,
        ),
        (
            "300 roles (count) + chain of 5 parameters",
            count_and_chain(300, 5),
            100,
            50,
        ),
    ];
    for (name, config, ms, parallelism) in cases {
        moto.reset();
        let ws = Workspace::new(&binary, Some(&moto));
        ws.write("main.tf", &config);
        proxy.set_rule(Rule::Latency(Duration::from_millis(ms)));
        let mut c = ws.command(&["apply", "-auto-approve", &format!("-parallelism={parallelism}")]);
        c.env("AWS_ENDPOINT_URL", &proxy.endpoint);
        let start = Instant::now();
        let (run, _) = proxy.run(c);
        let wall = start.elapsed();
        if run.code != 0 {
            eprintln!("{name}: apply failed\n{}\n{}", run.stdout, run.stderr);
            std::process::exit(1);
        }
        println!(
            "| {name} | {ms} ms | {parallelism} | {} | {} | {:.2} s |",
            proxy.calls().len(),
            proxy.most_in_flight(),
            wall.as_secs_f64()
        );
    }
}
