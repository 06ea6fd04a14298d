#!/usr/bin/env bash
# A throw-away PostgreSQL 16 + pgvector on 127.0.0.1 for the PostgreSQL store's tests and benchmarks.
#
#   bash Benchmarks/postgres.sh start     # prints: export EMBEDDINGKIT_POSTGRES_URL=postgres://…
#   eval "$(bash Benchmarks/postgres.sh env)"
#   swift test --filter RetrievalPostgresTests
#   bash Benchmarks/postgres.sh stop      # stops the server and deletes its data
#
# The server comes from the PyPI package pgserver (PostgreSQL 16 with pgvector 0.6 inside): taken from
# the venv $EMBEDDINGKIT_VENV (default /work/.venv-bench) when it has it, else pip-installed into
# ~/.cache/embeddingkit/venv-postgres. PostgreSQL refuses to run as root, so as root the server runs as
# `nobody` (runuser, else setpriv) on a copy of the binaries and a data folder owned by nobody.
# State lives in $EMBEDDINGKIT_PG_DIR (default /tmp/embeddingkit-postgres); the port is free one found
# at start (or $EMBEDDINGKIT_PG_PORT). User postgres, a random password, database embeddingkit.
set -euo pipefail

state=${EMBEDDINGKIT_PG_DIR:-/tmp/embeddingkit-postgres}
command=${1:-}

as_server_user() {
  if [ "$(id -u)" != 0 ]; then
    "$@"
  elif command -v runuser >/dev/null; then
    runuser -u nobody -- "$@"
  elif command -v setpriv >/dev/null; then
    setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- "$@"
  else
    echo "postgres.sh: as root this needs runuser or setpriv to run PostgreSQL as nobody" >&2
    exit 1
  fi
}

find_packages() {
  local venv=${EMBEDDINGKIT_VENV:-/work/.venv-bench}
  # The folder holding pgserver/ and pgserver.libs/ (the binaries find libpq at $ORIGIN/../../../pgserver.libs).
  local probe='import os, pgserver; print(os.path.dirname(os.path.dirname(pgserver.__file__)))'
  if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "$probe" 2>/dev/null; then return; fi
  venv="$HOME/.cache/embeddingkit/venv-postgres"
  if ! [ -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "$probe" >/dev/null 2>&1; then
    echo "postgres.sh: installing pgserver into $venv" >&2
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet "pgserver==0.1.4" >&2
  fi
  "$venv/bin/python" -c "$probe"
}

case "$command" in
start)
  if [ -f "$state/env" ]; then
    echo "postgres.sh: already running (state in $state); stop it first" >&2
    cat "$state/env"
    exit 0
  fi
  packages=$(find_packages)
  mkdir -p "$state/pgserver"
  chmod 755 "$state"
  # A copy that nobody can read and run, wherever the venv is.
  cp -a "$packages/pgserver/pginstall" "$state/pgserver/pginstall"
  cp -a "$packages/pgserver.libs" "$state/pgserver.libs"
  chmod -R a+rX "$state/pgserver" "$state/pgserver.libs"
  bin="$state/pgserver/pginstall/bin"
  mkdir -p "$state/data" "$state/socket"
  password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$password" >"$state/password"
  if [ "$(id -u)" = 0 ]; then
    chown nobody "$state/data" "$state/socket" "$state/password"
  fi
  chmod 700 "$state/data"
  port=${EMBEDDINGKIT_PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
  as_server_user "$bin/initdb" -D "$state/data" -U postgres --pwfile="$state/password" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C >"$state/initdb.log" 2>&1 ||
    { cat "$state/initdb.log" >&2; exit 1; }
  rm -f "$state/password"
  as_server_user "$bin/pg_ctl" -D "$state/data" -l "$state/data/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $state/socket" start >/dev/null ||
    { cat "$state/data/server.log" >&2; exit 1; }
  PGPASSWORD=$password "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -q -c "CREATE DATABASE embeddingkit" >&2
  PGPASSWORD=$password "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d embeddingkit \
    -v ON_ERROR_STOP=1 -q -c "CREATE EXTENSION IF NOT EXISTS vector" >&2
  echo "export EMBEDDINGKIT_POSTGRES_URL=postgres://postgres:$password@127.0.0.1:$port/embeddingkit" \
    >"$state/env"
  chmod 600 "$state/env"
  cat "$state/env"
  ;;
env)
  cat "$state/env"
  ;;
stop)
  if [ -d "$state/data" ]; then
    as_server_user "$state/pgserver/pginstall/bin/pg_ctl" -D "$state/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$state"
  ;;
*)
  echo "usage: $0 start|env|stop   (state in \$EMBEDDINGKIT_PG_DIR, default /tmp/embeddingkit-postgres)" >&2
  exit 2
  ;;
esac
