#!/usr/bin/env python3
"""Runs the examples of public AWS modules through `infinstor validate` and `plan`.

Each module repository in REPOS is read at its pinned commit: from a local snapshot when
$INFINSTOR_MIRRORS is set and one is at $INFINSTOR_MIRRORS/OWNER+NAME/repo (a bare git
directory), else cloned from GitHub (this needs the network). `--all` adds the repositories in
EXTRA at their snapshot's HEAD, so it needs the snapshots. Nothing of theirs is copied into this repository: every example is
exported to a temporary directory and run there. Each `examples/*` directory is validated, then
planned against the AWS API emulator (`-refresh=false`, since their data sources and imports
name objects that do not exist here). The table on stdout (Markdown, as README shows it) gives
per example: validate ok, plan ok, and the first blocker of a failure, classified:

- `type not supported yet: NAME`: a resource or data source type infinstor does not have;
- `remote module`: the example calls a registry or git module, which needs `infinstor init`
  (and the network). A terraform-aws-modules registry module with a snapshot is read from it
  instead, at the newest tag the call's `version` allows, as `init` would fetch it (the
  exported copy of the example is pointed at it; `--no-registry` leaves the calls as they are);
- `provider not supported yet: NAME`: a provider other than the ones infinstor has;
- `argument not supported yet: TYPE.NAME`: an argument of a supported type infinstor lacks;
- `argument value not supported yet: TYPE.NAME`: a value of it infinstor cannot act on yet;
- `language, not supported yet: NAME`: a construct of the language infinstor does not have;
- `needs existing objects` / `needs input`: a data source finds nothing in the emulator, or a
  variable has no default (what the example expects of its surroundings);
- `language: SUMMARY`: anything else infinstor refuses (what this measure exists to find);
- `emulator: ...`: the plan reached AWS and the emulator failed.

Usage: python3 scripts/modules/measure.py [--bin target/debug/infinstor] [--json OUT]
"""

import argparse
import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]

# terraform-aws-modules repositories and the commits measured (the snapshots at hand).
REPOS = {
    "terraform-aws-modules/terraform-aws-s3-bucket": "dd0c434de5e74d8864e249ee020d917b076b6e32",
    "terraform-aws-modules/terraform-aws-iam": "981121bcd17618b8ed032223c0d9e647b9277ef9",
    "terraform-aws-modules/terraform-aws-kms": "407e3db34a65b384c20ef718f55d9ceacb97a846",
    "terraform-aws-modules/terraform-aws-dynamodb-table": "45c9cb10c2f6209e7362bba92cadd5ab3c9e2003",
    "terraform-aws-modules/terraform-aws-sns": "8df4ec0dac110e19ddae212ed953c34bc7bb4462",
    "terraform-aws-modules/terraform-aws-sqs": "cc15171d03a9635784bea6aa6d456556d5cce739",
}
EXTRA = ["terraform-aws-cloudwatch", "terraform-aws-lambda", "terraform-aws-vpc", "terraform-aws-security-group",
         "terraform-aws-eventbridge", "terraform-aws-ecr", "terraform-aws-secrets-manager", "terraform-aws-acm"]

ERROR = re.compile(r"^Error: (.*)$", re.M)
UNSUPPORTED = re.compile(r'does not support (?:resource|data source) type "([^"]+)"'
                         r'|"([a-z0-9_]+)" is a (?:resource|data source) type of the Terraform provider, but infinstor')
ARGUMENT = re.compile(r'in (?:resource|data) "([a-z0-9_]+)" "[^"]+":\n(?:.*\n){1,4}?An argument named "([a-z0-9_]+)" is not expected')
PROVIDER = re.compile(r'"([a-z0-9-]+)" is not available')
# "Not supported yet" at an argument of a supported type: a value infinstor cannot act on yet
# (a `keybase:` PGP key, which would be fetched from keybase.io).
NOT_YET_VALUE = re.compile(r'^Error: Not supported yet\n\n  on [^\n]*, in resource "([a-z0-9_]+)" "[^"]+":\n\s*\d+:\s*([a-z0-9_]+)\s*=', re.M)
NOT_YET = re.compile(r'(?:A|The) "([a-z_-]+)" (?:block|argument)[^\n]* is part of the Terraform language, but infinstor does not support it yet')


def mirror(repo):
    """The local snapshot of `repo` under $INFINSTOR_MIRRORS, if there is one."""
    base = os.environ.get("INFINSTOR_MIRRORS")
    if not base:
        return None
    owner, name = repo.split("/")
    path = pathlib.Path(base) / f"{owner}+{name}" / "repo"
    return path if path.exists() else None


def export(repo, commit, dest):
    """The repository's tree at `commit` in `dest`."""
    git_dir = mirror(repo)
    if git_dir is None:
        clone = dest.parent / (dest.name + ".git")
        subprocess.run(["git", "clone", "--bare", "--quiet", f"https://github.com/{repo}.git", str(clone)], check=True)
        git_dir = clone
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", f"--git-dir={git_dir}", "archive", commit], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)


# A registry module of terraform-aws-modules, as examples call them:
# `terraform-aws-modules/NAME/aws` or `terraform-aws-modules/NAME/aws//modules/SUB`.
REGISTRY = re.compile(r'^terraform-aws-modules/([a-z0-9-]+)/aws(?://(.*))?$')
MODULE_BLOCK = re.compile(r'^module\s+"[^"]+"\s*\{', re.M)
SOURCE_LINE = re.compile(r'^(\s*)source(\s*)=\s*"([^"]+)"\s*$', re.M)
VERSION_LINE = re.compile(r'^\s*version\s*=\s*"([^"]*)"\s*\n', re.M)


def version_key(tag):
    """(major, minor, patch) of a tag `vX.Y.Z` or `X.Y.Z`; None for other tags."""
    m = re.fullmatch(r'v?(\d+)\.(\d+)\.(\d+)', tag)
    return tuple(int(x) for x in m.groups()) if m else None


def allows(constraint, v):
    """Whether version `v` meets a Terraform version constraint (`~> 4.0`, `>= 2.1, < 3`, `1.2.3`)."""
    for part in filter(None, (p.strip() for p in constraint.split(","))):
        m = re.fullmatch(r'(~>|>=|<=|!=|>|<|=)?\s*v?(\d+(?:\.\d+){0,2})', part)
        if not m:
            return False
        op, text = m.group(1) or "=", m.group(2)
        want = [int(x) for x in text.split(".")]
        full = tuple(want + [0] * (3 - len(want)))
        if op == "~>":
            # ~> 4.0 allows 4.x; ~> 4.1.2 allows 4.1.x from 4.1.2.
            fixed = want[:-1] if len(want) > 1 else want
            if v < full or list(v[:len(fixed)]) != fixed:
                return False
        elif not {"=": v == full, "!=": v != full, ">": v > full, ">=": v >= full, "<": v < full,
                  "<=": v <= full}[op]:
            return False
    return True


def registry_tree(name, constraint, work):
    """The tree of registry module `terraform-aws-modules/NAME/aws` at the newest tag of its
    snapshot that `constraint` allows, exported under `work` (what `init` would fetch), or None
    when there is no snapshot or no such tag."""
    repo = f"terraform-aws-modules/terraform-aws-{name}"
    git_dir = mirror(repo)
    if git_dir is None:
        return None
    tags = subprocess.run(["git", f"--git-dir={git_dir}", "tag"], capture_output=True, text=True).stdout.split()
    versions = sorted((version_key(t), t) for t in tags if version_key(t) and allows(constraint or ">= 0", version_key(t)))
    if not versions:
        return None
    tag = versions[-1][1]
    dest = work / "registry" / f"{name}@{tag}"
    if not dest.exists():
        export(repo, tag, dest)
    return dest


def resolve_registry_modules(example, work):
    """Points each call of a terraform-aws-modules registry module in `example`'s files at its
    snapshot, the way `init` fetches it: the newest tag its `version` allows. Only the
    exported copy changes."""
    for tf in example.glob("*.tf"):
        text = tf.read_text()
        out, at = [], 0
        for block in MODULE_BLOCK.finditer(text):
            start, depth, i = block.start(), 0, block.end() - 1
            while i < len(text):
                depth += {"{": 1, "}": -1}.get(text[i], 0)
                if depth == 0:
                    break
                i += 1
            body = text[start:i + 1]
            source = SOURCE_LINE.search(body)
            m = REGISTRY.match(source.group(3)) if source else None
            if m:
                version = VERSION_LINE.search(body)
                tree = registry_tree(m.group(1), version.group(1) if version else "", work)
                if tree is not None:
                    path = tree / m.group(2) if m.group(2) else tree
                    body = body[:source.start(3)] + str(path) + body[source.end(3):]
                    body = VERSION_LINE.sub("", body, count=1) if version else body
            out.append(text[at:start] + body)
            at = i + 1
        out.append(text[at:])
        tf.write_text("".join(out))


# Error summaries that say "not supported yet" in one form or another; any other error is one
# this measure exists to find (a false conflict, a construct read differently from Terraform).
# What an example needs of its surroundings, not of infinstor: objects that exist already (a data
# source looks them up), or values for its variables.
NEEDS = {"No value for required variable": "needs input: a variable without a default"}
NOT_FOUND = re.compile(r"^Error: (data\.[^:]+): NotFound", re.M)
NOT_YET_SUMMARIES = {"Unsupported resource type", "Unsupported data source type", "Resource type not supported yet",
                     "Data source type not supported yet", "Unsupported provider", "Module not installed",
                     "Not supported yet", "Unsupported argument", "Unsupported block type"}


def other_errors(stderr):
    """The summaries of the errors that are not a "not supported yet" of some kind."""
    return sorted({s for s in ERROR.findall(stderr)
                   if s not in NOT_YET_SUMMARIES and s not in NEEDS and not NOT_FOUND.match(f"Error: {s}")})


def blocker(stderr):
    """The first blocker of a failed run, classified (see the module's text)."""
    types = [a or b for a, b in UNSUPPORTED.findall(stderr)]
    if types:
        return "type not supported yet: " + ", ".join(sorted(set(types)))
    providers = PROVIDER.findall(stderr)
    if providers:
        return "provider not supported yet: " + ", ".join(sorted(set(providers)))
    summaries = ERROR.findall(stderr)
    if not summaries:
        return "crash: " + (stderr.strip().splitlines() or ["no output"])[-1][:120]
    if "Module not installed" in summaries:
        return "remote module"
    arguments = ARGUMENT.findall(stderr)
    if arguments:
        return "argument not supported yet: " + ", ".join(sorted({f"{t}.{a}" for t, a in arguments}))
    constructs = NOT_YET.findall(stderr)
    if constructs:
        return "language, not supported yet: " + ", ".join(sorted(set(constructs)))
    values = NOT_YET_VALUE.findall(stderr)
    if values:
        return "argument value not supported yet: " + ", ".join(sorted({f"{t}.{a}" for t, a in values}))
    found = NOT_FOUND.findall(stderr)
    if found:
        return "needs existing objects: " + ", ".join(sorted(set(found)))
    for summary, what in NEEDS.items():
        if summary in summaries:
            return what
    first = summaries[0]
    if "emulator" in stderr.lower() or "dispatch failure" in stderr:
        return "emulator: " + first
    return "language: " + first


def run(binary, cwd, args, env):
    done = subprocess.run([binary, *args, "-no-color"], cwd=cwd, capture_output=True, text=True, env=env, timeout=600)
    return done.returncode, done.stderr + done.stdout


def start_emulator():
    moto = ROOT / ".venv" / "bin" / "moto_server"
    if not moto.exists():
        sys.exit("the emulator is not installed: run `bash scripts/test.sh` once, or install moto[server] into .venv")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([str(moto), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return proc, f"http://127.0.0.1:{port}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=str(ROOT / "target" / "debug" / "infinstor"))
    parser.add_argument("--json", help="also write the results as JSON to this file")
    parser.add_argument("--all", action="store_true", help="also the repositories in EXTRA, at their snapshot's HEAD")
    parser.add_argument("--no-registry", action="store_true",
                        help="leave calls of terraform-aws-modules registry modules as they are (they need `init` "
                             "and the network) instead of reading them from the snapshots")
    parser.add_argument("--only", metavar="REPO/EXAMPLE",
                        help="run only the examples whose `repo/example` name contains this text")
    parser.add_argument("--keep", metavar="DIR",
                        help="export into DIR and keep it, to look at an example's files after the run")
    args = parser.parse_args()
    repos = dict(REPOS)
    if args.all:
        for name in EXTRA:
            repo = f"terraform-aws-modules/{name}"
            git_dir = mirror(repo)
            if git_dir:
                head = subprocess.run(["git", f"--git-dir={git_dir}", "rev-parse", "HEAD"], capture_output=True,
                                      text=True, check=True).stdout.strip()
                repos[repo] = head
    proc, endpoint = start_emulator()
    env = dict(os.environ, AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true")
    rows = []
    work = pathlib.Path(args.keep) if args.keep else pathlib.Path(tempfile.mkdtemp(prefix="modules-"))
    try:
        for repo, commit in repos.items():
            tree = work / repo.split("/")[1]
            if not tree.exists():
                export(repo, commit, tree)
            examples = sorted(p for p in (tree / "examples").iterdir()
                              if p.is_dir() and any(p.glob("*.tf"))) if (tree / "examples").is_dir() else []
            for ex in examples:
                if args.only and args.only not in f"{repo.split('/')[1]}/{ex.name}":
                    continue
                if not args.no_registry:
                    resolve_registry_modules(ex, work)
                code, out = run(args.bin, ex, ["validate"], env)
                row = {"repo": repo.split("/")[1], "example": ex.name, "validate": code == 0, "plan": False, "blocker": ""}
                if code == 0:
                    code, out = run(args.bin, ex, ["plan", "-refresh=false"], env)
                    row["plan"] = code == 0
                row["other_errors"] = other_errors(out)
                if code != 0:
                    row["blocker"] = blocker(out)
                rows.append(row)
                print(f"  {row['repo']}/{row['example']}: validate {'ok' if row['validate'] else 'fails'}, "
                      f"plan {'ok' if row['plan'] else '-'} {row['blocker']}", file=sys.stderr, flush=True)
    finally:
        proc.terminate()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("| module | example | validate | plan | first blocker |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['repo']} | {r['example']} | {'ok' if r['validate'] else 'no'} | {'ok' if r['plan'] else 'no'} "
              f"| {r['blocker'].replace('|', '/')} |")
    validated = sum(r["validate"] for r in rows)
    planned = sum(r["plan"] for r in rows)
    print(f"\n{len(rows)} examples: {validated} validate, {planned} plan")
    language = [r for r in rows if r["blocker"].startswith(("language", "crash"))]
    print(f"{len(language)} fail on the language or crash")
    others = [r for r in rows if r["other_errors"]]
    print(f"{len(others)} show another error among their errors: "
          + "; ".join(f"{r['repo']}/{r['example']}: {', '.join(r['other_errors'])}" for r in others))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
