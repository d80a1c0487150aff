#!/usr/bin/env bash
# bench/memory.sh -- the agent's memory as the kernel counts it (RSS and PSS from
# /proc/PID/smaps_rollup): a manager and a worker (a 1-manager + 1-worker loopback cluster, process
# runtime) idle, then with TASKS process-runtime tasks on each node (a service of 2 x TASKS
# replicas, spread over both), then a churn soak (services created and removed in a loop) that
# prints both agents' RSS every 30 s, so growth shows. Run through `bench/run memory`. Prints
# figures; not a test. Task processes (`sleep`) are not counted: only the agent JVMs are.
#
# Lines: "manager idle: rss R MiB pss P MiB threads T (tasks n) load L" and the same for the worker,
# per step; "soak t=S s: manager rss R MiB worker rss R MiB (services created C) load L"; finally
# the soak's growth from its first to its last sample.
# Ports (loopback only): BASE (24100) .. BASE+13. Needs jq and perl (the process runtime's).
# Args: --tasks "100 1000" (per node), --soak SECONDS (180; 0 skips it), --settle SECONDS (20).
# Env: KEEP=1 (keep the scratch dir), ORCH (another bin/orch to measure), BASE, DIAG=DIR (after each
# step's figures, writes each agent's `jcmd VM.native_memory summary` (with NMT on in
# ORCH_AGENT_JAVA_OPTS) and `GC.class_histogram` (a full collection: later figures follow it) to DIR).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ORCH="${ORCH:-$ROOT/packaging/target/orch/bin/orch}"
BASE=${BASE:-24100}
TASKS="100 1000"
SOAK=180
SETTLE=20
while [ $# -gt 0 ]; do
    case "$1" in
        --tasks) TASKS="$2"; shift 2 ;;
        --soak) SOAK="$2"; shift 2 ;;
        --settle) SETTLE="$2"; shift 2 ;;
        *) echo "usage: bench/run memory [--tasks \"100 1000\"] [--soak SECONDS] [--settle SECONDS]" >&2; exit 2 ;;
    esac
done

WORK=$(mktemp -d /tmp/orch-bench-memory.XXXXXX)
API="127.0.0.1:$((BASE + 3))"
# A sleep no other process on the host runs: the tasks outlive the agents by design, so the
# cleanup finds any the agents left behind by this exact command line.
SLEEP_SECONDS=$((8000000 + $$))
MANAGER_PID="" WORKER_PID=""

log() { echo "# $*" >&2; }
orch() { "$ORCH" -H "tcp://$API" "$@"; }
cleanup() {
    if [ -n "$MANAGER_PID" ]; then
        orch service ls -q 2>/dev/null | while read -r id; do orch service rm "$id" >/dev/null 2>&1; done
        for _ in $(seq 300); do
            [ "$(curl -sf "http://$API/v1.47/tasks" | jq length 2>/dev/null)" = 0 ] && break
            sleep 0.2
        done
    fi
    for pid in $WORKER_PID $MANAGER_PID; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    local left
    left=$(pgrep -x -f "sleep $SLEEP_SECONDS")
    if [ -n "$left" ]; then
        log "ending $(echo "$left" | wc -l) task processes the agents left"
        # shellcheck disable=SC2086
        kill $left 2>/dev/null
    fi
    if [ "${KEEP:-}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }
kib() { awk -v k="$1" '/^'"$1"':/ { print $2 }' "/proc/$2/smaps_rollup"; }
mib() { echo $(( $1 / 1024 )); }

# running tasks per node: "NODEID COUNT" lines
running_by_node() {
    curl -sf "http://$API/v1.47/tasks" |
        jq -r '[.[] | select(.Status.State == "running") | .NodeID] | group_by(.) | .[] | "\(.[0]) \(length)"'
}

# measure STEP: one line per agent
measure() {
    local step=$1 role pid id tasks
    for role in manager worker; do
        if [ "$role" = manager ]; then pid=$MANAGER_PID id=$MANAGER_ID; else pid=$WORKER_PID id=$WORKER_ID; fi
        tasks=$(running_by_node | awk -v n="$id" '$1 == n { print $2 }')
        printf '%s %s: rss %d MiB pss %d MiB threads %d (tasks %d) load %s\n' "$role" "$step" \
            "$(mib "$(kib Rss "$pid")")" "$(mib "$(kib Pss "$pid")")" "$(ls "/proc/$pid/task" | wc -l)" \
            "${tasks:-0}" "$(load)"
        if [ -n "${DIAG:-}" ]; then
            mkdir -p "$DIAG"
            jcmd "$pid" VM.native_memory summary >"$DIAG/$role-$step.nmt" 2>&1
            jcmd "$pid" GC.class_histogram >"$DIAG/$role-$step.histogram" 2>&1
        fi
    done
}

wait_for() { # DESCRIPTION SECONDS CMD...
    local what=$1 seconds=$2
    shift 2
    for _ in $(seq $((seconds * 5))); do
        "$@" && return 0
        sleep 0.2
    done
    echo "bench/memory.sh: timed out waiting for $what" >&2
    exit 1
}

api_up() { curl -sf "http://$1/_ping" >/dev/null 2>&1; }
two_ready() { [ "$(curl -sf "http://$API/v1.47/nodes" | jq '[.[] | select(.Status.State == "ready")] | length')" = 2 ]; }
running_total() { [ "$(curl -sf "http://$API/v1.47/tasks" | jq '[.[] | select(.Status.State == "running")] | length')" = "$1" ]; }
no_tasks() { [ "$(curl -sf "http://$API/v1.47/tasks" | jq length)" = 0 ]; }

[ -x "$ORCH" ] || { echo "bench/memory.sh: $ORCH is missing (bench/run memory builds it)" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench/memory.sh: jq is missing (apt-get install jq)" >&2; exit 1; }

log "manager: $ORCH init (process runtime) on $API, data in $WORK"
"$ORCH" init --data-dir "$WORK/manager" --listen-addr "127.0.0.1:$BASE" --gossip-addr "127.0.0.1:$((BASE + 1))" \
    --api-addr "$API" --runtime process --hostname mem-manager >"$WORK/manager.log" 2>&1 &
MANAGER_PID=$!
wait_for "the manager's API" 120 api_up "$API"
TOKEN=$(orch join-token worker -q) || exit 1
"$ORCH" join --token "$TOKEN" --data-dir "$WORK/worker" --listen-addr "127.0.0.1:$((BASE + 10))" \
    --gossip-addr "127.0.0.1:$((BASE + 11))" --api-addr "127.0.0.1:$((BASE + 13))" --runtime process \
    --hostname mem-worker "127.0.0.1:$BASE" >"$WORK/worker.log" 2>&1 &
WORKER_PID=$!
wait_for "two ready nodes" 120 two_ready
MANAGER_ID=$(curl -sf "http://$API/v1.47/nodes" | jq -r '.[] | select(.Spec.Role == "manager") | .ID')
WORKER_ID=$(curl -sf "http://$API/v1.47/nodes" | jq -r '.[] | select(.Spec.Role == "worker") | .ID')
log "JVM: $(java -version 2>&1 | head -1); $(nproc) cores; agent JVM options: ${ORCH_AGENT_JAVA_OPTS:-the default of bin/orch}"

sleep "$SETTLE"   # a figure, not a synchronisation: what an idle agent holds after start-up settles
measure idle

for per_node in $TASKS; do
    replicas=$((2 * per_node))
    if orch service inspect mem >/dev/null 2>&1; then
        orch service scale "mem=$replicas" --detach >/dev/null || exit 1
    else
        orch service create --name mem --replicas "$replicas" --runtime process --detach \
            busybox sleep "$SLEEP_SECONDS" >/dev/null || exit 1
    fi
    wait_for "$replicas running tasks" 600 running_total "$replicas"
    sleep "$SETTLE"
    measure "with-$per_node-tasks"
done
if orch service inspect mem >/dev/null 2>&1; then
    orch service rm mem >/dev/null
    wait_for "the tasks' removal" 600 no_tasks
fi

if [ "$SOAK" -gt 0 ]; then
    # Churn: a 10-replica service created, then removed, over and over; a sample every 30 s.
    start=$SECONDS next=0 created=0 first_m="" first_w=""
    while [ $((SECONDS - start)) -lt "$SOAK" ]; do
        if [ $((SECONDS - start)) -ge "$next" ]; then
            m=$(kib Rss "$MANAGER_PID") w=$(kib Rss "$WORKER_PID")
            first_m=${first_m:-$m} first_w=${first_w:-$w}
            printf 'soak t=%d s: manager rss %d MiB worker rss %d MiB (services created %d) load %s\n' \
                $((SECONDS - start)) "$(mib "$m")" "$(mib "$w")" "$created" "$(load)"
            next=$((next + 30))
        fi
        created=$((created + 1))
        orch service create --name "churn-$created" --replicas 10 --runtime process --detach \
            busybox sleep "$SLEEP_SECONDS" >/dev/null || exit 1
        wait_for "churn-$created running" 120 running_total 10
        orch service rm "churn-$created" >/dev/null || exit 1
        wait_for "churn-$created removed" 120 no_tasks
    done
    m=$(kib Rss "$MANAGER_PID") w=$(kib Rss "$WORKER_PID")
    printf 'soak end t=%d s: manager rss %d MiB worker rss %d MiB (services created %d) load %s\n' \
        $((SECONDS - start)) "$(mib "$m")" "$(mib "$w")" "$created" "$(load)"
    printf 'soak growth: manager %+d MiB worker %+d MiB over %d s\n' \
        "$(mib $((m - first_m)))" "$(mib $((w - first_w)))" $((SECONDS - start))
fi
