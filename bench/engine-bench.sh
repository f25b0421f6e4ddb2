#!/usr/bin/env bash
# Engine benchmark (issue 4), not a test. The CLI does not drive the engine yet, so this drives it
# through tests/DataForge.Engine.TestHost (the same engine, a four-stage pipeline: header map,
# keyed transform map, group by series, reduce), whole process including .NET start-up.
#
#   bench/engine-bench.sh [DIR]      env: SMALL (default 100000) small inputs, LARGE (default 2000)
#                                    inputs of LARGE_KB (default 512) KiB, JOBS (default: cores),
#                                    HOST (default: this tree's Release build of the test host)
#
# Prints: (a) no-op build vs `git status` after `git add` (both warm), target <= 2x (stretch 1.5x);
# (b) indexing throughput per core vs `openssl dgst -sha256` on one core, target >= 0.8x
#     (page cache warm for both: dropping caches would disturb a shared machine);
# (c) one changed input of SMALL vs the no-op, target: no-op + that file's own cost;
# (d) peak RSS of the no-op build (/usr/bin/time -v), target <= 400 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
SMALL=${SMALL:-100000}; LARGE=${LARGE:-2000}; LARGE_KB=${LARGE_KB:-512}; JOBS=${JOBS:-$(nproc)}
DIR=${1:-${TMPDIR:-/tmp}/dataforge-engine-bench}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# HOST=path runs another build of the host (e.g. one made from an older commit, for a before/after).
if [ -z "${HOST:-}" ]; then
  dotnet build -c Release tests/DataForge.Engine.TestHost -v q -nologo >/dev/null
  HOST=tests/DataForge.Engine.TestHost/bin/Release/net10.0/DataForge.Engine.TestHost
fi

if [ ! -f "$DIR/.generated-$SMALL-$LARGE-$LARGE_KB" ]; then
  rm -rf "$DIR"; mkdir -p "$DIR/raw"
  echo "generating $SMALL small and $LARGE x ${LARGE_KB} KiB inputs in $DIR" >&2
  /usr/bin/python3 - "$DIR/raw" "$SMALL" "$LARGE" "$LARGE_KB" <<'PY'
import os, sys, random
root, small, large, kb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(4)
for i in range(small):
    d = f"{root}/small/p{i % 500:03d}"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/i{i:06d}.txt", "w") as f:
        f.write(f"series=S{i % 500}\n" + "instance %d " % i * 8)
for i in range(large):
    d = f"{root}/large/p{i % 50:02d}"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/v{i:05d}.txt", "wb") as f:
        f.write(f"series=L{i % 50}\n".encode() + rnd.randbytes(kb * 1024))
PY
  touch "$DIR/.generated-$SMALL-$LARGE-$LARGE_KB"
fi
BYTES=$(du -sb "$DIR/raw" | cut -f1)

best() { # best wall time of N runs of a command, seconds
  local n=$1; shift; local best=""
  for _ in $(seq "$n"); do
    local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
    best=$(python3 -c "b='$best'; t=$e-$s; print(t if not b or t < float(b) else b)")
  done
  echo "$best"
}
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }

# (b) cold index (fresh state), hashing on JOBS cores, against openssl on one core.
rm -rf "$DIR/.dataforge" "$DIR/out"
find "$DIR/raw" -type f -print0 | xargs -0 cat >/dev/null  # the page cache warm for both (see above)
T_INDEX=$(best 1 "$HOST" index "$DIR" -j "$JOBS")
T_OPENSSL=$(best 1 bash -c "find '$DIR/raw' -type f -print0 | xargs -0 openssl dgst -sha256 >/dev/null")
RATE_DF=$(python3 -c "print($BYTES/$T_INDEX/$JOBS)")
RATE_OS=$(python3 -c "print($BYTES/$T_OPENSSL)")

# First full build (cold store), then the warm no-op.
T_FIRST=$(best 1 "$HOST" build "$DIR" -j "$JOBS")
T_NOOP=$(best 3 "$HOST" build "$DIR" -j "$JOBS")
( cd "$DIR" && { [ -d .git ] || { git init -q . && printf '.dataforge/\nout/\n' > .gitignore; }; } && git add -A raw .gitignore >/dev/null && git status >/dev/null )
T_GIT=$(best 3 git -C "$DIR" status)

# (c) one changed input.
F=$(find "$DIR/raw/small" -type f -print -quit)
echo "changed $(date +%s%N)" >> "$F"
T_ONE=$(best 1 "$HOST" build "$DIR" -j "$JOBS")

# (d) peak memory of a no-op build.
RSS_KB=$( { /usr/bin/time -v "$HOST" build "$DIR" -j "$JOBS" >/dev/null; } 2>&1 | awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}')

echo "inputs: $SMALL small + $LARGE x ${LARGE_KB} KiB ($BYTES bytes), jobs $JOBS, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "first build: ${T_FIRST}s"
echo "(a) no-op build ${T_NOOP}s vs git status ${T_GIT}s: ratio $(ratio "$T_NOOP" "$T_GIT") (target <= 2, stretch 1.5)"
echo "(b) index ${T_INDEX}s = $(python3 -c "print(f'{$RATE_DF/1e6:.1f}')") MB/s per core vs openssl ${T_OPENSSL}s = $(python3 -c "print(f'{$RATE_OS/1e6:.1f}')") MB/s: ratio $(ratio "$RATE_DF" "$RATE_OS") (target >= 0.8)"
echo "(c) one changed input ${T_ONE}s vs no-op ${T_NOOP}s: ratio $(ratio "$T_ONE" "$T_NOOP") (target: no-op + one file's cost)"
echo "(d) peak RSS of a no-op build: $((RSS_KB / 1024)) MB (target <= 400)"
