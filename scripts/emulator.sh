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
  # One line per package, so a slow download never looks hung.
  "$venv/bin/pip" install --disable-pip-version-check --progress-bar off "moto[server]==$MOTO_VERSION" | grep -E "^(Collecting|Successfully)" || true
  "$venv/bin/python" -c "import moto" || { echo "Installing moto failed; see the pip output above." >&2; return 1; }
}
