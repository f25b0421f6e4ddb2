#!/usr/bin/env bash
# Output link modes (issue 16), not a test: what `output.link` costs in time and disk. One de-identified synthetic CT
# corpus built once into the store; then, per mode (hardlink, copy, auto = reflink where the file system clones,
# else copy), the output folder is materialised from the store alone (out/ removed: no action runs, every file is
# made again from its object, which is re-hashed first) and a no-op build is timed. Whole processes, warm cache.
#
#   bench/output-link.sh [DIR]    env: PATIENTS (default 4) x SLICES (default 100) slices of MATRIX (default 256)
#                                 pixels square, 16 bit; RUNS (default 3) runs of each timing (the best is kept);
#                                 JOBS (default: cores)
#
# Prints per mode: restore time (out/ from the store), no-op build time, and the disk the output folder adds to
# the store (du of .dataforge and out together, minus .dataforge alone); then the ratios copy/hardlink and
# auto/hardlink. The file system of DIR decides what auto does: ext4 and tmpfs cannot clone (auto = copy),
# btrfs and XFS with reflink can (auto costs about what a hard link costs on disk).
set -euo pipefail
cd "$(dirname "$0")/.."
PATIENTS=${PATIENTS:-4}; SLICES=${SLICES:-100}; MATRIX=${MATRIX:-256}; RUNS=${RUNS:-3}; JOBS=${JOBS:-$(nproc)}
DIR=${1:-${TMPDIR:-/tmp}/dataforge-link-bench}
. bench/lib.sh
PY=/usr/bin/python3

DF=$(publish_cli "$DIR.bin")
ct_corpus "$DF" "$DIR" "$PATIENTS" "$SLICES" "$MATRIX"
FILES=$(find "$DIR/raw" -name '*.dcm' | wc -l)
printf 'bench-secret-%s\n' 0123456789abcdef0123456789abcdef > "$DIR/secret.txt"
manifest() { # link mode
  cat > "$DIR/dataforge.yaml" <<YAML
version: 1
name: link-bench
secret: file:secret.txt
sources:
  - {id: raw, kind: dicom, path: raw}
deidentify: {profile: basic}
output: {path: out, layout: dicom, link: $1}
YAML
}
manifest hardlink
( cd "$DIR" && "$DF" build -j "$JOBS" >/dev/null )   # the store, once: every mode below reads the same objects

seconds() { # best wall seconds of RUNS runs of a command in DIR, each after an optional setup command
  local setup=$1; shift; local best=1e9
  for _ in $(seq "$RUNS"); do
    ( cd "$DIR" && eval "$setup" )
    local t0 t1; t0=$(date +%s.%N)
    ( cd "$DIR" && "$@" >/dev/null )
    t1=$(date +%s.%N)
    best=$($PY -c "print(min($t1 - $t0, $best))")
  done
  echo "$best"
}
kib() { du -sk "$@" | awk '{s += $1} END {print s}'; }
declare -A RESTORE NOOP DISK
for mode in hardlink copy auto; do
  manifest "$mode"
  ( cd "$DIR" && rm -rf out && "$DF" build -j "$JOBS" >/dev/null )
  RESTORE[$mode]=$(seconds "rm -rf out" "$DF" build -j "$JOBS")
  NOOP[$mode]=$(seconds ":" "$DF" build -j "$JOBS")
  # du counts a hard-linked inode once across the two folders: the output folder's own cost on disk.
  DISK[$mode]=$(( $(cd "$DIR" && du -sk --total .dataforge out | tail -1 | cut -f1) - $(kib "$DIR/.dataforge") ))
  printf '%-8s restore %6.2f s  no-op %6.2f s  output folder adds %8d KiB on disk\n' "$mode" "${RESTORE[$mode]}" "${NOOP[$mode]}" "${DISK[$mode]}"
done
echo "files: $FILES de-identified instances; store: $(kib "$DIR/.dataforge") KiB; file system of $DIR: $(stat -f -c %T "$DIR")"
STORE=$(kib "$DIR/.dataforge")
for mode in copy auto; do
  echo "$mode/hardlink: restore $($PY -c "print(f'{${RESTORE[$mode]}/${RESTORE[hardlink]}:.2f}')")x, no-op $($PY -c "print(f'{${NOOP[$mode]}/${NOOP[hardlink]}:.2f}')")x;" \
    "output folder on disk: $($PY -c "print(f'{${DISK[$mode]}/$STORE:.2f}')")x the store (hard links: $($PY -c "print(f'{${DISK[hardlink]}/$STORE:.2f}')")x)"
done
