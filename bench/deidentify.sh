#!/usr/bin/env bash
# De-identification benchmark (issue 5), not a test: a cold `dataforge build` with the Basic Profile over a
# synthetic CT corpus, against gdcmanon (libgdcm-tools, PS3.15 E.1 with its own certificate) over the same
# files, and against `cp -r` of the same bytes (the I/O floor). Whole processes, page cache warm for all.
#
#   bench/deidentify.sh [DIR]     env: PATIENTS (default 10) x SLICES (default 200) slices of MATRIX (512)
#                                 pixels square, 16 bit; JOBS (default: cores); BASELINE: another
#                                 `dataforge` (e.g. published from an older commit) to compare with
#
# Prints files/s of each and the ratios: DataForge/gdcmanon throughput (issue 21: target >= 1.5) and
# DataForge/cp time; and issue 21's CPU ratio: DataForge's CPU time over gdcmanon's plus that of
# `openssl dgst -sha256` over the inputs and over DataForge's outputs (the hashing the design requires; target <= 1).
# The outputs' digest (the sums of every output file) is printed, to compare with another commit's. With BASELINE,
# that build runs on the same corpus in the same session (before and after this tree's, whose two CPU times are
# averaged) and the script says whether both wrote the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
PATIENTS=${PATIENTS:-10}; SLICES=${SLICES:-200}; MATRIX=${MATRIX:-512}; JOBS=${JOBS:-$(nproc)}
DIR=${1:-${TMPDIR:-/tmp}/dataforge-deid-bench}
. bench/lib.sh
command -v gdcmanon >/dev/null || { echo "gdcmanon is missing: apt-get install libgdcm-tools" >&2; exit 2; }

DF=$(publish_cli "$DIR.bin")

ct_corpus "$DF" "$DIR" "$PATIENTS" "$SLICES" "$MATRIX"
FILES=$(find "$DIR/raw" -name '*.dcm' | wc -l)
BYTES=$(du -sb "$DIR/raw" | cut -f1)
cat > "$DIR/dataforge.yaml" <<YAML
version: 1
name: deid-bench
sources:
  - {id: raw, kind: dicom, path: raw}
deidentify:
  profile: basic
  options: [retain-longitudinal-modified-dates, clean-descriptors]
YAML
printf 'bench-secret-%s\n' 0123456789abcdef0123456789abcdef > "$DIR/secret.txt"
sed -i '1a secret: file:secret.txt' "$DIR/dataforge.yaml"
if [ ! -f "$DIR/cert.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$DIR/key.pem" -out "$DIR/cert.pem" -subj /CN=bench -days 2 2>/dev/null
fi
cat "$DIR"/raw/*/*/*/*.dcm > /dev/null   # warm the page cache for every contender

now() { date +%s.%N; }
# Wall seconds on stdout; CPU seconds (user + system) of the command into $DIR/.cpu, read back with cpu: on a
# machine shared with other work the wall ratio swings with the load, the CPU ratio much less.
run() { local t0; t0=$(now); /usr/bin/time -o "$DIR/.cpu" -f "%U %S" "$@" > /dev/null 2>&1 || true; echo "$(now) - $t0" | bc; }
cpu() { awk 'END {print $1 + $2}' "$DIR/.cpu"; }

# `sync` (untimed) after each removal: what the last contender left dirty in the page cache is written back now, not
# by the next build's syncfs, which flushes the whole file system (a build after another paid for its writes).
rm -rf "$DIR/cp"; sync
T_CP=$(run cp -r "$DIR/raw" "$DIR/cp"); C_CP=$(cpu)
rm -rf "$DIR/gdcm"; mkdir -p "$DIR/gdcm"; sync
T_GDCM=$(run gdcmanon -e -c "$DIR/cert.pem" --continue -r -i "$DIR/raw" -o "$DIR/gdcm"); C_GDCM=$(cpu)
GDCM_FILES=$(find "$DIR/gdcm" -type f | wc -l)
# A cold build: no store, no output folder; the sums of the output's files (paths carry no PHI) on stdout.
build() {
  rm -rf "$DIR/.dataforge" "$DIR/out"; sync
  ( cd "$DIR" && run "$1" build -j "$JOBS" ) > "$DIR/.wall"
  ( cd "$DIR/out" && find . -type f | sort | xargs sha256sum ) | sha256sum | cut -c1-16
}
if [ -n "${BASELINE:-}" ]; then SUM_BASE=$(build "$BASELINE"); T_BASE1=$(cat "$DIR/.wall"); C_BASE1=$(cpu); fi
SUM_DF=$(build "$DF"); T_DF=$(cat "$DIR/.wall"); C_DF=$(cpu)
DF_FILES=$(find "$DIR/out" -name '*.dcm' | wc -l)
# The hashing floor: SHA-256 of every input (the index) and of every output (content addressing), on one core.
T_SHA_IN=$(run bash -c "find '$DIR/raw' -type f -print0 | xargs -0 openssl dgst -sha256"); C_SHA_IN=$(cpu)
T_SHA_OUT=$(run bash -c "find '$DIR/out' -type f -name '*.dcm' -print0 | xargs -0 openssl dgst -sha256"); C_SHA_OUT=$(cpu)
if [ -n "${BASELINE:-}" ]; then SUM_BASE2=$(build "$BASELINE"); T_BASE2=$(cat "$DIR/.wall"); C_BASE2=$(cpu); fi
rm -rf "$DIR/cp"

rate() { echo "scale=1; $1 / $2" | bc; }
echo "corpus: $FILES files, $((BYTES / 1048576)) MB, -j $JOBS"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cp -r:       ${T_CP} s (CPU ${C_CP} s)"
echo "gdcmanon:    ${T_GDCM} s (CPU ${C_GDCM} s), $GDCM_FILES files written, $(rate "$GDCM_FILES" "$T_GDCM") files/s"
echo "dataforge:   ${T_DF} s (CPU ${C_DF} s), $DF_FILES files written, $(rate "$DF_FILES" "$T_DF") files/s"
echo "sha256:      inputs CPU ${C_SHA_IN} s, outputs CPU ${C_SHA_OUT} s (openssl dgst, one core)"
echo "ratio dataforge/gdcmanon throughput: $(echo "scale=2; ($DF_FILES / $T_DF) / ($GDCM_FILES / $T_GDCM)" | bc) (target >= 1.5); per CPU-second: $(echo "scale=2; ($DF_FILES / $C_DF) / ($GDCM_FILES / $C_GDCM)" | bc)"
echo "ratio dataforge CPU / (gdcmanon + sha256 of inputs and outputs) CPU: $(echo "scale=2; $C_DF / ($C_GDCM + $C_SHA_IN + $C_SHA_OUT)" | bc) (target <= 1)"
echo "outputs' digest: $SUM_DF"
echo "ratio dataforge/cp time:             $(echo "scale=2; $T_DF / $T_CP" | bc) (target <= 2); CPU time: $(echo "scale=2; $C_DF / $C_CP" | bc)"
if [ -n "${BASELINE:-}" ]; then
  C_BASE=$(echo "scale=2; ($C_BASE1 + $C_BASE2) / 2" | bc); T_BASE=$(echo "scale=2; ($T_BASE1 + $T_BASE2) / 2" | bc)
  echo "baseline:    ${T_BASE1} s, ${T_BASE2} s (CPU ${C_BASE1} s, ${C_BASE2} s) $BASELINE"
  echo "ratio dataforge/baseline CPU time:   $(echo "scale=2; $C_DF / $C_BASE" | bc); wall: $(echo "scale=2; $T_DF / $T_BASE" | bc)"
  if [ "$SUM_DF" = "$SUM_BASE" ] && [ "$SUM_DF" = "$SUM_BASE2" ]; then echo "outputs: byte-identical to the baseline's"
  else echo "outputs: DIFFER from the baseline's ($SUM_DF vs $SUM_BASE, $SUM_BASE2)"; fi
fi
