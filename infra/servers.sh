#!/usr/bin/env bash
# Starts/stops Fleet's private PostgreSQL + RabbitMQ for a profile, and prints the app config.
# Usage: infra/servers.sh start|stop|status|env run|test
#   eval "$(infra/servers.sh env test)"   # ConnectionStrings__Fleet, RabbitMq__* for the gateway,
#   and FLEET_* for the other processes and the admin users (credentials: secrets.sh)
# Ports (run 27xxx, test 28xxx) lie below Linux's ephemeral range (32768-60999): a port in it can be
# the local end of some client connection at the moment a server restarts, and the server then
# cannot bind it (a broker restart test failed with eaddrinuse on 51672 that way).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=infra/secrets.sh
source "$here/secrets.sh"
cmd=${1:-}; profile=${2:-}
case "$profile" in run) p=27 ;; test) p=28 ;; *) cmd=usage ;; esac

case "$cmd" in
start)
  "$here/install.sh"
  "$here/postgres.sh" start "$profile"
  "$here/rabbitmq.sh" start "$profile"
  ;;
stop) # both, even if one fails, so a test run never leaves a server behind
  rc=0
  "$here/rabbitmq.sh" stop "$profile" || rc=$?
  "$here/postgres.sh" stop "$profile" || rc=$?
  exit $rc
  ;;
status) # 0 only if both are running
  rc=0
  "$here/postgres.sh" status "$profile" || rc=$?
  "$here/rabbitmq.sh" status "$profile" || rc=$?
  exit $rc
  ;;
env) # same port defaults/overrides as postgres.sh and rabbitmq.sh; one variable a line
  load_secrets "$profile"
  pg="Host=127.0.0.1;Port=${FLEET_PG_PORT:-${p}432}"
  cat <<ENV
export ConnectionStrings__Fleet='$pg;Database=fleet;Username=$FLEET_DB_USER;Password=$FLEET_DB_PASSWORD'
export RabbitMq__Host=127.0.0.1
export RabbitMq__Port=${FLEET_AMQP_PORT:-${p}672}
export RabbitMq__ManagementPort=${FLEET_RABBIT_MGMT_PORT:-${p}673}
export RabbitMq__VirtualHost=/
export RabbitMq__Username=$FLEET_RABBIT_GATEWAY_USER
export RabbitMq__Password=$FLEET_RABBIT_GATEWAY_PASSWORD
export FLEET_DB_AUTOSCALER_URL='$pg;Database=fleet;Username=$FLEET_DB_AUTOSCALER_USER;Password=$FLEET_DB_AUTOSCALER_PASSWORD'
export FLEET_PG_ADMIN_URL='$pg;Database=postgres;Username=$FLEET_PG_ADMIN_USER;Password=$FLEET_PG_ADMIN_PASSWORD'
export FLEET_DB_USER=$FLEET_DB_USER
export FLEET_DB_AUTOSCALER_USER=$FLEET_DB_AUTOSCALER_USER
export FLEET_RABBIT_WORKER_USER=$FLEET_RABBIT_WORKER_USER
export FLEET_RABBIT_WORKER_PASSWORD=$FLEET_RABBIT_WORKER_PASSWORD
export FLEET_RABBIT_MONITOR_USER=$FLEET_RABBIT_MONITOR_USER
export FLEET_RABBIT_MONITOR_PASSWORD=$FLEET_RABBIT_MONITOR_PASSWORD
export FLEET_RABBIT_ADMIN_USER=$FLEET_RABBIT_ADMIN_USER
export FLEET_RABBIT_ADMIN_PASSWORD=$FLEET_RABBIT_ADMIN_PASSWORD
ENV
  ;;
*) echo "usage: $0 start|stop|status|env run|test" >&2; exit 2 ;;
esac
