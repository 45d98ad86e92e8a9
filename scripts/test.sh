#!/usr/bin/env bash
# The whole test suite: installs the AWS API emulator and Chromium (for the browser test), then
# runs every test of the workspace.
# Tests that need the emulator start their own on 127.0.0.1 and fail (never skip) without it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
command -v git >/dev/null || { echo "git is needed (the module-source tests fetch from a git repository); install it first" >&2; exit 1; }
. scripts/emulator.sh
ensure_emulator "$root"
. scripts/browser.sh
ensure_browser
export INFINSTOR_MOTO_SERVER="$root/.venv/bin/moto_server"
cargo test --workspace --locked "$@"
