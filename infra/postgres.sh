#!/usr/bin/env bash
# A private PostgreSQL 15 instance for Fleet, without Docker or systemd (run as root).
# Usage: infra/postgres.sh start|stop|status|url run|test
#   run: 127.0.0.1:27432, test: 127.0.0.1:28432 (FLEET_PG_PORT overrides)
#   state: ${FLEET_STATE_DIR:-/var/tmp/fleet}/PROFILE/postgres (data/, run/ = socket, postgres.log)
#   roles (passwords generated in PROFILE/secrets.env, see secrets.sh): postgres (superuser, for the
#   scripts and the test fixture), fleet (owns database fleet; no superuser, createdb or createrole),
#   fleet_autoscaler (SELECT on the tables fleet creates, nothing else)
#   url: the gateway's connection string (role fleet)
set -euo pipefail

usage() { echo "usage: $0 start|stop|status|url run|test" >&2; exit 2; }
cmd=${1:-}; profile=${2:-}
case "$profile" in run) port=27432 ;; test) port=28432 ;; *) usage ;; esac
port=${FLEET_PG_PORT:-$port}
base=$(realpath -m "${FLEET_STATE_DIR:-/var/tmp/fleet}")/$profile/postgres
data=$base/data sock=$base/run logf=$base/postgres.log
# shellcheck source=infra/secrets.sh
source "$(dirname "${BASH_SOURCE[0]}")/secrets.sh"
export PATH=$PATH:/usr/sbin:/sbin # CI shells may lack sbin (runuser)

# The Debian layout keeps every server binary together; /usr/local/bin may only hold links.
bin=/usr/lib/postgresql/15/bin
[[ -x $bin/pg_ctl ]] || bin=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
# initdb and postgres refuse root; cd / so postgres never trips over an unreadable cwd.
as_pg() { (cd / && runuser -u postgres -- "$@"); }
alive() { [[ -f $data/PG_VERSION ]] && as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }
running() { alive && pg_isready -q -h 127.0.0.1 -p "$port" -t 3; } # process up AND answering
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f s", b - a }'; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
lock() { # serialise start/stop of this profile's instance (parallel test runs, CI steps)
  [[ $EUID -eq 0 ]] || { echo "postgres: must run as root" >&2; exit 1; }
  mkdir -p "$(dirname "$base")"
  exec 9>"$base.lock"
  flock -w 120 9 || { echo "postgres: $base.lock is held by another start/stop" >&2; exit 1; }
}

write_conf() { # rewritten on every start so port and tuning changes apply without re-initdb
  cat >"$data/fleet.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sock'
# Small dev box running throughput benchmarks; durability stays on (jobs must survive crashes).
max_connections = 200
shared_buffers = 256MB
effective_cache_size = 2GB
work_mem = 8MB
maintenance_work_mem = 128MB
fsync = on
synchronous_commit = on
full_page_writes = on
wal_buffers = 16MB
checkpoint_timeout = 15min
checkpoint_completion_target = 0.9
max_wal_size = 2GB
min_wal_size = 256MB
random_page_cost = 1.1
effective_io_concurrency = 200
# Job tables are update-heavy and queue-like: vacuum them early and often.
autovacuum_naptime = 10s
autovacuum_vacuum_scale_factor = 0.05
autovacuum_analyze_scale_factor = 0.05
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
log_min_duration_statement = 1000
CONF
}

init_once() {
  mkdir -p "$base"
  # postgres must be able to traverse every parent of the state dir.
  local d=$base
  while [[ $d != / ]]; do
    d=$(dirname "$d")
    as_pg test -x "$d" || { echo "postgres: chmod o+x $d (so user postgres can reach the state dir)"; chmod o+x "$d"; }
  done
  chown postgres:postgres "$base"
  as_pg mkdir -p "$sock" && chmod 700 "$sock"
  [[ -s $data/PG_VERSION ]] && return
  # Trust only on the private socket (used here to create the role); TCP needs the password.
  as_pg "$bin/initdb" -D "$data" -U postgres -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256 >"$base/initdb.log" 2>&1 \
    || { echo "postgres: initdb failed" >&2; tail -n 20 "$base/initdb.log" >&2; exit 1; }
  echo "include_if_exists = 'fleet.conf'" >>"$data/postgresql.conf"
}

ensure_db() { # idempotent, and converges an older instance (whose role fleet was a superuser)
  load_secrets "$profile"
  # Over the private socket (trust); the passwords go in on stdin, never on a command line.
  as_pg "$bin/psql" -h "$sock" -p "$port" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 >/dev/null <<SQL
\\set admin_pw '$FLEET_PG_ADMIN_PASSWORD'
\\set app '$FLEET_DB_USER'
\\set app_pw '$FLEET_DB_PASSWORD'
\\set reader '$FLEET_DB_AUTOSCALER_USER'
\\set reader_pw '$FLEET_DB_AUTOSCALER_PASSWORD'
ALTER ROLE postgres PASSWORD :'admin_pw';
SELECT format('CREATE ROLE %I LOGIN', :'app') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \\gexec
SELECT format('CREATE ROLE %I LOGIN', :'reader') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'reader') \\gexec
ALTER ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_pw';
ALTER ROLE :"reader" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'reader_pw';
SELECT format('CREATE DATABASE fleet OWNER %I', :'app') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'fleet') \\gexec
ALTER DATABASE fleet OWNER TO :"app";
\\connect fleet
-- The gateway creates the tables (EF migrations at its start); the autoscaler may read them.
ALTER DEFAULT PRIVILEGES FOR ROLE :"app" IN SCHEMA public GRANT SELECT ON TABLES TO :"reader";
GRANT SELECT ON ALL TABLES IN SCHEMA public TO :"reader";
SQL
}

case "$cmd" in
start)
  lock
  # A postmaster that exists but does not answer (recovering, or just killed): give it 10 s.
  for _ in $(seq 50); do if running || ! alive; then break; fi; sleep 0.2; done
  if running; then echo "postgres: already running on 127.0.0.1:$port"; ensure_db; exit 0; fi
  alive && { echo "postgres: running but not accepting connections" >&2; tail -n 20 "$logf" >&2; exit 1; }
  port_busy "$port" && { echo "postgres: 127.0.0.1:$port is taken by another process" >&2; exit 1; }
  t0=$EPOCHREALTIME
  printf 'postgres: starting on 127.0.0.1:%s ... ' "$port"
  init_once
  write_conf
  # -w waits for "ready to accept connections"; pg_isready then proves TCP works too.
  # 9>&-: the server must not inherit (and so keep holding) the start/stop lock.
  # pg_ctl's own chatter (e.g. "another server might be running" after a crash) goes to a log.
  if ! as_pg "$bin/pg_ctl" -D "$data" -l "$logf" -w -t 60 start >"$base/pg_ctl.log" 2>&1 9>&- \
     || ! pg_isready -q -h 127.0.0.1 -p "$port" -t 30; then
    echo "FAILED"; tail -n 30 "$base/pg_ctl.log" "$logf" >&2; exit 1
  fi
  ensure_db
  echo "ready ($(since "$t0"))"
  ;;
stop)
  lock
  if ! alive; then echo "postgres: not running"; exit 0; fi
  t0=$EPOCHREALTIME
  printf 'postgres: stopping ... '
  as_pg "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
  echo "stopped ($(since "$t0"))"
  ;;
status)
  if running; then echo "postgres: running on 127.0.0.1:$port (pid $(head -n1 "$data/postmaster.pid"))"
  else echo "postgres: not running"; exit 3; fi
  ;;
url)
  load_secrets "$profile"
  echo "Host=127.0.0.1;Port=$port;Database=fleet;Username=$FLEET_DB_USER;Password=$FLEET_DB_PASSWORD"
  ;;
*) usage ;;
esac
