# Sourced by scripts/test.sh: makes sure a Chromium is there for the plan picture's browser test
# (tests/plan_picture.rs). It uses INFINSTOR_CHROMIUM when set, else Debian's `chromium`, which
# this installs with apt-get (about 100 MB; apt prints each package as it goes).
ensure_browser() {
  if [ -n "${INFINSTOR_CHROMIUM:-}" ]; then
    [ -x "$INFINSTOR_CHROMIUM" ] && return 0
    echo "INFINSTOR_CHROMIUM=$INFINSTOR_CHROMIUM is not an executable file." >&2
    return 1
  fi
  [ -x /usr/bin/chromium ] && return 0
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "Chromium is needed for the browser test: install Debian's chromium (apt-get install chromium) as root, or set INFINSTOR_CHROMIUM." >&2; return 1; }
    sudo="sudo"
  fi
  command -v apt-get >/dev/null || { echo "Chromium is needed for the browser test and this machine has no apt-get: install Chromium and set INFINSTOR_CHROMIUM to its binary." >&2; return 1; }
  echo "Installing Debian's chromium for the plan picture's browser test ..."
  local try
  for try in 1 2; do
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium \
      | grep -E "^(Get:|Setting up chromium|E:)" || true
    [ -x /usr/bin/chromium ] && return 0
    $sudo apt-get update -q | grep -E "^(E:|W:)" || true
  done
  echo "Installing chromium failed; see apt-get's output above." >&2
  return 1
}
