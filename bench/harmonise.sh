#!/usr/bin/env bash
# Series-to-volume benchmark (issue 8), not a test: a cold `dataforge build` (Basic Profile de-identification,
# output.layout nifti, no harmonise steps) over a synthetic CT corpus, against `dcm2niix -z y` over the same
# files. Whole processes, page cache warm for both. DataForge must de-identify before it makes volumes (no
# volume is made from identified data), so its time includes that stage; it is also timed alone.
#
#   bench/harmonise.sh [DIR]      env: SERIES (default 20) x SLICES (default 200) slices of MATRIX (512)
#                                 pixels square, 16 bit; JOBS (default: cores); LEVEL (gzip level, default 6)
#
# Prints seconds of each and the ratio DataForge/dcm2niix time (issue 21: target <= 0.35), wall and CPU (user + system,
# children included: on a loaded machine wall times swell, CPU times much less), and the digest of the volumes
# written (the sums of every .nii.gz), to compare with another commit's: no speed-up may change a byte.
set -euo pipefail
cd "$(dirname "$0")/.."
SERIES=${SERIES:-20}; SLICES=${SLICES:-200}; MATRIX=${MATRIX:-512}; JOBS=${JOBS:-$(nproc)}
DIR=${1:-${TMPDIR:-/tmp}/dataforge-harmonise-bench}
. bench/lib.sh
command -v dcm2niix >/dev/null || { echo "dcm2niix is missing: apt-get install dcm2niix" >&2; exit 2; }

DF=$(publish_cli "$DIR.bin")

ct_corpus "$DF" "$DIR" "$SERIES" "$SLICES" "$MATRIX"
FILES=$(find "$DIR/raw" -name '*.dcm' | wc -l)
manifest() {
  cat <<YAML
version: 1
name: harmonise-bench
secret: file:secret.txt
sources:
  - {id: raw, kind: dicom, path: raw}
deidentify:
  profile: basic
  options: [retain-longitudinal-modified-dates]
output:
  path: out
  layout: $1
YAML
}
printf 'bench-secret-%s\n' 0123456789abcdef0123456789abcdef > "$DIR/secret.txt"
cat "$DIR"/raw/*/*/*/*.dcm > /dev/null   # warm the page cache for every contender

now() { date +%s.%N; }
# Wall seconds on stdout; CPU seconds (user + system) of the command into $DIR/.cpu, read back with cpu.
run() { local t0; t0=$(now); /usr/bin/time -o "$DIR/.cpu" -f "%U %S" "$@" > /dev/null 2>&1 || true; echo "$(now) - $t0" | bc; }
cpu() { awk 'END {print $1 + $2}' "$DIR/.cpu"; }

rm -rf "$DIR/dcm2niix"; mkdir -p "$DIR/dcm2niix"; sync
T_D2N=$(run dcm2niix -z y -b n -o "$DIR/dcm2niix" "$DIR/raw"); C_D2N=$(cpu)
D2N_FILES=$(find "$DIR/dcm2niix" -name '*.nii.gz' | wc -l)

# De-identification alone (layout dicom), then the whole build to volumes, each from a cold store.
manifest dicom > "$DIR/dataforge.yaml"
rm -rf "$DIR/.dataforge" "$DIR/out"; sync
T_DEID=$( cd "$DIR" && run "$DF" build -j "$JOBS" ); C_DEID=$(cpu)
manifest nifti > "$DIR/dataforge.yaml"
rm -rf "$DIR/.dataforge" "$DIR/out"; sync
T_DF=$( cd "$DIR" && run "$DF" build -j "$JOBS" ); C_DF=$(cpu)
DF_FILES=$(find "$DIR/out" -name '*.nii.gz' | wc -l)
SUM_DF=$( cd "$DIR/out" && find . -name '*.nii.gz' | sort | xargs sha256sum | sha256sum | cut -c1-16 )

echo "corpus: $FILES files in $SERIES series of $SLICES slices ${MATRIX}x${MATRIX}, -j $JOBS"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "dcm2niix -z y:              ${T_D2N} s (CPU ${C_D2N} s), $D2N_FILES volumes"
echo "dataforge deidentify only:  ${T_DEID} s (CPU ${C_DEID} s)"
echo "dataforge deidentify+nifti: ${T_DF} s (CPU ${C_DF} s), $DF_FILES volumes, digest $SUM_DF"
echo "ratio dataforge/dcm2niix time: $(echo "scale=2; $T_DF / $T_D2N" | bc) (target <= 0.35); CPU time: $(echo "scale=2; $C_DF / $C_D2N" | bc)"
echo "ratio of the volume stage alone (build - deidentify) / dcm2niix: $(echo "scale=2; ($T_DF - $T_DEID) / $T_D2N" | bc); CPU time: $(echo "scale=2; ($C_DF - $C_DEID) / $C_D2N" | bc)"
