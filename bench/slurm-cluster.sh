# A single-node Slurm for bench/cluster.sh (source it), started the way the tests' SlurmCluster fixture starts it:
# munged with a fresh key, slurmctld and slurmd with a generated slurm.conf, everything in one folder. Run it only
# inside a network namespace of its own (unshare -n): the daemons listen on the network, and the veth pair it adds
# gives glibc's AI_ADDRCONFIG the non-loopback address slurmctld needs to bind.
#
#   slurm_start DIR    starts the cluster in DIR, exports SLURM_CONF, waits until the node is idle
#   slurm_stop         cancels its jobs, stops the daemons by the pids it started, removes DIR

slurm_start() {
  SLURM_DIR=$1
  rm -rf "$SLURM_DIR"; mkdir -p "$SLURM_DIR"/{munge,state,spool,log}
  ip link show dfslurm0 >/dev/null 2>&1 || {
    ip link add dfslurm0 type veth peer name dfslurm1
    ip addr add 192.0.2.1/24 dev dfslurm0
    ip link set dfslurm0 up; ip link set dfslurm1 up
  }
  head -c 1024 /dev/urandom > "$SLURM_DIR/munge/munge.key"
  chmod 0400 "$SLURM_DIR/munge/munge.key"; chmod 0755 "$SLURM_DIR/munge"
  chown -R munge:munge "$SLURM_DIR/munge"
  runuser -u munge -- munged --key-file="$SLURM_DIR/munge/munge.key" --socket="$SLURM_DIR/munge/munge.socket" \
    --pid-file="$SLURM_DIR/munge/munged.pid" --log-file="$SLURM_DIR/munge/munged.log" --seed-file="$SLURM_DIR/munge/munged.seed"
  local host; host=$(hostname)
  cat > "$SLURM_DIR/slurm.conf" <<CONF
ClusterName=dataforge
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SLURM_DIR/munge/munge.socket
StateSaveLocation=$SLURM_DIR/state
SlurmdSpoolDir=$SLURM_DIR/spool
SlurmctldPidFile=$SLURM_DIR/slurmctld.pid
SlurmdPidFile=$SLURM_DIR/slurmd.pid
SlurmctldLogFile=$SLURM_DIR/log/slurmctld.log
SlurmdLogFile=$SLURM_DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MaxArraySize=100001
MaxJobCount=200000
MinJobAge=600
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=dataforge Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$SLURM_DIR/slurm.conf
  slurmctld -D > "$SLURM_DIR/log/slurmctld.out" 2>&1 & SLURMCTLD_PID=$!
  slurmd -D > "$SLURM_DIR/log/slurmd.out" 2>&1 & SLURMD_PID=$!
  for _ in $(seq 120); do
    [ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && return 0
    sleep 0.5
  done
  echo "slurm: the node did not become idle; logs in $SLURM_DIR/log" >&2
  return 1
}

slurm_stop() {
  local jobs; jobs=$(squeue -h -o %A 2>/dev/null | sort -u)
  if [ -n "$jobs" ]; then scancel $jobs || true; fi
  # Also when slurm_start stopped half-way (the trap is set before it): only the daemons it started.
  kill ${SLURMCTLD_PID:-} ${SLURMD_PID:-} 2>/dev/null || true
  [ -f "${SLURM_DIR:-}/munge/munged.pid" ] && kill "$(cat "${SLURM_DIR:-}/munge/munged.pid")" 2>/dev/null || true
  wait ${SLURMCTLD_PID:-} ${SLURMD_PID:-} 2>/dev/null || true
  # A slurmstepd whose slurmd is gone lingers: this cluster's are known by the SLURM_CONF they inherited.
  local environ
  for environ in /proc/[0-9]*/environ; do
    if tr '\0' '\n' 2>/dev/null < "$environ" | grep -qx "SLURM_CONF=${SLURM_DIR:-}/slurm.conf"; then
      local pid=${environ#/proc/}; pid=${pid%/environ}
      [ "$pid" != $$ ] && kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "${SLURM_DIR:-}"
}
