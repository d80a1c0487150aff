#!/usr/bin/env bash
# bench/task-start.sh -- how fast a task gets running on one node: orch (runc runtime) and, when
# dockerd is installed, Docker Swarm on a private dockerd, with the same busybox image and the
# same Engine API requests (curl + jq). Run through `bench/run task-start`. Prints figures; not a test.
#
# Figures (median of REPS runs unless said otherwise):
#   start_1_replica_wall    client: POST /services/create -> its task reported running (poll POLL s)
#   start_1_replica_server  server: the task's CreatedAt -> Status.Timestamp of its RUNNING status
#                           (both set by the orchestrator, so no poll granularity)
#   converge_100_replicas   client: create of a 100-replica service -> 100 tasks running (once)
#   converge_100_server     server: earliest CreatedAt -> latest RUNNING timestamp of those 100 tasks
#   converge_100_cpu        orch only: CPU time (user + system) the agent, its helper processes (shims,
#                           runc, log stampers, ip, mount) and the 100 containers used from the create to
#                           all running, from cgroup v1 cpuacct: what a loaded machine does not inflate
#                           as it does wall time; per task in the log line
# then orch/swarm ratios. Lines: "orch: NAME VALUE s ... load=1m,5m,15m" / "swarm: ..." / "ratio: NAME orch/swarm".
#
# Ports (loopback only): orch API 21501, listen 21502, gossip 21503, raft 21504; swarm 21520.
# Env: REPS (20), POLL (0.05), REPLICAS (100), CONVERGE_REPS (1: how many times the 100 converge),
#      SKIP_SWARM=1, KEEP=1 (keep the scratch dir), ORCH_DIST (packaging/target/orch: the tree to run).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPS=${REPS:-20}
POLL=${POLL:-0.05}
REPLICAS=${REPLICAS:-100}
CONVERGE_REPS=${CONVERGE_REPS:-1}
# ORCH_DIST: the distribution tree to measure (another build's, to compare two side by side)
ORCH_DIST=${ORCH_DIST:-$ROOT/packaging/target/orch}
ORCH="$ORCH_DIST/bin/orch"
WORK=$(mktemp -d /tmp/orch-task-start.XXXXXX)
IMG=bench/busybox:1
ORCH_API=127.0.0.1:21501
SWARM_PORT=21520
AGENT_PID=""
DOCKERD_PID=""
BRIDGE=""
GWBRIDGE_OURS=""

# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh"   # log, now, dt, past, epoch, report (with the load), build_busybox_archive

# CPU accounting of the orch side (cgroup v1 cpuacct; none on a cgroup2-only host): the agent runs
# in a cgroup of its own, which its helpers inherit; each container has its own at /orch/orch-ID.
CPUACCT=/sys/fs/cgroup/cpuacct
AGENT_CG=""
cpu_ns() { cat "$1/cpuacct.usage" 2>/dev/null || echo 0; }
# jvm_cpu_ns: the agent's own process (its JVM) alone: user + system ticks of /proc/PID/stat
jvm_cpu_ns() { awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); printf "%.0f\n", ($12 + $13) * 1e9 / hz}' "/proc/$AGENT_PID/stat" 2>/dev/null || echo 0; }
# containers_cpu_ns NAME: what the containers of service NAME used so far
containers_cpu_ns() {
    local total=0 id
    for id in $(service_tasks orch "$1" | jq -r '.[].ID'); do
        total=$((total + $(cpu_ns "$CPUACCT/orch/orch-$id")))
    done
    echo "$total"
}

# --- one Engine API, two servers -------------------------------------------------
# api WHO METHOD PATH [JSON]; WHO is orch (TCP) or swarm (the private dockerd's socket)
api() {
    local who=$1 method=$2 path=$3 body=${4:-}
    local target=(--max-time 30)
    if [ "$who" = orch ]; then target+=("http://$ORCH_API/v1.41$path"); else target+=(--unix-socket "$WORK/docker.sock" "http://d/v1.41$path"); fi
    if [ -n "$body" ]; then curl -s -X "$method" -H 'Content-Type: application/json' -d "$body" "${target[@]}"
    else curl -s -X "$method" "${target[@]}"; fi
}
service_tasks() { # service_tasks WHO NAME -> JSON array of its tasks
    api "$1" GET "/tasks?filters=$(jq -rn --arg s "$2" '{service:[$s]}|@uri')"
}
# The poll asks for the service's ServiceStatus (status=true: what `docker service ls` shows), a
# count the server makes, not the list of its tasks: rendering 100 tasks' JSON every 50 ms cost the
# agent being measured ~7.5 ms of CPU a poll, a fifth of a core. Read with grep, not jq (~20 ms of
# CPU a run). The name filter matches by prefix: ts1 would match ts10, but each service is removed
# before the next is made.
n_running() {
    api "$1" GET "/services?status=true&filters=$(printf '%%7B%%22name%%22%%3A%%5B%%22%s%%22%%5D%%7D' "$2")" \
        | grep -o '"RunningTasks":[0-9]*' | head -1 | cut -d: -f2 | grep . || echo 0
}
create_service() { # create_service WHO NAME REPLICAS
    local spec
    spec=$(jq -cn --arg n "$2" --arg i "$IMG" --argjson r "$3" '{Name:$n,
        TaskTemplate:{ContainerSpec:{Image:$i,Command:["sleep","100000"],StopSignal:"SIGKILL"}},
        Mode:{Replicated:{Replicas:$r}}}')
    api "$1" POST /services/create "$spec" | jq -e '.ID' >/dev/null || { log "$1: creating $2 failed"; return 1; }
}
wait_running() { # wait_running WHO NAME N TIMEOUT
    local t0; t0=$(now)
    until [ "$(n_running "$1" "$2")" -ge "$3" ]; do past "$t0" "$4" && return 1; sleep "$POLL"; done
}
remove_service() { # remove_service WHO NAME: removes it and waits until none of its tasks runs
    local t0 id; t0=$(now)
    id=$(api "$1" GET "/services/$2" | jq -r '.ID // empty')
    [ -n "$id" ] || return 0
    api "$1" DELETE "/services/$2" >/dev/null
    until [ "$(api "$1" GET /tasks | jq --arg id "$id" '[.[]|select(.ServiceID==$id and .Status.State=="running")]|length' 2>/dev/null || echo 0)" = 0 ]; do
        past "$t0" 120 && { log "$1: tasks of $2 still running after 120 s"; return 1; }; sleep 0.2
    done
}
# server_span WHO NAME: earliest CreatedAt -> latest Status.Timestamp of its running tasks
server_span() {
    local js first last
    js=$(service_tasks "$1" "$2")
    first=$(jq -r '[.[]|select(.Status.State=="running")|.CreatedAt]|min // empty' <<<"$js")
    last=$(jq -r '[.[]|select(.Status.State=="running")|.Status.Timestamp]|max // empty' <<<"$js")
    [ -n "$first" ] && [ -n "$last" ] && dt "$(epoch "$first")" "$(epoch "$last")"
}

measure() { # measure WHO
    local who=$1 i name t0 t1 wall=() server=() s
    for i in $(seq 1 "$REPS"); do
        name=ts$i
        t0=$(now)
        create_service "$who" "$name" 1 || continue
        if wait_running "$who" "$name" 1 60; then
            t1=$(now); wall+=("$(dt "$t0" "$t1")")
            s=$(server_span "$who" "$name") && server+=("$s")
            log "$who 1 replica, run $i: ${wall[-1]} s (server ${s:-?} s)"
        else
            log "$who 1 replica, run $i: not running after 60 s"
        fi
        remove_service "$who" "$name"
    done
    report "$who" start_1_replica_wall s "${wall[@]}"
    report "$who" start_1_replica_server s "${server[@]}"

    # CONVERGE_REPS times: the first on an agent that has started one task at a time only (its JIT
    # compiler still busy with the code of a burst), the later ones on a warmer one
    local c cpu0 cpu1 cpu jvm0 jvm1 conv=() conv_server=() conv_cpu=()
    for c in $(seq 1 "$CONVERGE_REPS"); do
        name=conv$c
        cpu0=""; cpu1=""
        [ "$who" = orch ] && [ -n "$AGENT_CG" ] && cpu0=$(cpu_ns "$AGENT_CG") && jvm0=$(jvm_cpu_ns)
        t0=$(now)
        if create_service "$who" "$name" "$REPLICAS" && wait_running "$who" "$name" "$REPLICAS" 600; then
            t1=$(now)
            [ -n "$cpu0" ] && cpu1=$(cpu_ns "$AGENT_CG") && jvm1=$(jvm_cpu_ns)
            conv+=("$(dt "$t0" "$t1")")
            s=$(server_span "$who" "$name") && conv_server+=("$s")
            log "$who $REPLICAS replicas, run $c: ${conv[-1]} s (server ${s:-?} s, load $(loadavg))"
            if [ -n "$cpu1" ]; then
                cpu=$(containers_cpu_ns "$name")
                conv_cpu+=("$(awk -v a=$((cpu1 - cpu0)) -v c="$cpu" 'BEGIN{printf "%.3f", (a+c)/1e9}')")
                log "$who: CPU per task $(awk -v a=$((cpu1 - cpu0)) -v j=$((jvm1 - jvm0)) -v c="$cpu" -v n="$REPLICAS" \
                    'BEGIN{printf "%.1f ms (agent JVM %.1f ms, its helper processes %.1f ms, container %.1f ms)", (a+c)/1e6/n, j/1e6/n, (a-j)/1e6/n, c/1e6/n}')"
            fi
        else
            log "$who: $REPLICAS replicas not running after 600 s ($(n_running "$who" "$name") running)"
        fi
        t0=$(now); remove_service "$who" "$name" && log "$who: removing $REPLICAS replicas took $(dt "$t0" "$(now)") s"
    done
    report "$who" "converge_${REPLICAS}_replicas" s "${conv[@]}"
    report "$who" "converge_${REPLICAS}_server" s "${conv_server[@]}"
    [ "${#conv_cpu[@]}" -gt 0 ] && report "$who" "converge_${REPLICAS}_cpu" s "${conv_cpu[@]}"
    return 0
}

# --- orch -------------------------------------------------------------------------
dist_ready() { [ -x "$ORCH" ] && ls "$ORCH_DIST"/lib/*.jar >/dev/null 2>&1; }
run_orch() {
    if ! dist_ready || [ "${BENCH_BUILD:-}" = 1 ]; then
        log "building the distribution (mvn -pl packaging -am package -DskipTests)"
        (cd "$ROOT" && mvn -B -q -Dstyle.color=never -pl packaging -am package -DskipTests >&2) || { echo "build failed" >&2; return 1; }
    fi
    # a private copy: other builds may rewrite packaging/target while the benchmark runs
    cp -r "$ORCH_DIST" "$WORK/dist"
    ORCH="$WORK/dist/bin/orch"
    if [ -f "$CPUACCT/cpuacct.usage" ] && mkdir "$CPUACCT/orch-task-start-$$" 2>/dev/null; then
        AGENT_CG=$CPUACCT/orch-task-start-$$
    else
        log "no cgroup v1 cpuacct: no CPU figure"
    fi
    # the agent joins its cgroup before it execs, so every process it starts is counted there too
    setsid sh -c '[ -z "$1" ] || echo $$ >"$1/cgroup.procs"; shift; exec "$@"' cg "$AGENT_CG" \
        "$ORCH" init --data-dir "$WORK/orch" --listen-addr 127.0.0.1:21502 --gossip-addr 127.0.0.1:21503 \
        --api-addr "$ORCH_API" --runtime runc >"$WORK/orch-agent.log" 2>&1 </dev/null &
    AGENT_PID=$!
    local t0; t0=$(now)
    until [ "$(curl -s --max-time 2 "http://$ORCH_API/_ping")" = OK ]; do
        kill -0 "$AGENT_PID" 2>/dev/null || { echo "orch agent exited:" >&2; tail -20 "$WORK/orch-agent.log" >&2; return 1; }
        past "$t0" 90 && { echo "orch agent did not answer in 90 s" >&2; return 1; }
        sleep 0.1
    done
    log "orch agent pid $AGENT_PID up after $(dt "$t0" "$(now)") s"
    "$ORCH" -H "tcp://$ORCH_API" image load -q -i "$WORK/busybox.tar" >&2 || { echo "orch image load failed" >&2; return 1; }
    measure orch
}
stop_orch() {
    [ -n "$AGENT_PID" ] || return 0
    local ids; ids=$(api orch GET /services | jq -r '.[].ID' 2>/dev/null)
    for s in $ids; do remove_service orch "$s"; done
    kill -TERM "$AGENT_PID" 2>/dev/null
    for _ in $(seq 1 300); do kill -0 "$AGENT_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$AGENT_PID" 2>/dev/null && { log "orch agent did not stop: SIGKILL"; kill -KILL "$AGENT_PID"; }
    # containers of ours that survived (they outlive the agent on purpose): none expected
    if command -v runc >/dev/null && [ -d "$WORK/orch/runc" ]; then
        for c in $(runc --root "$WORK/orch/runc" list -q 2>/dev/null); do
            log "deleting leftover runc container $c"; runc --root "$WORK/orch/runc" delete --force "$c"
        done
    fi
    AGENT_PID=""
    # its processes are gone (shims end with their containers): the cgroup can go
    [ -n "$AGENT_CG" ] && rmdir "$AGENT_CG" 2>/dev/null
    AGENT_CG=""
}

# --- Docker Swarm on a private dockerd (own bridge, no iptables, as swarm-baseline.sh but quieter) ---
run_swarm() {
    # swarm init makes docker_gwbridge and leaves it behind: delete it afterwards if it is ours
    ip link show docker_gwbridge >/dev/null 2>&1 || GWBRIDGE_OURS=1
    BRIDGE=orchbn$(( $$ % 100000 ))
    ip link add "$BRIDGE" type bridge && ip addr add "10.232.$(( $$ % 200 + 20 )).1/24" dev "$BRIDGE" && ip link set "$BRIDGE" up \
        || { echo "could not create bridge $BRIDGE" >&2; return 1; }
    DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 setsid dockerd --host "unix://$WORK/docker.sock" --data-root "$WORK/docker" \
        --exec-root "$WORK/dexec" --pidfile "$WORK/docker.pid" --bridge="$BRIDGE" --iptables=false \
        --ip-forward=false --ip-masq=false >"$WORK/dockerd.log" 2>&1 </dev/null &
    DOCKERD_PID=$!
    local t0; t0=$(now)
    until [ "$(curl -s --max-time 2 --unix-socket "$WORK/docker.sock" http://d/_ping)" = OK ]; do
        kill -0 "$DOCKERD_PID" 2>/dev/null || { echo "dockerd exited:" >&2; tail -20 "$WORK/dockerd.log" >&2; return 1; }
        past "$t0" 60 && { echo "dockerd did not answer in 60 s" >&2; return 1; }
        sleep 0.1
    done
    curl -s --max-time 120 --unix-socket "$WORK/docker.sock" -X POST -H 'Content-Type: application/x-tar' \
        --data-binary "@$WORK/busybox.tar" "http://d/v1.41/images/load?quiet=1" >/dev/null || { echo "docker load failed" >&2; return 1; }
    api swarm POST /swarm/init "{\"ListenAddr\":\"127.0.0.1:$SWARM_PORT\",\"AdvertiseAddr\":\"127.0.0.1:$SWARM_PORT\"}" \
        | grep -q '"' || { echo "swarm init failed" >&2; return 1; }
    log "swarm initialised on dockerd pid $DOCKERD_PID"
    measure swarm
}
stop_swarm() {
    [ -n "$DOCKERD_PID" ] || return 0
    local ids; ids=$(api swarm GET /services | jq -r '.[].ID' 2>/dev/null)
    for s in $ids; do remove_service swarm "$s"; done
    api swarm POST "/swarm/leave?force=1" >/dev/null
    kill -TERM "$DOCKERD_PID" 2>/dev/null
    for _ in $(seq 1 300); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$DOCKERD_PID" 2>/dev/null && { log "dockerd did not stop: SIGKILL"; kill -KILL "$DOCKERD_PID"; }
    DOCKERD_PID=""
}

cleanup() {
    trap - EXIT INT TERM
    stop_orch
    stop_swarm
    [ -n "$BRIDGE" ] && ip link del "$BRIDGE" 2>/dev/null
    [ -n "$GWBRIDGE_OURS" ] && ip link del docker_gwbridge 2>/dev/null
    awk -v r="$WORK" '$2 ~ "^"r {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
    [ "${KEEP:-}" = 1 ] && log "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for t in curl jq /bin/busybox sha256sum; do command -v "$t" >/dev/null || { echo "missing $t" >&2; exit 1; }; done
[ "$(id -u)" = 0 ] || { echo "task-start needs root (runc containers)" >&2; exit 1; }
build_busybox_archive "$WORK/busybox.tar" "$IMG"
run_orch || exit 1
stop_orch
if [ "${SKIP_SWARM:-}" != 1 ] && command -v dockerd >/dev/null; then
    run_swarm || log "swarm measurements failed"
    stop_swarm
else
    log "no dockerd (apt-get install docker.io) or SKIP_SWARM=1: no Swarm figures"
fi
for f in start_1_replica_wall start_1_replica_server "converge_${REPLICAS}_replicas" "converge_${REPLICAS}_server"; do
    o=${MEDIAN["orch:$f"]:-}; s=${MEDIAN["swarm:$f"]:-}
    [ -n "$o" ] && [ -n "$s" ] && awk -v f="$f" -v o="$o" -v s="$s" 'BEGIN{printf "ratio: %s orch/swarm %.2f (%.3f s / %.3f s)\n", f, (s>0?o/s:0), o, s}'
done
