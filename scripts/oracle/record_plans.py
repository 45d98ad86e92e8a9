#!/usr/bin/env python3
"""Plans every configuration of tests/oracle/configs with Terraform and records what it decided.

For each configuration: `terraform init`, `terraform plan -detailed-exitcode -out`, and for a
plan that succeeded `terraform show -json` of it, reduced to what tests/oracle_plans.rs compares
(exit code, error summaries, each resource change's actions and after/after_unknown/
after_sensitive, each output change, the plan JSON's top-level keys and its relevant attributes). The answers go to
tests/oracle/plans.json.
"""

import concurrent.futures
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

from terraform import ENV, ERROR, require, version

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONFIGS = ROOT / "tests" / "oracle" / "configs"
FIXTURES = ROOT / "tests" / "oracle" / "plans.json"


def run(args, cwd):
    return subprocess.run(["terraform", *args], capture_output=True, text=True, cwd=cwd, env=ENV, timeout=120)


def reduce(plan):
    """What is compared of Terraform's plan JSON."""
    changes = {}
    for rc in plan.get("resource_changes", []):
        c = rc["change"]
        changes[rc["address"]] = {
            "actions": c["actions"],
            "after": c.get("after"),
            "after_unknown": c.get("after_unknown"),
            "after_sensitive": c.get("after_sensitive"),
        }
    outputs = {}
    for name, c in plan.get("output_changes", {}).items():
        outputs[name] = {
            "actions": c["actions"],
            "after": c.get("after"),
            "after_unknown": c.get("after_unknown"),
            "after_sensitive": c.get("after_sensitive"),
        }
    relevant = sorted(json.dumps(r, sort_keys=True) for r in plan.get("relevant_attributes", []))
    return {
        "keys": sorted(plan.keys()),
        "resource_changes": changes,
        "output_changes": outputs,
        "relevant_attributes": [json.loads(r) for r in relevant],
        "checks": sorted((c for c in plan.get("checks", [])), key=lambda c: json.dumps(c, sort_keys=True)),
        "configuration": plan.get("configuration"),
    }


def ask(config):
    with tempfile.TemporaryDirectory(prefix="oracle-plan-") as tmp:
        work = pathlib.Path(tmp) / "w"
        shutil.copytree(config, work)
        init = run(["init", "-input=false", "-no-color"], work)
        if init.returncode != 0:
            return config.name, {"exit_code": 1, "errors": ERROR.findall(init.stderr), "plan": None}
        plan = run(["plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=tfplan"], work)
        answer = {"exit_code": plan.returncode, "errors": ERROR.findall(plan.stderr), "plan": None}
        if plan.returncode in (0, 2):
            shown = run(["show", "-json", "tfplan"], work)
            answer["plan"] = reduce(json.loads(shown.stdout))
        return config.name, answer


def main():
    require()
    configs = sorted(p for p in CONFIGS.iterdir() if p.is_dir())
    old = json.loads(FIXTURES.read_text(encoding="utf-8"))["answers"] if FIXTURES.exists() else {}
    answers = {}
    with concurrent.futures.ThreadPoolExecutor((os.cpu_count() or 2) * 2) as pool:
        for i, (name, answer) in enumerate(pool.map(ask, configs), 1):
            answers[name] = answer
            if i % 50 == 0 or i == len(configs):
                print(f"  {i}/{len(configs)} configurations planned", file=sys.stderr, flush=True)
    changed = [n for n in answers if n in old and old[n] != answers[n]]
    for n in changed[:30]:
        print(f"changed: {n}", file=sys.stderr)
    FIXTURES.write_text(json.dumps({"terraform_version": version(), "answers": answers}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(answers)} plans recorded in {FIXTURES}: {len(changed)} changed", file=sys.stderr)


if __name__ == "__main__":
    main()
