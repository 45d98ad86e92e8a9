#!/usr/bin/env bash
# The main job, with no AWS account: plan and apply examples/mlflow-artifacts (seed 003) against
# a local AWS API emulator on 127.0.0.1, then plan again to show nothing is left to do.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. scripts/emulator.sh
ensure_emulator "$root"
# A first build compiles the AWS SDK crates (several minutes on 2 cores): cargo's progress
# shows on stderr; a warm build takes seconds.
echo "== building infinstor (first build: several minutes; cargo shows its progress)"
cargo build --locked
bin="$root/target/debug/infinstor"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$root/.venv/bin/moto_server" -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
moto_pid=$!
work="$(mktemp -d)"
trap 'kill "$moto_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

# The example calls ../../modules/mlflow-artifacts: keep that layout in the working copy.
mkdir -p "$work/examples"
cp -R examples/mlflow-artifacts "$work/examples/"
cp -R modules "$work/"
example="$work/examples/mlflow-artifacts"
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true

echo "== infinstor plan (emulator at $AWS_ENDPOINT_URL, working copy in $work)"
"$bin" -C "$example" plan --var external_id=demo-external-id --out tfplan
echo
echo "== infinstor apply tfplan"
"$bin" -C "$example" apply tfplan
echo
echo "== infinstor plan --detailed-exitcode (expect: No changes, exit 0)"
"$bin" -C "$example" plan --var external_id=demo-external-id --detailed-exitcode
echo
echo "== infinstor state list"
"$bin" -C "$example" state list
