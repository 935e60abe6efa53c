# Sourced by .ci/run and scripts/test: a PostgreSQL cluster that lives only for this run, on a Unix
# socket in a temporary folder (nothing listens on the network). Exports DESKAPP_TEST_PG_URL for
# the tests. Without it the PostgreSQL tests are skipped, which scripts/test refuses when CI is set.

# The newest installed server's bin folder (Debian/Ubuntu layout, else initdb on PATH), or nothing.
postgres_bindir() {
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [[ -z "$bindir" ]] && command -v initdb >/dev/null 2>&1; then bindir=$(dirname "$(command -v initdb)"); fi
  echo "$bindir"
}

start_postgres() {
  local bindir
  bindir=$(postgres_bindir)
  if [[ -z "$bindir" ]]; then echo "== PostgreSQL not found; the PostgreSQL tests will be skipped"; return 0; fi
  PG_TMP=$(mktemp -d)
  chown postgres "$PG_TMP" 2>/dev/null || true
  local as=()
  [[ $(id -u) -eq 0 ]] && as=(runuser -u postgres --)
  "${as[@]}" "$bindir/initdb" -D "$PG_TMP/data" -A trust -U deskapp --no-sync >/dev/null
  # Members of this group must give a password (SCRAM), so sign-in code meets a real server
  # that asks for one (tests/test_credentials.py); everyone else is trusted.
  "${as[@]}" sed -i '1i local all +deskapp_password_users scram-sha-256' "$PG_TMP/data/pg_hba.conf"
  "${as[@]}" "$bindir/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/log" -w \
    -o "-k $PG_TMP -c listen_addresses='' -c fsync=off" start >/dev/null
  "${as[@]}" "$bindir/createdb" -h "$PG_TMP" -U deskapp deskapp_test
  export DESKAPP_TEST_PG_URL="postgresql+psycopg://deskapp@/deskapp_test?host=$PG_TMP"
  export PG_BINDIR=$bindir
  echo "== PostgreSQL running on socket $PG_TMP"
}

stop_postgres() {
  if [[ -n "${PG_TMP:-}" && -d "$PG_TMP/data" ]]; then
    local as=()
    [[ $(id -u) -eq 0 ]] && as=(runuser -u postgres --)
    "${as[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_TMP/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_TMP"
  fi
}
