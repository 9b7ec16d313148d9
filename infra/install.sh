#!/usr/bin/env bash
# Installs the system packages Fleet's private servers need, only where they are missing.
# Usage: infra/install.sh [--with-test-tools]   (root; Debian 12)
# PostgreSQL 15 normally comes with the machine; it is installed only if no initdb exists.
set -euo pipefail

state_root="${FLEET_STATE_DIR:-/var/tmp/fleet}"
log="$state_root/install.log"

# Debian package -> file that proves it is installed (PATH may lack /usr/sbin under CI).
declare -A probe=(
  [rabbitmq-server]=/usr/sbin/rabbitmq-server
  [curl]=/usr/bin/curl              # management API checks in rabbitmq.sh
  [postgresql-client-15]=/usr/bin/psql
)
[[ "${1:-}" == "--with-test-tools" ]] && probe[docker-compose]=/usr/bin/docker-compose
if ! command -v initdb >/dev/null && [[ ! -x /usr/lib/postgresql/15/bin/initdb ]]; then
  probe[postgresql-15]=/usr/lib/postgresql/15/bin/initdb
fi

missing=()
for pkg in "${!probe[@]}"; do [[ -x "${probe[$pkg]}" ]] || missing+=("$pkg"); done
# Nothing missing: never touch apt (fast, works offline).
if ((${#missing[@]} == 0)); then echo "install: all present (${!probe[*]})"; exit 0; fi

[[ $EUID -eq 0 ]] || { echo "install: must run as root to install ${missing[*]}" >&2; exit 1; }
mkdir -p "$state_root"
export DEBIAN_FRONTEND=noninteractive
step() { # step "message" cmd...: one progress line, full apt output goes to the log
  local t0=$EPOCHREALTIME
  printf 'install: %s ... ' "$1"; shift
  if "$@" >>"$log" 2>&1; then
    awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "done (%.1f s)\n", b - a }'
  else
    echo "FAILED (see $log)"; tail -n 20 "$log" >&2; exit 1
  fi
}
step "apt-get update" apt-get update -q
step "installing ${missing[*]}" apt-get install -y -q "${missing[@]}"
