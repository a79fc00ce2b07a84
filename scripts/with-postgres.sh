#!/usr/bin/env bash
# Run a command with a throw-away PostgreSQL server on loopback.
# Installs Debian's postgresql packages when no server binaries are found, starts a fresh
# cluster in a temporary folder, exports PARKLOOP_TEST_POSTGRES_URL, runs "$@", and always
# stops and removes the cluster afterwards.
set -euo pipefail

find_bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir; return
  fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
}

bindir=$(find_bindir || true)
if [ -z "${bindir}" ]; then
  echo "with-postgres: no PostgreSQL server found; installing Debian's postgresql" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  bindir=$(find_bindir)
fi

workdir=$(mktemp -d /tmp/parkloop-pg.XXXXXX)
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$workdir"
  run_as=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')

cleanup() {
  "${run_as[@]}" "$bindir/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT

"${run_as[@]}" "$bindir/initdb" -D "$workdir/data" -U postgres --auth=trust -E UTF8 \
  --locale=C >/dev/null
"${run_as[@]}" "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w \
  -o "-k $workdir -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" \
  start >/dev/null
"${run_as[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres parkloop_test

export PARKLOOP_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:${port}/parkloop_test"
# For tests that stop and restart the server: its data folder (its log is ../server.log) and
# the folder of pg_ctl; as root, run pg_ctl as the postgres user.
export PARKLOOP_TEST_POSTGRES_DATA="$workdir/data"
export PARKLOOP_TEST_POSTGRES_BIN="$bindir"
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on port $port" >&2
"$@"
