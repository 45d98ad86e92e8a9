#!/usr/bin/env python3
"""Asks Terraform what each expression of the corpus means and records its answers as fixtures.

For every line of tests/oracle/expressions.txt, `terraform console` evaluates the expression
itself, `type(...)` of it and `jsonencode(...)` of it, each in a process of its own (the console
prints only the last result of piped input and stops at the first error). The answers go to
tests/oracle/terraform.json; the differences from the previous fixtures are printed, so a new
Terraform version shows what it changed.
"""

import concurrent.futures
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import threading

from terraform import ENV, ERROR, require, version

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "oracle" / "expressions.txt"
FIXTURES = ROOT / "tests" / "oracle" / "terraform.json"

local = threading.local()


def workdir():
    # The console locks the directory's state, so every worker has a directory of its own.
    if not hasattr(local, "dir"):
        local.dir = tempfile.mkdtemp(prefix="oracle-")
    return local.dir


def console(expr):
    """(printed value, error) of one expression; exactly one of them is None."""
    done = subprocess.run(
        ["terraform", "console", "-no-color"], input=expr + "\n", capture_output=True,
        text=True, cwd=workdir(), env=ENV, timeout=60,
    )
    if done.returncode == 0:
        return done.stdout.rstrip("\n"), None
    found = ERROR.search(done.stderr)
    if not found:
        raise RuntimeError(f"terraform console failed without a diagnostic on {expr!r}: {done.stderr}")
    # The detail is what follows the "(source code not available)" or the location lines.
    lines = done.stderr[found.end():].strip("\n").splitlines()
    detail = [l.strip() for l in lines if l.strip() and not l.strip().startswith("on <console-input>")
              and l.strip() != "(source code not available)"]
    # A panic inside Terraform prints a stack trace: its first sentence is enough to compare.
    return None, {"summary": found.group(1).strip(), "detail": " ".join(detail)[:300]}


def ask(expr):
    value, error = console(expr)
    answer = {"value": value, "error": error, "type": None, "json": None}
    if error is None:
        answer["type"], _ = console(f"type({expr})")
        printed, _ = console(f"jsonencode({expr})")
        # The console prints the JSON text as an HCL string: decode it back to the text itself.
        if printed is not None and printed.startswith('"'):
            answer["json"] = json.loads(printed)
    return expr, answer



def main():
    require()
    exprs = [line.split("\t", 1)[1] for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    old = json.loads(FIXTURES.read_text(encoding="utf-8"))["answers"] if FIXTURES.exists() else {}
    answers = {}
    workers = int(os.environ.get("ORACLE_JOBS", str((os.cpu_count() or 2) * 4)))
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for i, (expr, answer) in enumerate(pool.map(ask, exprs), 1):
            answers[expr] = answer
            if i % 250 == 0 or i == len(exprs):
                print(f"  {i}/{len(exprs)} expressions asked", file=sys.stderr, flush=True)
    changed = [e for e in answers if e in old and old[e] != answers[e]]
    added = [e for e in answers if e not in old]
    for e in changed[:50]:
        print(f"changed: {e}\n  was {old[e]}\n  now {answers[e]}", file=sys.stderr)
    doc = {"terraform_version": version(), "answers": answers}
    FIXTURES.write_text(json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{len(answers)} answers recorded in {FIXTURES}: {len(added)} new, {len(changed)} changed, "
          f"{len([e for e in old if e not in answers])} dropped", file=sys.stderr)


if __name__ == "__main__":
    main()
