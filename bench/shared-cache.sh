#!/usr/bin/env bash
# Shared action cache and store (state: postgres, store: PATH), not a test: what recording into PostgreSQL costs and
# what being served from it gains. A synthetic CT/MR corpus is copied into three projects with the same manifest and
# secret: "local" on its own store, "a" and "b" on one shared store and one PostgreSQL database (a cluster made with
# initdb in DIR, on a Unix socket only, stopped by its pid at the end; run as root, like the tests' fixture).
#
#   bench/shared-cache.sh [DIR]   env: PATIENTS (default 24) x 2 series x SLICES (default 32) slices of MATRIX
#                                 (default 128) pixels; JOBS (default: cores); RUNS (default 3) runs of each no-op
#
# Prints the first build of each project (local: runs everything; a: runs everything and records it in the shared
# cache; b: served from the shared cache), the best no-op build of local and b, the ratios a/local and b/local, and
# whether b's output folder is byte-identical to local's.
set -euo pipefail
cd "$(dirname "$0")/.."
PATIENTS=${PATIENTS:-24}; SLICES=${SLICES:-32}; MATRIX=${MATRIX:-128}; JOBS=${JOBS:-$(nproc)}; RUNS=${RUNS:-3}
DIR=${1:-${TMPDIR:-/tmp}/dataforge-shared-cache-bench}
PG=/usr/lib/postgresql/15/bin
. bench/lib.sh
PY=/usr/bin/python3
[ "$(id -u)" = 0 ] || { echo "run as root: initdb and postgres run as the postgres user through setpriv" >&2; exit 2; }

DF=$(publish_cli "$DIR.bin")
rm -rf "$DIR"; mkdir -p "$DIR/pg"
chown postgres:postgres "$DIR/pg"; chmod 700 "$DIR/pg"
SUPER=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'); export PGPW=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "$SUPER" > "$DIR/pg/pw"; chown postgres "$DIR/pg/pw"
setpriv --reuid=postgres --regid=postgres --init-groups -- "$PG/initdb" -D "$DIR/pg/data" -U postgres --auth=scram-sha-256 \
  --pwfile="$DIR/pg/pw" -E UTF8 --locale=C.UTF-8 >/dev/null
setpriv --reuid=postgres --regid=postgres --init-groups -- "$PG/postgres" -D "$DIR/pg/data" -c listen_addresses= \
  -c "unix_socket_directories=$DIR/pg" >"$DIR/pg.log" 2>&1 &
PID=$!
trap 'kill -INT $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
until "$PG/pg_isready" -q -h "$DIR/pg"; do sleep 0.2; done
PGPASSWORD=$SUPER "$PG/psql" -h "$DIR/pg" -U postgres -qX -c "CREATE ROLE bench LOGIN PASSWORD '$PGPW'" -c "CREATE DATABASE cache OWNER bench"

"$DF" synth "$DIR/corpus" --patients "$PATIENTS" --slices "$SLICES" --matrix "$MATRIX" >/dev/null
for p in local a b; do
  mkdir -p "$DIR/$p"; cp -r "$DIR/corpus" "$DIR/$p/raw"
  printf 'bench-secret-%s\n' 0123456789abcdef0123456789abcdef > "$DIR/$p/secret.txt"
  cat > "$DIR/$p/dataforge.yaml" <<YAML
version: 1
name: shared-cache-bench
secret: file:secret.txt
sources:
  - {id: raw, kind: dicom, path: raw}
deidentify: {profile: basic}
output: {path: out, layout: nifti}
YAML
done
for p in a b; do
  cat >> "$DIR/$p/dataforge.yaml" <<YAML
store: $DIR/store
state: {url: "postgres://bench@/cache?host=$DIR/pg", password: "env:PGPW"}
YAML
done

wall() { # wall seconds of one build in project $1
  local t0 t1; t0=$(date +%s.%N); ( cd "$DIR/$1" && "$DF" build -j "$JOBS" >/dev/null 2>&1 ); t1=$(date +%s.%N)
  $PY -c "print(round($t1 - $t0, 3))"
}
best() { local b=1e9; for _ in $(seq "$RUNS"); do b=$($PY -c "print(min($(wall "$1"), $b))"); done; echo "$b"; }
FILES=$(find "$DIR/corpus" -type f | wc -l)
LOCAL=$(wall local); A=$(wall a); B=$(wall b)
NOOP_LOCAL=$(best local); NOOP_B=$(best b)
printf '%d instances, -j %d\n' "$FILES" "$JOBS"
printf 'first build  local %6.2f s   a (records into the cache) %6.2f s   b (served by it) %6.2f s\n' "$LOCAL" "$A" "$B"
printf 'no-op build  local %6.2f s   b %6.2f s\n' "$NOOP_LOCAL" "$NOOP_B"
printf 'ratios       a/local %.2f   b/local %.2f   no-op b/local %.2f\n' \
  "$($PY -c "print($A / $LOCAL)")" "$($PY -c "print($B / $LOCAL)")" "$($PY -c "print($NOOP_B / $NOOP_LOCAL)")"
diff -rq "$DIR/local/out" "$DIR/b/out" >/dev/null && echo "b's output folder is byte-identical to local's" || echo "b's output folder DIFFERS from local's"
