#!/usr/bin/env bash
# Regenerates the oracle's fixtures: the expression and configuration corpora
# (scripts/oracle/corpus.py, configs.py) and Terraform's answers to them (record.py,
# record_plans.py), where `terraform` is on PATH. Prints what
# Terraform now answers differently from the recorded fixtures. The test suite reads only the
# fixtures, so it passes on machines without Terraform.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
command -v terraform >/dev/null || { echo "terraform is not on PATH: install Terraform 1.11 to record its answers" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is needed to write and record the corpus" >&2; exit 1; }
python3 scripts/oracle/corpus.py
python3 scripts/oracle/configs.py
python3 scripts/oracle/record.py
python3 scripts/oracle/record_plans.py
echo "fixtures recorded; compare with: cargo test --test tests oracle" >&2
