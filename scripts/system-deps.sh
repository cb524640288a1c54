#!/usr/bin/env bash
# System pieces the test suite uses: Debian's chromium (browser tests) and a PostgreSQL server
# (the verdict store's server tests). When we are root with apt-get, missing packages are
# installed; a private PostgreSQL cluster is started on 127.0.0.1 and its SQLAlchemy URL is
# written to .checker/test-postgres-url for the tests. Without root, it says what is missing and
# those tests skip (in CI they fail instead).
set -u
cd "$(dirname "$0")/.."
root=0; [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 && root=1

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
  if [ $root -eq 1 ]; then
    echo "installing system packages: ${need[*]}"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null 2>&1 \
      || echo "warning: could not install ${need[*]}"
  else
    echo "note: missing ${need[*]} (sudo apt-get install ${need[*]}); the tests that need them will skip"
  fi
fi

# A private PostgreSQL cluster for the tests, on 127.0.0.1 only.
mkdir -p .checker
url_file=.checker/test-postgres-url
rm -f "$url_file"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -n "$bin" ] && [ -x "$bin/initdb" ]; then
  port=${CHECKER_TEST_PG_PORT:-55432}
  data=${TMPDIR:-/tmp}/checker-test-pg
  run_as=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    run_as=(runuser -u postgres --)
  fi
  if ! "${run_as[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    rm -rf "$data"; mkdir -p "$data"
    [ "$(id -u)" -eq 0 ] && chown postgres "$data"
    "${run_as[@]}" "$bin/initdb" -D "$data" -A trust -U postgres >/dev/null \
      && "${run_as[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
           -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c max_connections=60 -c fsync=off" start >/dev/null \
      || echo "warning: could not start PostgreSQL (see $data/server.log)"
  fi
  if "${run_as[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres" > "$url_file"
    echo "PostgreSQL for tests on 127.0.0.1:$port"
  fi
fi
exit 0
