#!/usr/bin/env bash
# Cluster benchmark (issue 23), not a test: the de-identification corpus built through a single-node Slurm
# (execution: executor: slurm, one sbatch array per stage wave, `dataforge worker` tasks) against the local
# executor, in the same run, with the published tool. Needs root, slurm-wlm and munge; it re-executes itself in a
# network namespace of its own (unshare -n) and starts the cluster there (bench/slurm-cluster.sh).
#
#   bench/cluster.sh [DIR]   env: PATIENTS (default 4) x SLICES (default 60) slices of MATRIX (256) pixels square;
#                            TASKS: max_array_size (default: cores)
#
# Prints the cold builds' wall times and CPU times (the whole machine's, from /proc/stat: workers run under slurmd,
# not under the coordinator), the ratio cluster/local (target <= 1.3 on this single node), the second build of
# each (cluster cache hit vs local no-op, target <= 1.5), and whether both wrote the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DATAFORGE_BENCH_NETNS:-}" ]; then
  exec env DATAFORGE_BENCH_NETNS=1 unshare -n bash -c 'ip link set lo up && exec "$@"' _ "$0" "$@"
fi
PATIENTS=${PATIENTS:-4}; SLICES=${SLICES:-60}; MATRIX=${MATRIX:-256}; TASKS=${TASKS:-$(nproc)}
DIR=${1:-${TMPDIR:-/tmp}/dataforge-cluster-bench}
. bench/lib.sh
. bench/slurm-cluster.sh
for tool in slurmctld slurmd munged sbatch; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install slurm-wlm munge" >&2; exit 2; }
done

DF=$(publish_cli "$DIR.bin")
ct_corpus "$DF" "$DIR" "$PATIENTS" "$SLICES" "$MATRIX"
FILES=$(find "$DIR/raw" -name '*.dcm' | wc -l)
slurm_start "$DIR.slurm"
trap slurm_stop EXIT

# Two projects on the same corpus and secret: one built locally, one through Slurm.
printf 'bench-secret-%s\n' 0123456789abcdef0123456789abcdef > "$DIR/secret.txt"
for side in local cluster; do
  rm -rf "$DIR/$side"; mkdir -p "$DIR/$side"
  ln -s "$DIR/raw" "$DIR/$side/raw"
  cat > "$DIR/$side/dataforge.yaml" <<YAML
version: 1
name: cluster-bench
secret: file:$DIR/secret.txt
sources:
  - {id: raw, kind: dicom, path: raw}
deidentify:
  profile: basic
  options: [retain-longitudinal-modified-dates, clean-descriptors]
execution:
  executor: slurm
  slurm: {partition: dataforge, max_array_size: $TASKS, poll_seconds: 0.5}
YAML
done
cat "$DIR"/raw/*/*/*/*.dcm > /dev/null   # warm the page cache for both

now() { date +%s.%N; }
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
# build SIDE EXECUTOR: wall seconds and the machine's CPU seconds (user, nice, system, irq, softirq) into globals.
build() {
  local t0 c0; t0=$(now); c0=$(busy)
  ( cd "$DIR/$1" && "$DF" build --executor "$2" > "$DIR/$1.log" 2>&1 ) || { echo "build $1 failed:" >&2; cat "$DIR/$1.log" >&2; exit 1; }
  WALL=$(echo "$(now) - $t0" | bc)
  CPU=$(echo "scale=2; ($(busy) - $c0) / $(getconf CLK_TCK)" | bc)
}
sums() { ( cd "$DIR/$1" && find out -type f | sort | xargs sha256sum ) | sha256sum | cut -c1-16; }

build local local;     T_LOCAL=$WALL; C_LOCAL=$CPU
build cluster slurm;   T_CLUSTER=$WALL; C_CLUSTER=$CPU
JOBS=$(squeue -h -r --states=all -o %F | sort -u | wc -l); ARRAY_TASKS=$(squeue -h -r --states=all -o %i | wc -l)
build local local;     T_LOCAL2=$WALL
build cluster slurm;   T_CLUSTER2=$WALL
JOBS2=$(squeue -h -r --states=all -o %F | sort -u | wc -l)

ratio() { echo "scale=2; $1 / $2" | bc; }
echo "corpus: $FILES files, $(nproc) cores, max_array_size $TASKS"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "local build:   ${T_LOCAL} s (machine CPU ${C_LOCAL} s)"
echo "cluster build: ${T_CLUSTER} s (machine CPU ${C_CLUSTER} s), $JOBS array jobs, $ARRAY_TASKS tasks"
echo "ratio cluster/local wall: $(ratio "$T_CLUSTER" "$T_LOCAL") (target <= 1.3); CPU: $(ratio "$C_CLUSTER" "$C_LOCAL")"
echo "second build: local ${T_LOCAL2} s, cluster ${T_CLUSTER2} s ($((JOBS2 - JOBS)) jobs submitted)"
echo "ratio cluster/local second build: $(ratio "$T_CLUSTER2" "$T_LOCAL2") (target <= 1.5)"
if [ "$(sums local)" = "$(sums cluster)" ]; then echo "outputs: byte-identical"; else echo "outputs: DIFFER"; fi
echo "per action: $(echo "scale=3; $T_LOCAL / $FILES" | bc) s local wall"
