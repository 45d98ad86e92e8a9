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
  "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
}
