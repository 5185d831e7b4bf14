#!/usr/bin/env bash
# A two-node Ray cluster on this one machine (a head and a second node, each with its own
# ports and temp dir), for the multi-node tests and CI.
#
#   scripts/ray_cluster.sh start [DIR]   start both nodes; prints the address (host:port)
#   scripts/ray_cluster.sh stop  [DIR]   stop both nodes; exits non-zero if a process is left
#
# DIR holds the nodes' temp dirs, logs and state (default /tmp/samestory-ray; keep it short:
# Ray's socket paths live under it and must stay under 108 characters).
# Environment: RAY_CLUSTER_CPUS (per node, default 1), RAY_CLUSTER_OBJECT_STORE_BYTES (per
# node, default 100000000). Workers inherit this shell's environment (PYTHONPATH included),
# so start the cluster from the environment that has samestory importable.
#
# Each node is started in its own session (setsid), and `stop` ends exactly the processes of
# those sessions: `ray stop` would end every Ray process on the machine, other users' too.
set -euo pipefail

action=${1:-}
dir=${2:-${RAY_CLUSTER_DIR:-/tmp/samestory-ray}}
cpus=${RAY_CLUSTER_CPUS:-1}
store=${RAY_CLUSTER_OBJECT_STORE_BYTES:-100000000}

# A local test cluster: reachable on this machine only (127.0.0.1), so token auth is off for
# its nodes. Usage statistics are never sent.
export RAY_AUTH_MODE=disabled RAY_USAGE_STATS_ENABLED=0
# Task results up to 8 MiB go straight back to the caller instead of through the object stores:
# between two nodes on one machine, pulls from the other node's store often stalled for a full
# second each (ray 2.60; the 100k lexical run was about 7x slower). A stage's batches are
# about 1 MB.
export RAY_max_direct_call_object_size=8388608

die() { echo "ray_cluster.sh: $*" >&2; exit 1; }

session_pids() {  # [match] [exclude]: pids of the live processes in the sessions in $dir/*.sid
  local sids
  sids=$(cat "$dir"/*.sid 2>/dev/null | tr '\n' ' ')
  [ -n "$sids" ] || return 0
  # zombies are left out: they are gone already, only waiting for their parent to reap them
  ps -ww -e -o pid=,sid=,stat=,args= | awk -v s=" $sids " -v m="${1:-}" -v x="${2:-}" \
    '$3 !~ /^Z/ && index(s, " " $2 " ") && index($0, m) && (x == "" || !index($0, x)) { print $1 }'
}

signal_and_wait() {  # signal seconds [match] [exclude]: signal those processes, wait for them to end
  local sig=$1 tries=$(($2 * 4)) pids
  shift 2
  pids=$(session_pids "$@")
  [ -n "$pids" ] || return 0
  kill "-$sig" $pids 2>/dev/null || true
  while [ -n "$(session_pids "$@")" ] && [ $tries -gt 0 ]; do sleep 0.25; tries=$((tries - 1)); done
}

stop_cluster() {
  # In this order each process exits within about a second of SIGTERM (measured with ray 2.60);
  # signalled all at once, raylets, GCS and the autoscaler monitor wait on each other for many
  # seconds. Workers and agents end with their raylet; the GCS goes last.
  signal_and_wait TERM 5 raylet/raylet
  signal_and_wait TERM 5 "" gcs/gcs_server
  signal_and_wait TERM 5
  signal_and_wait KILL 5
  local pids
  pids=$(session_pids)
  [ -z "$pids" ] || die "processes still running after SIGKILL: $(echo $pids)"
  rm -rf "$dir"/*.sid "$dir/address" "$dir/head" "$dir/node2"
}

free_ports() {  # prints shell assignments: named ports and two worker-port ranges, all free now
  python3 - <<'EOF'
import random
import socket

held = []

def bindable(port):
    s = socket.socket()
    try:
        s.bind(("", port))
    except OSError:
        s.close()
        return False
    held.append(s)  # kept bound until every port is chosen, so none is chosen twice
    return True

def one():
    s = socket.socket()
    s.bind(("", 0))
    held.append(s)
    return s.getsockname()[1]

def worker_range(size=64):
    rng = random.Random()
    for _ in range(200):
        base = rng.randrange(20000, 60000 - size)
        if all(bindable(p) for p in range(base, base + size)):
            return base, base + size - 1
    raise SystemExit("no free range of worker ports")

names = ["gcs", "dashboard"] + [f"{n}_{k}" for n in ("head", "node2")
         for k in ("nm", "om", "agent_http", "agent_grpc", "env_agent", "metrics")]
for name in names:
    print(f"port_{name}={one()}")
for node in ("head", "node2"):
    lo, hi = worker_range()
    print(f"port_{node}_wmin={lo}\nport_{node}_wmax={hi}")
EOF
}

start_node() {  # name, then `ray start` arguments; runs it in a new session, records the sid
  local name=$1; shift
  setsid ray start --node-ip-address 127.0.0.1 --num-cpus "$cpus" --object-store-memory "$store" \
    --temp-dir "$dir/$name" --disable-usage-stats "$@" >"$dir/$name.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$dir/$name.sid"
  if ! wait "$pid"; then
    tail -n 20 "$dir/$name.log" >&2
    stop_cluster || true
    die "could not start the $name node (log above; full log in $dir/$name.log)"
  fi
}

node_ports() {  # the per-node ports of node $1, as `ray start` arguments
  local p="port_$1"
  local nm="${p}_nm" om="${p}_om" ah="${p}_agent_http" ag="${p}_agent_grpc" ea="${p}_env_agent"
  local me="${p}_metrics" lo="${p}_wmin" hi="${p}_wmax"
  echo --node-manager-port "${!nm}" --object-manager-port "${!om}" \
    --dashboard-agent-listen-port "${!ah}" --dashboard-agent-grpc-port "${!ag}" \
    --runtime-env-agent-port "${!ea}" --metrics-export-port "${!me}" \
    --min-worker-port "${!lo}" --max-worker-port "${!hi}"
}

case "$action" in
  start)
    command -v ray >/dev/null 2>&1 || die "ray is not installed (pip install 'samestory[ray]')"
    mkdir -p "$dir"
    [ -z "$(session_pids)" ] || die "a cluster is already running in $dir (address $(cat "$dir/address" 2>/dev/null))"
    eval "$(free_ports)"
    # shellcheck disable=SC2046  # node_ports prints separate arguments on purpose
    start_node head --head --port "$port_gcs" --include-dashboard false --dashboard-port "$port_dashboard" \
      $(node_ports head)
    address="127.0.0.1:$port_gcs"
    # shellcheck disable=SC2046
    start_node node2 --address "$address" $(node_ports node2)
    echo "$address" >"$dir/address"
    echo "$address"
    ;;
  stop)
    stop_cluster
    ;;
  *)
    die "usage: ray_cluster.sh start|stop [DIR]"
    ;;
esac
