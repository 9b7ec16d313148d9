#!/usr/bin/env bash
# A private RabbitMQ node for Fleet (Debian's rabbitmq-server, no Docker/systemd; run as root).
# Usage: infra/rabbitmq.sh start|stop|status|await run|test
#   run:  fleet-run@localhost,  AMQP 27672, management 27673, distribution 27674
#   test: fleet-test@localhost, AMQP 28672, management 28673, distribution 28674
#   (FLEET_AMQP_PORT, FLEET_RABBIT_MGMT_PORT, FLEET_RABBIT_DIST_PORT, FLEET_RABBIT_NODE override)
#   state: ${FLEET_STATE_DIR:-/var/tmp/fleet}/PROFILE/rabbitmq (mnesia survives stop/start)
# Users (passwords generated in PROFILE/secrets.env, see secrets.sh), converged on every start:
#   fleet-admin (administrator: this script and the test fixture), fleet-gateway and fleet-worker
#   (permissions on vhost / only, no management access), fleet-monitor (tag monitoring and access
#   to vhost / with empty permissions: reads queue depths from the management API, can neither
#   publish nor read a message); guest and the old fleet user are deleted.
# Erlang cookie: Debian's wrappers run both the server and rabbitmqctl as user rabbitmq with
# HOME=/var/lib/rabbitmq, so both always read /var/lib/rabbitmq/.erlang.cookie.
set -euo pipefail
# shellcheck source=infra/secrets.sh
source "$(dirname "${BASH_SOURCE[0]}")/secrets.sh"

usage() { echo "usage: $0 start|stop|status|await run|test" >&2; exit 2; }
cmd=${1:-}; profile=${2:-}
case "$profile" in run) p=27 ;; test) p=28 ;; *) usage ;; esac
node=${FLEET_RABBIT_NODE:-fleet-$profile@localhost}
amqp=${FLEET_AMQP_PORT:-${p}672} mgmt=${FLEET_RABBIT_MGMT_PORT:-${p}673} dist=${FLEET_RABBIT_DIST_PORT:-${p}674}
base=$(realpath -m "${FLEET_STATE_DIR:-/var/tmp/fleet}")/$profile/rabbitmq
pidfile=$base/node.pid

# Read by rabbitmq-server (su keeps the environment) and by rabbitmqctl alike.
export RABBITMQ_NODENAME=$node RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$amqp \
  RABBITMQ_DIST_PORT=$dist RABBITMQ_MNESIA_BASE=$base/mnesia RABBITMQ_LOG_BASE=$base/log \
  RABBITMQ_PID_FILE=$pidfile RABBITMQ_ENABLED_PLUGINS_FILE=$base/enabled_plugins \
  RABBITMQ_CONFIG_FILE=$base/rabbitmq.config
# Private node: Erlang distribution and epmd (if this node starts it) on loopback only.
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
export ERL_EPMD_ADDRESS=127.0.0.1
export PATH=$PATH:/usr/sbin:/sbin # CI shells may lack sbin (rabbitmqctl, runuser)

since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f s", b - a }'; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# 9>&- (here and for the server): an inherited lock fd would keep the start/stop lock held
# by the node, or by an epmd the CLI happens to start.
ctl() { timeout "${CTL_TIMEOUT:-60}" rabbitmqctl -q -n "$node" "$@" 9>&-; }
# The beam.smp of this node only, never other nodes. RabbitMQ 3.10 sets the node name at
# runtime (not on the command line), so match the process environment: our node name AND
# our state dir (the same profile may run from another FLEET_STATE_DIR: that is not ours).
has_env() { grep -qzx -- "$2" "/proc/$1/environ" 2>/dev/null; }
beam_pid() { # beam_pid [any]: ours; with "any", whichever beam uses our node name
  local pid
  for pid in $(cat "$pidfile" 2>/dev/null) $(pgrep -x beam.smp); do
    has_env "$pid" "RABBITMQ_NODENAME=$node" || continue
    [[ -n ${1:-} ]] || has_env "$pid" "RABBITMQ_MNESIA_BASE=$base/mnesia" || continue
    echo "$pid"; return
  done
}
running() { [[ -n $(beam_pid) ]] && port_open "$amqp"; }
fail() { echo "FAILED: $1"; tail -n 25 "$base/log/console.log" "$base/log/$node.log" 2>/dev/null >&2; exit 1; }

api() { # api METHOD PATH [JSON on stdin]: the management API as the admin user; prints the HTTP status
  # curl blanks -u from its process listing; bodies (passwords) come on stdin.
  curl -s -o /dev/null -w '%{http_code}' -m 10 -u "$FLEET_RABBIT_ADMIN_USER:$FLEET_RABBIT_ADMIN_PASSWORD" -X "$1" \
    -H 'content-type: application/json' ${3:+--data-binary @-} "http://127.0.0.1:$mgmt/api/$2"
}
expect() { # expect CODES STATUS WHAT
  [[ " $1 " == *" $2 "* ]] || { echo "rabbitmq: $3 answered HTTP $2" >&2; exit 1; }
}

ensure_users() { # idempotent: a few management API calls (a rabbitmqctl call costs a second or more)
  load_secrets "$profile"
  if [[ $(api GET whoami) != 200 ]]; then # a node made before the admin user existed
    ctl add_user "$FLEET_RABBIT_ADMIN_USER" "$FLEET_RABBIT_ADMIN_PASSWORD" >/dev/null 2>&1 \
      || ctl change_password "$FLEET_RABBIT_ADMIN_USER" "$FLEET_RABBIT_ADMIN_PASSWORD" >/dev/null
    ctl set_user_tags "$FLEET_RABBIT_ADMIN_USER" administrator >/dev/null
    ctl set_permissions -p / "$FLEET_RABBIT_ADMIN_USER" '.*' '.*' '.*' >/dev/null
  fi
  local user pw tags
  while read -r user pw tags; do
    expect "201 204" "$(api PUT "users/$user" body <<<"{\"password\": \"$pw\", \"tags\": \"$tags\"}")" "user $user"
  done <<USERS
$FLEET_RABBIT_GATEWAY_USER $FLEET_RABBIT_GATEWAY_PASSWORD
$FLEET_RABBIT_WORKER_USER $FLEET_RABBIT_WORKER_PASSWORD
$FLEET_RABBIT_MONITOR_USER $FLEET_RABBIT_MONITOR_PASSWORD monitoring
USERS
  local all='".*"' none='""' # the monitor needs access to the vhost to read its queues, but no rights in it
  while read -r user rights; do
    expect "201 204" "$(api PUT "permissions/%2F/$user" body <<<"{\"configure\": $rights, \"write\": $rights, \"read\": $rights}")" \
      "permissions of $user"
  done <<PERMISSIONS
$FLEET_RABBIT_GATEWAY_USER $all
$FLEET_RABBIT_WORKER_USER $all
$FLEET_RABBIT_MONITOR_USER $none
PERMISSIONS
  for user in guest fleet; do # defaults known to everyone: never a way in
    expect "204 404" "$(api DELETE "users/$user")" "deleting user $user"
  done
}

alive() { # during start: the launcher we forked (beam may not exist yet); await: keep waiting
  [[ -z ${1:-} ]] || kill -0 "$1" 2>/dev/null
}
await_up() { # await_up SECONDS [LAUNCHER_PID]: app booted (plugins included), both ports answer
  local t_end=$((SECONDS + ${1:-60}))
  until port_open "$amqp" && port_open "$mgmt"; do
    alive "${2:-}" || fail "node exited"
    ((SECONDS < t_end)) || fail "not up after ${1:-60} s"
    sleep 0.2
  done
  CTL_TIMEOUT=$((t_end - SECONDS + 5)) ctl await_startup --timeout $((t_end - SECONDS + 1)) || fail "await_startup"
}
wait_gone() { # wait_gone SECONDS: for this node's VM to exit and its AMQP port to close
  for _ in $(seq $(($1 * 5))); do [[ -z $(beam_pid) ]] && ! port_open "$amqp" && return 0; sleep 0.2; done
  return 1
}

do_stop() {
  if [[ -z $(beam_pid) ]]; then echo "rabbitmq: not running"; return; fi
  local t0=$EPOCHREALTIME pid sig
  printf 'rabbitmq: stopping %s ... ' "$node"
  # Graceful stop (~5 s of it is the management plugin's shutdown) keeps durable queues and
  # persistent messages; with the pid file, rabbitmqctl waits for the VM to exit.
  local grace=5 args=()
  [[ -f $pidfile ]] && args=("$pidfile")
  CTL_TIMEOUT=30 ctl stop "${args[@]}" >/dev/null 2>&1 || true
  # Leftovers of this node only: SIGTERM is a graceful stop too (give it 30 s), then SIGKILL.
  for sig in TERM KILL; do
    wait_gone "$grace" && break
    pid=$(beam_pid); [[ -n $pid ]] || break
    printf '(SIG%s %s) ' "$sig" "$pid"; kill -s "$sig" "$pid" 2>/dev/null || true
    grace=30
  done
  wait_gone 5 || fail "node still alive or 127.0.0.1:$amqp still open"
  echo "stopped ($(since "$t0"))"
}

do_start() {
  if running; then echo "rabbitmq: already running ($node, AMQP 127.0.0.1:$amqp)"; ensure_users; return; fi
  [[ -z $(beam_pid) ]] || do_stop # half-up node (AMQP port closed): restart it cleanly
  local port t0=$EPOCHREALTIME d other
  other=$(beam_pid any)
  [[ -z $other ]] || { echo "rabbitmq: node $node already runs from another state dir (pid $other)" >&2; exit 1; }
  for port in "$amqp" "$mgmt" "$dist"; do
    port_open "$port" && { echo "rabbitmq: 127.0.0.1:$port is taken by another process" >&2; exit 1; }
  done
  printf 'rabbitmq: starting %s on 127.0.0.1:%s (management %s) ... ' "$node" "$amqp" "$mgmt"
  if [[ ! -d $base/mnesia ]]; then
    mkdir -p "$base/mnesia" "$base/log"
    chown -R rabbitmq:rabbitmq "$base"
    d=$base # user rabbitmq must be able to traverse every parent
    while [[ $d != / ]]; do
      d=$(dirname "$d")
      runuser -u rabbitmq -- test -x "$d" || { printf '(chmod o+x %s) ' "$d"; chmod o+x "$d"; }
    done
  fi
  echo '[rabbitmq_management].' >"$base/enabled_plugins"
  # Classic Erlang-term config: skips the cuttlefish schema translation of rabbitmq.conf,
  # which took ~3.5 s of an ~8 s boot on a 2-core machine. default_user is created only
  # when the node boots with an empty database (first start); so guest never exists. The file
  # holds the admin password: readable by rabbitmq only.
  load_secrets "$profile"
  (umask 077; cat >"$base/rabbitmq.config") <<CONF
[{rabbit, [{default_user, <<"$FLEET_RABBIT_ADMIN_USER">>}, {default_pass, <<"$FLEET_RABBIT_ADMIN_PASSWORD">>},
           {default_user_tags, [administrator]},
           {default_permissions, [<<".*">>, <<".*">>, <<".*">>]}]},
 {rabbitmq_management, [{tcp_config, [{ip, "127.0.0.1"}, {port, $mgmt}]}]}].
CONF
  chmod 600 "$base/rabbitmq.config"
  chown rabbitmq:rabbitmq "$base/enabled_plugins" "$base/rabbitmq.config"
  # setsid: own session, so the caller's terminal/test host can't signal it; no inherited
  # stdio, so a caller reading our output until EOF is not kept waiting by the server.
  setsid rabbitmq-server >>"$base/log/console.log" 2>&1 </dev/null 9>&- &
  await_up 60 $!
  ensure_users
  echo "ready ($(since "$t0"))"
}

lock() { # serialise start/stop of this profile's node (parallel test runs, CI steps)
  [[ $EUID -eq 0 ]] || { echo "rabbitmq: must run as root" >&2; exit 1; }
  mkdir -p "$(dirname "$base")"
  exec 9>"$base.lock"
  flock -w 180 9 || { echo "rabbitmq: $base.lock is held by another start/stop" >&2; exit 1; }
}

case "$cmd" in
start) lock; do_start ;;
stop) lock; do_stop ;;
await) await_up "${FLEET_RABBIT_TIMEOUT:-60}" ;;
status)
  if running; then echo "rabbitmq: running ($node, pid $(beam_pid), AMQP 127.0.0.1:$amqp, management $mgmt)"
  else echo "rabbitmq: not running"; exit 3; fi
  ;;
*) usage ;;
esac
