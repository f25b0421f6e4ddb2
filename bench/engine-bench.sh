#!/usr/bin/env bash
# Engine benchmark (issue 4), not a test: the real `dataforge build` as users install it (published,
# ReadyToRun), whole process including .NET start-up, on a generated tree of synthetic DICOM files.
#
#   bench/engine-bench.sh [DIR]   env: SMALL (default 100000) small DICOM files (8x8 pixels, ~2 KB),
#                                 LARGE (default 2000) DICOM files of 512x512 16-bit pixels (~0.5 MB),
#                                 JOBS (default: cores), HOST (default: this tree's CLI, published to
#                                 DIR.bin; pass another build's `dataforge` for a before/after on the
#                                 same tree), RUNS (default 3) runs of each timed no-op (and at least 9 rounds of (c)),
#                                 EXAMPLE_ONLY=1: only (e), without generating the large tree
#
# Pipeline: one DICOM source and no deidentify: section, so `dataforge build` = index (walk, stat cache,
# SHA-256 of new or changed files) + the `headers` map stage (each file's DICOM header parsed, its facts
# stored as a metadata object), nothing published. That is the engine's own cost per input; a
# de-identifying pipeline adds the stage's work per changed file, not per file on a no-op.
#
# Prints:
# (a) no-op build vs `git status` after `git add` (both warm, whole process): target <= 2x (stretch 1.5x);
# (b) cold indexing (`dataforge status` on an empty store: walk + SHA-256 of every file, all cores) per
#     core vs `openssl dgst -sha256` over the same files on one core: target >= 0.8x (page cache warm
#     for both: dropping caches would disturb a shared machine);
# (c) one changed input (a pixel byte of one small file, same size) vs the no-op plus that file's own cost,
#     measured as the same change in a tree holding only that file minus that tree's no-op: target <= 1;
# (d) peak RSS (/usr/bin/time) of the no-op and of the first build: target <= 400 MB;
# (e) small projects (issue 21, target 3): the repository's 96-file example (its dataforge.yaml, de-identifying), a
#     no-op build (target <= 0.12 s) and validate (target <= 0.10 s), medians of 11 interleaved runs, wall and CPU,
#     beside `dataforge --version` (the .NET host and runtime start-up alone, the floor of any command).
# Each time is also given as CPU time (user + sys, /usr/bin/time): on a loaded machine wall times swell,
# CPU times much less, so the CPU ratios are the steadier comparison there.
set -euo pipefail
cd "$(dirname "$0")/.."
SMALL=${SMALL:-100000}; LARGE=${LARGE:-2000}; JOBS=${JOBS:-$(nproc)}; RUNS=${RUNS:-3}
DIR=${1:-${TMPDIR:-/tmp}/dataforge-engine-bench}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
PY=/usr/bin/python3

if [ -z "${HOST:-}" ]; then
  . bench/lib.sh
  HOST=$(publish_cli "$DIR.bin")
fi
HOST=$(realpath "$HOST")

# (e) small projects: a copy of the repository's example (the page cache warm, the store built once).
example() {
  local ex=$DIR.example
  rm -rf "$ex"; mkdir -p "$ex"; cp -r dataforge.yaml examples "$ex/"
  ( cd "$ex" && "$HOST" build >/dev/null 2>&1 ) || { echo "the example's build failed" >&2; exit 1; }
  $PY - "$HOST" "$ex" <<'PY'
import os, resource, statistics, subprocess, sys, time
host, ex = sys.argv[1], sys.argv[2]
runs = {"build": ["build"], "validate": ["validate"], "--version": ["--version"]}
times = {k: ([], []) for k in runs}
for _ in range(11):
    for name, args in runs.items():  # interleaved: a change in the machine's load falls on all three
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN); t0 = time.perf_counter()
        subprocess.run([host] + args, cwd=ex, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        t1 = time.perf_counter(); r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        times[name][0].append(t1 - t0); times[name][1].append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
med = {k: (statistics.median(w), statistics.median(c)) for k, (w, c) in times.items()}
files = sum(len(f) for _, _, f in os.walk(os.path.join(ex, "examples", "dicom")))
print(f"(e) the {files}-file example, medians of 11 runs: no-op build {med['build'][0]:.3f}s (cpu {med['build'][1]:.3f}s; target <= 0.12), "
      f"validate {med['validate'][0]:.3f}s (cpu {med['validate'][1]:.3f}s; target <= 0.10), "
      f"--version {med['--version'][0]:.3f}s (cpu {med['--version'][1]:.3f}s), load {open('/proc/loadavg').read().split()[0]}")
PY
  rm -rf "$ex"
}
if [ "${EXAMPLE_ONLY:-}" = 1 ]; then example; exit 0; fi

# N files as series of at most 200 slices: synth writes PATIENTS x SLICES files.
synth() { # folder count matrix
  local slices=$(( $2 < 200 ? $2 : 200 ))
  "$HOST" synth "$DIR/raw/$1" --patients $(( ($2 + slices - 1) / slices )) --slices "$slices" --matrix "$3" \
    --modalities CT --seed 4 -j "$JOBS" >&2
}
if [ ! -f "$DIR/.generated-$SMALL-$LARGE" ]; then
  rm -rf "$DIR"; mkdir -p "$DIR/raw"
  echo "generating $SMALL small and $LARGE large DICOM files in $DIR" >&2
  synth small "$SMALL" 8
  [ "$LARGE" -gt 0 ] && synth large "$LARGE" 512
  printf 'version: 1\nname: engine-bench\nsources:\n  - {id: raw, kind: dicom, path: raw}\n' > "$DIR/dataforge.yaml"
  touch "$DIR/.generated-$SMALL-$LARGE"
fi
FILES=$(find "$DIR/raw" -type f | wc -l)
BYTES=$(du -sb "$DIR/raw" | cut -f1)

timed() { # "wall-seconds cpu-seconds peak-RSS-KB" of one run in $IN (default DIR) (/usr/bin/time's figures; cpu = user + sys, children included)
  ( cd "${IN:-$DIR}" && /usr/bin/time -f "%e %U %S %M" -o "$DIR.time" "$@" >/dev/null 2>&1 ) || true
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$DIR.time"
}
best() { # "best-wall best-cpu" of N runs
  local n=$1; shift; local w="" c=""
  for _ in $(seq "$n"); do
    local t; t=$(timed "$@")
    w=$($PY -c "print(min(${t%% *}, ${w:-1e9}))"); c=$($PY -c "print(min($(echo "$t" | cut -d' ' -f2), ${c:-1e9}))")
  done
  echo "$w $c"
}
ratio() { $PY -c "print(f'{$1/$2:.2f}')"; }

find "$DIR/raw" -type f -print0 | xargs -0 cat >/dev/null  # the page cache warm for every contender (see above)

# (b) cold indexing: status on an empty store hashes every file and writes nothing.
rm -rf "$DIR/.dataforge" "$DIR/out"
INDEX=$(timed "$HOST" status)  # status hashes on all cores (it has no -j)
OPENSSL=$(timed bash -c "find raw -type f -print0 | xargs -0 openssl dgst -sha256 >/dev/null")
# The index phases alone (walk, stat cache, SHA-256, recording), from the engine's own clock on a second cold run: the
# whole-process figure above also holds start-up and status's planning of every stage, which (a) already measures.
rm -rf "$DIR/.dataforge"
T_PHASE=$( cd "$DIR" && DATAFORGE_TIMINGS=1 "$HOST" status 2>&1 >/dev/null | awk '/^timing: index/ {for (i = 1; i <= NF; i++) if ($(i + 1) == "ms") {s += $i; break}} END {printf "%.3f", s / 1000}' )
T_INDEX=${INDEX%% *}; T_OPENSSL=${OPENSSL%% *}
RATE_DF=$($PY -c "print($BYTES/$T_INDEX/$(nproc))")
RATE_OS=$($PY -c "print($BYTES/$T_OPENSSL)")
# Per CPU-second (user + sys): the same comparison, insensitive to other load on the machine.
CPU_DF=$($PY -c "print($BYTES/$(echo "$INDEX" | cut -d' ' -f2))"); CPU_OS=$($PY -c "print($BYTES/$(echo "$OPENSSL" | cut -d' ' -f2))")

# The first build (cold store, peak memory), then the warm no-op.
FIRST=$(timed "$HOST" build -j "$JOBS")
if ! ( cd "$DIR" && "$HOST" build -j "$JOBS" >/dev/null 2>&1 ); then echo "the warm build failed" >&2; exit 1; fi
NOOP_BEST=$(best "$RUNS" "$HOST" build -j "$JOBS"); T_NOOP=${NOOP_BEST% *}; C_NOOP=${NOOP_BEST#* }
( cd "$DIR" && { [ -d .git ] || { git init -q . && printf '.dataforge/\nout/\n' > .gitignore; }; } && git add -A raw .gitignore dataforge.yaml && git status >/dev/null )
GIT_BEST=$(best "$RUNS" git status); T_GIT=${GIT_BEST% *}; C_GIT=${GIT_BEST#* }

# (c) one changed input: the last pixel byte of one small file, same size, new mtime, new content in each run (a byte
# value not seen before), so its action runs every time; against the no-op plus that file's own cost: the same change
# in a tree that holds only that file, minus that tree's no-op (what any build that runs one action pays: reading,
# parsing and storing the file, loading that code). RUNS rounds, each: no-op, one change, one-file no-op, one-file
# change, interleaved so that a change in the machine's load falls on all four; the ratio of the medians, and each
# round's own ratio (a difference of two noisy times is not the difference of their bests).
F=$(find "$DIR/raw/small" -type f -name '*.dcm' -print -quit)
bump() { $PY -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[-1]=(b[-1]+1)%256; open(p,'wb').write(b)" "$1"; }
SOLO=$DIR.solo; rm -rf "$SOLO"; mkdir -p "$SOLO/raw"; cp "$F" "$SOLO/raw/"; cp "$DIR/dataforge.yaml" "$SOLO/"
( cd "$SOLO" && "$HOST" build -j "$JOBS" >/dev/null 2>&1 )
ROUNDS=$DIR.rounds; : > "$ROUNDS"
for _ in $(seq "$(( RUNS > 9 ? RUNS : 9 ))"); do
  a=$(timed "$HOST" build -j "$JOBS"); bump "$F"; b=$(timed "$HOST" build -j "$JOBS")
  c=$(IN=$SOLO timed "$HOST" build -j "$JOBS"); bump "$SOLO/raw/$(basename "$F")"; d=$(IN=$SOLO timed "$HOST" build -j "$JOBS")
  echo "$a|$b|$c|$d" >> "$ROUNDS"
done
rm -rf "$SOLO"
C_LINE=$($PY - "$ROUNDS" <<'PY'
import statistics, sys
rows = [[part.split() for part in line.strip().split('|')] for line in open(sys.argv[1]) if line.strip()]
def stat(f, k, field): return f([float(r[k][field]) for r in rows])
med = statistics.median
noop, one, solo_noop, solo_one = (stat(med, k, 0) for k in range(4))
cnoop, cone, csolo_noop, csolo_one = (stat(med, k, 1) for k in range(4))
own, cown = max(0.0, solo_one - solo_noop), max(0.0, csolo_one - csolo_noop)
# Each round's own ratio too (its four runs side by side): the spread says how much the machine moved.
per = sorted(float(r[1][0]) / (float(r[0][0]) + max(0.0, float(r[3][0]) - float(r[2][0]))) for r in rows)
# What the one change costs beyond the no-op and the file's own cost, per round: the part that grows with the tree.
extra = sorted(float(r[1][0]) - float(r[0][0]) - (float(r[3][0]) - float(r[2][0])) for r in rows)
print(f"medians of {len(rows)} rounds: one changed input {one:.2f}s vs no-op {noop:.2f}s + that file's own cost {own:.2f}s "
      f"(its change in a one-file tree {solo_one:.2f}s minus that tree's no-op {solo_noop:.2f}s): ratio {one / (noop + own):.2f}; "
      f"cpu {cone:.2f}s vs {cnoop:.2f}s + {cown:.2f}s: ratio {cone / (cnoop + cown):.2f}; vs the no-op alone: {one / noop:.2f}\n"
      f"    per round: ratios {' '.join(f'{x:.2f}' for x in per)} (median {med(per):.2f}); "
      f"time beyond the no-op and the file's own cost {' '.join(f'{x:+.2f}' for x in extra)}s (median {med(extra):+.3f}s)")
PY
)
rm -f "$ROUNDS"

# (d) peak memory of a no-op build.
NOOP=$(timed "$HOST" build -j "$JOBS")

echo "engine bench: $FILES DICOM files ($SMALL small + $LARGE large, $((BYTES / 1048576)) MB), -j $JOBS, host $HOST, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "first build: ${FIRST%% *}s, cpu $(echo "$FIRST" | cut -d' ' -f2)s, peak RSS $(( ${FIRST##* } / 1024 )) MB"
echo "(a) no-op build ${T_NOOP}s vs git status ${T_GIT}s: ratio $(ratio "$T_NOOP" "$T_GIT") (target <= 2, stretch 1.5); cpu ${C_NOOP}s vs ${C_GIT}s: ratio $(ratio "$C_NOOP" "$C_GIT")"
echo "(b) cold index ${T_INDEX}s = $($PY -c "print(f'{$RATE_DF/1e6:.1f}')") MB/s per core vs openssl ${T_OPENSSL}s = $($PY -c "print(f'{$RATE_OS/1e6:.1f}')") MB/s: ratio $(ratio "$RATE_DF" "$RATE_OS") (target >= 0.8); per cpu-second $($PY -c "print(f'{$CPU_DF/1e6:.1f}')") vs $($PY -c "print(f'{$CPU_OS/1e6:.1f}')") MB/s: ratio $(ratio "$CPU_DF" "$CPU_OS")"
echo "(b) index phases alone ${T_PHASE}s = $($PY -c "print(f'{$BYTES/$T_PHASE/$(nproc)/1e6:.1f}')") MB/s per core: ratio $($PY -c "print(f'{($BYTES/$T_PHASE/$(nproc))/$RATE_OS:.2f}')") (same target)"
echo "(c) (target ratio <= 1)
    $C_LINE"
echo "(d) peak RSS of a no-op build: $(( ${NOOP##* } / 1024 )) MB, of the first build $(( ${FIRST##* } / 1024 )) MB (target <= 400)"
example
