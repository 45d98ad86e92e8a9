# Sourced by the other scripts: installs the pinned AWS API emulator (moto) into .venv.
MOTO_VERSION=5.2.5
ensure_emulator() {
  local root="$1"
  local venv="$root/.venv"
  if [ -x "$venv/bin/moto_server" ] && "$venv/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
    return 0
  fi
  echo "Installing the AWS API emulator (moto $MOTO_VERSION) into $venv ..."
  python3 -m venv "$venv"
  # One line per package, so a slow download never looks hung. Every dependency is pinned
  # (scripts/moto-constraints.txt) so a new release of one cannot change the emulator's answers;
  # a failed download is tried once more.
  local try
  for try in 1 2; do
    "$venv/bin/pip" install --disable-pip-version-check --progress-bar off --retries 10 \
      --constraint "$root/scripts/moto-constraints.txt" "moto[server]==$MOTO_VERSION" \
      | grep -E "^(Collecting|Successfully|ERROR)" || true
    "$venv/bin/python" -c "import moto" 2>/dev/null && return 0
    if [ "$try" = 1 ]; then echo "Installing moto failed; trying once more ..." >&2; fi
  done
  "$venv/bin/python" -c "import moto" || { echo "Installing moto failed; see the pip output above." >&2; return 1; }
}
