#!/usr/bin/env bash
# Starts/stops Fleet's private PostgreSQL + RabbitMQ for a profile, and prints the app config.
# Usage: infra/servers.sh start|stop|status|env run|test
#   eval "$(infra/servers.sh env test)"   # ConnectionStrings__Fleet, RabbitMq__* for the .NET apps
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cmd=${1:-}; profile=${2:-}
case "$profile" in run) p=55 ;; test) p=56 ;; *) cmd=usage ;; esac

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
env) # same port defaults/overrides as postgres.sh and rabbitmq.sh
  cat <<ENV
export ConnectionStrings__Fleet='$("$here/postgres.sh" url "$profile")'
export RabbitMq__Host=127.0.0.1
export RabbitMq__Port=${FLEET_AMQP_PORT:-${p}672}
export RabbitMq__ManagementPort=${FLEET_RABBIT_MGMT_PORT:-${p}673}
export RabbitMq__VirtualHost=/
export RabbitMq__Username=fleet
export RabbitMq__Password=fleet
ENV
  ;;
*) echo "usage: $0 start|stop|status|env run|test" >&2; exit 2 ;;
esac
