#!/usr/bin/env bash
# Cluster benchmark (issue 23), not a test: the de-identification corpus built through a single-node Slurm
# (execution: executor: slurm, one sbatch array per stage wave, `dataforge worker` tasks) against the local
# executor, in the same run, with the published tool. Needs root, slurm-wlm and munge; it re-executes itself in a
# network namespace of its own (unshare -n) and starts the cluster there (bench/slurm-cluster.sh).
#
#   bench/cluster.sh [DIR]   env: PATIENTS (default 10) x SLICES (default 200) slices of MATRIX (512) pixels square
#                            (bench/deidentify.sh's corpus); TASKS: max_array_size (default: cores)
#
# Prints the cold builds' wall times and CPU times (of this script's process tree, cpuacct cgroup v1, which holds the
# daemons and so the workers; the whole machine's from /proc/stat where there is no such cgroup), the ratio
# cluster/local (target <= 1.3 on this single node), the second build of each (cluster cache hit vs local no-op,
# median of 3 interleaved rounds, target <= 1.5), the coordinator's own CPU time per action (the scaling model's k,
# see README "Running on a cluster"), and whether both wrote the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DATAFORGE_BENCH_NETNS:-}" ]; then
  exec env DATAFORGE_BENCH_NETNS=1 unshare -n bash -c 'ip link set lo up && exec "$@"' _ "$0" "$@"
fi
PATIENTS=${PATIENTS:-10}; SLICES=${SLICES:-200}; MATRIX=${MATRIX:-512}; TASKS=${TASKS:-$(nproc)}
DIR=${1:-${TMPDIR:-/tmp}/dataforge-cluster-bench}
. bench/lib.sh
. bench/slurm-cluster.sh
for tool in slurmctld slurmd munged sbatch; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install slurm-wlm munge" >&2; exit 2; }
done

DF=$(publish_cli "$DIR.bin")
ct_corpus "$DF" "$DIR" "$PATIENTS" "$SLICES" "$MATRIX"
FILES=$(find "$DIR/raw" -name '*.dcm' | wc -l)
# CPU time of this process tree: the coordinator, and the daemons with the workers they start.
CG=/sys/fs/cgroup/cpuacct/dataforge-bench-$$
if mkdir "$CG" 2>/dev/null && echo $$ > "$CG/cgroup.procs"; then
  cpu_seconds() { echo "scale=2; $(cat "$CG/cpuacct.usage") / 1000000000" | bc; }
  CPU_OF="this process tree"
else
  CG=
  cpu_seconds() { echo "scale=2; $(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat) / $(getconf CLK_TCK)" | bc; }
  CPU_OF="the whole machine"
fi
cleanup() {
  slurm_stop
  if [ -n "$CG" ]; then echo $$ > /sys/fs/cgroup/cpuacct/cgroup.procs; rmdir "$CG" 2>/dev/null || true; fi
}
trap cleanup EXIT
slurm_start "$DIR.slurm"

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
# build SIDE EXECUTOR: wall seconds, CPU seconds (see above) and the coordinator's own CPU seconds into globals.
build() {
  local t0 c0; t0=$(now); c0=$(cpu_seconds)
  ( cd "$DIR/$1" && /usr/bin/time -o "$DIR/.coordinator" -f "%U %S" "$DF" build --executor "$2" > "$DIR/$1.log" 2>&1 ) \
    || { echo "build $1 failed:" >&2; cat "$DIR/$1.log" >&2; exit 1; }
  WALL=$(echo "$(now) - $t0" | bc)
  CPU=$(echo "$(cpu_seconds) - $c0" | bc)
  COORD=$(awk 'END {print $1 + $2}' "$DIR/.coordinator")
}
sums() { ( cd "$DIR/$1" && find out -type f | sort | xargs sha256sum ) | sha256sum | cut -c1-16; }
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

build local local;     T_LOCAL=$WALL; C_LOCAL=$CPU; K_LOCAL=$COORD
ACTIONS=$(awk -F'[: ]+' '/ ran, / {n += $(NF-5)} END {print n}' "$DIR/local.log")
build cluster slurm;   T_CLUSTER=$WALL; C_CLUSTER=$CPU; K_CLUSTER=$COORD
JOBS=$(squeue -h -r --states=all -o %F | sort -u | wc -l); ARRAY_TASKS=$(squeue -h -r --states=all -o %i | wc -l)
L2=(); S2=()
for _ in 1 2 3; do
  build local local; L2+=("$WALL")
  build cluster slurm; S2+=("$WALL")
done
T_LOCAL2=$(median "${L2[@]}"); T_CLUSTER2=$(median "${S2[@]}")
JOBS2=$(squeue -h -r --states=all -o %F | sort -u | wc -l)

ratio() { echo "scale=2; $1 / $2" | bc; }
echo "corpus: $FILES files, $(nproc) cores, max_array_size $TASKS; CPU times are of $CPU_OF"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "local build:   ${T_LOCAL} s (CPU ${C_LOCAL} s; the build process ${K_LOCAL} s)"
echo "cluster build: ${T_CLUSTER} s (CPU ${C_CLUSTER} s; the coordinator ${K_CLUSTER} s), $JOBS array jobs, $ARRAY_TASKS tasks"
echo "ratio cluster/local wall: $(ratio "$T_CLUSTER" "$T_LOCAL") (target <= 1.3); CPU: $(ratio "$C_CLUSTER" "$C_LOCAL")"
echo "second build (median of 3): local ${T_LOCAL2} s, cluster ${T_CLUSTER2} s ($((JOBS2 - JOBS)) jobs submitted); rounds: local ${L2[*]}, cluster ${S2[*]}"
echo "ratio cluster/local second build: $(ratio "$T_CLUSTER2" "$T_LOCAL2") (target <= 1.5)"
if [ "$(sums local)" = "$(sums cluster)" ]; then echo "outputs: byte-identical"; else echo "outputs: DIFFER"; fi
echo "per action (cold builds, $ACTIONS actions): local CPU $(echo "scale=4; $C_LOCAL / $ACTIONS" | bc) s (w); coordinator CPU $(echo "scale=4; $K_CLUSTER / $ACTIONS" | bc) s (k); w/k = $(echo "scale=1; $C_LOCAL / $K_CLUSTER" | bc)"
