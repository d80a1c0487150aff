#!/usr/bin/env bash
# bench/vs-swarm.sh -- orch (one node, runc runtime) against Docker Swarm (one node on a private
# dockerd), both driven by the stock docker CLI (`docker -H ...`) with the same busybox image.
# Run through `bench/run vs-swarm` (root: runc containers and dockerd). Prints figures; not a test.
#
# Rows (each the median of REPS runs, client wall time from the docker command to the condition,
# polled every POLL s on the Engine API with curl + jq):
#   create_10_replicas / create_100_replicas   `service create` -> all replicas running
#   scale_10_to_50                              `service scale NAME=50` -> 50 running
#   replace_killed_task                         kill -9 of a task's container process -> 10 running again,
#                                               the killed task not among them (docker's default restart
#                                               policy: Swarm waits its 5 s default delay, orch has none)
#   replace_killed_task_restart_delay0          the same with `--restart-delay 0s` on both
#   rolling_update_10_all_new_running           `service update --args ...` with docker's defaults
#   rolling_update_10_completed                 (parallelism 1, delay 0, monitor 5 s, stop-first):
#                                               -> 10 new tasks running / UpdateStatus completed
#   rollback_10_completed                       `service update --args false --update-failure-action rollback
#                                               --update-monitor 2s --update-parallelism 1` -> rollback_completed
#   idle_daemon_rss / 100_tasks_daemon_rss      VmRSS of the orch agent's JVM vs dockerd + containerd, idle
#                                               (IDLE_SETTLE s after start) and with 100 tasks running;
#                                               per-container helpers (shims, log stampers, runc) excluded and
#                                               reported apart (helpers_pss_100_tasks, their PSS sum)
#   service_ls_wall                             `docker service ls` with one 10-replica service, median of N runs
# then one table: each figure for both and the ratio orch/swarm. Every figure line carries the load average.
#
# Ports (loopback only): orch listen 24800, gossip 24801, raft 24802, API 24803; swarm 24810.
# Env: REPS (3), N (20), POLL (0.1), IDLE_SETTLE (10 s), SKIP_SWARM=1, KEEP=1 (keep the scratch dir),
#      ORCH_DIST (a built distribution; default packaging/target/orch).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh"
REPS=${REPS:-3}
N=${N:-20}
POLL=${POLL:-0.1}
IDLE_SETTLE=${IDLE_SETTLE:-10}
ORCH_DIST=${ORCH_DIST:-$ROOT/packaging/target/orch}
WORK=$(mktemp -d /tmp/orch-vs-swarm.XXXXXX)
IMG=bench/busybox:1
ORCH_API=127.0.0.1:24803
SWARM_PORT=24810
AGENT_PID=""
SWARM_UP=""
COMMON=(--detach --no-resolve-image --stop-signal KILL)   # sleep as PID 1 ignores TERM
export DOCKER_CONFIG="$WORK/docker-config"                 # the CLI's own config, not the user's
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH

# --- one driver, two servers -------------------------------------------------------------------
dk() { # dk WHO ARGS...: the docker CLI against WHO
    local who=$1; shift
    if [ "$who" = orch ]; then docker -H "tcp://$ORCH_API" "$@"; else docker -H "unix://$WORK/docker.sock" "$@"; fi
}
api() { # api WHO PATH: GET on WHO's Engine API
    if [ "$1" = orch ]; then curl -s --max-time 30 "http://$ORCH_API/v1.41$2"
    else curl -s --max-time 30 --unix-socket "$WORK/docker.sock" "http://d/v1.41$2"; fi
}
tasks_of() { api "$1" "/tasks?filters=$(jq -rn --arg s "$2" '{service:[$s],"desired-state":["running"]}|@uri')"; }
n_running() { local c; c=$(tasks_of "$1" "$2" | jq '[.[]|select(.Status.State=="running")]|length' 2>/dev/null); echo "${c:-0}"; }
update_state() { api "$1" "/services/$2" | jq -r '.UpdateStatus.State // ""' 2>/dev/null; }
wait_running() { # wait_running WHO NAME N TIMEOUT
    local t0; t0=$(now)
    until [ "$(n_running "$1" "$2")" -ge "$3" ]; do past "$t0" "$4" && return 1; sleep "$POLL"; done
}
create() { # create WHO NAME REPLICAS [flags...]: sleep 100000 in busybox
    local who=$1 name=$2 n=$3; shift 3
    dk "$who" service create "${COMMON[@]}" "$@" --name "$name" --replicas "$n" "$IMG" sleep 100000 >/dev/null
}
# no task of any service left running, and (Swarm) no container left: what the next row starts from
wait_empty() {
    local who=$1 t0; t0=$(now)
    while :; do
        if [ "$who" = orch ]; then
            [ "$(api orch /tasks | jq '[.[]|select(.Status.State=="running" or .Status.State=="starting")]|length' 2>/dev/null)" = 0 ] && return 0
        else
            [ "$(api swarm '/containers/json?all=1' | jq length 2>/dev/null)" = 0 ] && return 0
        fi
        past "$t0" 300 && { log "$who: tasks still there after 300 s"; return 1; }
        sleep "$POLL"
    done
}
remove() { dk "$1" service rm "$2" >/dev/null; wait_empty "$1"; }

# --- memory ------------------------------------------------------------------------------------
daemon_pids() { if [ "$1" = orch ]; then echo "$AGENT_PID"; else echo "$DOCKERD_PID $(containerd_pid)"; fi; }
mem_figures() { # mem_figures WHO SUFFIX: the daemons' RSS; the per-container helpers' PSS apart
    local who=$1 suffix=$2 d=0 h=0 nh=0 p daemons
    daemons=$(daemon_pids "$who")
    for p in $daemons; do d=$((d + $(rss_kb "$p"))); done
    # helpers: every process whose command line names our scratch dir (shims, runc, log stampers), but
    # not the daemons themselves; the containers' own processes (sleep) are not counted on either side
    # shellcheck disable=SC2086
    for p in $(pids_mentioning "$WORK" $daemons $$); do
        [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sleep ] && continue
        h=$((h + $(pss_kb "$p"))); nh=$((nh + 1))
    done
    report "$who" "${suffix}_daemon_rss" MiB "$(mib "$d")"
    log "$who: $suffix: per-container helpers: $nh processes, PSS sum $(mib "$h") MiB"
    [ "$suffix" = idle ] || report "$who" "${suffix}_helpers_pss" MiB "$(mib "$h")"
}

# --- the rows ----------------------------------------------------------------------------------
measure_create() { # measure_create WHO N
    local who=$1 n=$2 i t0 v=() name
    for i in $(seq 1 "$REPS"); do
        name=c${n}_$i
        t0=$(now)
        create "$who" "$name" "$n" || { log "$who: create $name failed"; continue; }
        if wait_running "$who" "$name" "$n" 600; then
            v+=("$(dt "$t0" "$(now)")"); log "$who: create $n, run $i: ${v[-1]} s"
        else
            log "$who: create $n, run $i: $(n_running "$who" "$name") running after 600 s"
        fi
        [ "$n" = 100 ] && [ "$i" = 1 ] && mem_figures "$who" 100_tasks
        remove "$who" "$name"
    done
    report "$who" "create_${n}_replicas" s "${v[@]}"
}

measure_scale() {
    local who=$1 i t0 v=() name
    for i in $(seq 1 "$REPS"); do
        name=sc_$i
        create "$who" "$name" 10 && wait_running "$who" "$name" 10 120 || { log "$who: scale base not running"; remove "$who" "$name"; continue; }
        t0=$(now)
        dk "$who" service scale --detach "$name=50" >/dev/null 2>&1
        if wait_running "$who" "$name" 50 300; then v+=("$(dt "$t0" "$(now)")"); log "$who: scale 10 -> 50, run $i: ${v[-1]} s"
        else log "$who: scale run $i: $(n_running "$who" "$name") running after 300 s"; fi
        remove "$who" "$name"
    done
    report "$who" scale_10_to_50 s "${v[@]}"
}

measure_kill() { # measure_kill WHO FIGURE [create flags...]
    local who=$1 fig=$2 name=k_$2 v=() i js tid pid t0; shift 2
    create "$who" "$name" 10 "$@" && wait_running "$who" "$name" 10 120 || { log "$who: $fig base not running"; remove "$who" "$name"; return; }
    for i in $(seq 1 "$REPS"); do
        wait_running "$who" "$name" 10 120
        js=$(tasks_of "$who" "$name")
        tid=$(jq -r '[.[]|select(.Status.State=="running")][0].ID' <<<"$js")
        pid=$(jq -r '[.[]|select(.Status.State=="running")][0].Status.ContainerStatus.PID // 0' <<<"$js")
        [ "${pid:-0}" -gt 1 ] || { log "$who: task $tid reports no PID"; continue; }
        t0=$(now)
        kill -9 "$pid"
        while :; do
            js=$(tasks_of "$who" "$name")
            if [ "$(jq --arg t "$tid" '[.[]|select(.Status.State=="running")] as $r
                    | if ($r|length)>=10 and ([$r[]|select(.ID==$t)]|length)==0 then 1 else 0 end' <<<"$js")" = 1 ]; then
                v+=("$(dt "$t0" "$(now)")"); log "$who: $fig, run $i: ${v[-1]} s"; break
            fi
            past "$t0" 120 && { log "$who: $fig, run $i: not replaced after 120 s"; break; }
            sleep "$POLL"
        done
    done
    remove "$who" "$name"
    report "$who" "$fig" s "${v[@]}"
}

measure_rolling() {
    local who=$1 name=ru i args t0 tn tc n v=() vc=()
    create "$who" "$name" 10 && wait_running "$who" "$name" 10 120 || { log "$who: rolling base not running"; remove "$who" "$name"; return; }
    for i in $(seq 1 "$REPS"); do
        args="sleep 10000$i"
        t0=$(now); tn=""; tc=""
        dk "$who" service update --detach --no-resolve-image --args "$args" "$name" >/dev/null
        while :; do
            if [ -z "$tn" ]; then
                n=$(tasks_of "$who" "$name" | jq --arg a "$args" '[.[]|select(.Status.State=="running" and ((.Spec.ContainerSpec.Args//[])|join(" "))==$a)]|length')
                [ "${n:-0}" -ge 10 ] && tn=$(now)
            fi
            [ -z "$tc" ] && [ "$(update_state "$who" "$name")" = completed ] && tc=$(now)
            [ -n "$tn" ] && [ -n "$tc" ] && break
            past "$t0" 300 && { log "$who: rolling update run $i: not done after 300 s"; break; }
            sleep "$POLL"
        done
        [ -n "$tn" ] && v+=("$(dt "$t0" "$tn")")
        [ -n "$tc" ] && vc+=("$(dt "$t0" "$tc")")
        log "$who: rolling update run $i: all new running ${tn:+$(dt "$t0" "$tn")} s, completed ${tc:+$(dt "$t0" "$tc")} s"
    done
    remove "$who" "$name"
    report "$who" rolling_update_10_all_new_running s "${v[@]}"
    report "$who" rolling_update_10_completed s "${vc[@]}"
}

measure_rollback() {
    local who=$1 i name t0 st v=()
    for i in $(seq 1 "$REPS"); do
        name=rb_$i
        create "$who" "$name" 10 && wait_running "$who" "$name" 10 120 || { log "$who: rollback base not running"; remove "$who" "$name"; continue; }
        t0=$(now)
        dk "$who" service update --detach --no-resolve-image --update-failure-action rollback \
            --update-monitor 2s --update-parallelism 1 --args false "$name" >/dev/null
        while :; do
            st=$(update_state "$who" "$name")
            [ "$st" = rollback_completed ] && { v+=("$(dt "$t0" "$(now)")"); log "$who: rollback run $i: ${v[-1]} s"; break; }
            past "$t0" 180 && { log "$who: rollback run $i: state '$st' after 180 s"; break; }
            sleep "$POLL"
        done
        remove "$who" "$name"
    done
    report "$who" rollback_10_completed s "${v[@]}"
}

measure_service_ls() {
    local who=$1 i t0 v=()
    create "$who" ls10 10 && wait_running "$who" ls10 10 120 || log "$who: ls base not running"
    dk "$who" service ls >/dev/null   # warm-up: the page cache holds the binary
    for i in $(seq 1 "$N"); do
        t0=$(now); dk "$who" service ls >/dev/null 2>&1 && v+=("$(dt "$t0" "$(now)")")
    done
    remove "$who" ls10
    report "$who" service_ls_wall s "${v[@]}"
}

measure() { # measure WHO: every row, in the issue's order
    local who=$1
    log "$who: settling $IDLE_SETTLE s before idle memory"
    sleep "$IDLE_SETTLE"   # a measurement window (what the daemon holds once started), not a synchronisation
    mem_figures "$who" idle
    measure_create "$who" 10
    measure_create "$who" 100
    measure_scale "$who"
    measure_kill "$who" replace_killed_task
    measure_kill "$who" replace_killed_task_restart_delay0 --restart-delay 0s
    measure_rolling "$who"
    measure_rollback "$who"
    measure_service_ls "$who"
}

# --- orch ----------------------------------------------------------------------------------------
# What the runc runtime leaves on the host by design (bridge, nft tables, task namespaces) is
# snapshotted before the agent starts; whatever appeared during the run is removed at the end.
NET_BEFORE=""
net_snapshot() {
    { ip -o link show type bridge 2>/dev/null | awk -F': ' '{print "link " $2}'
      ip netns list 2>/dev/null | awk '{print "netns " $1}'
      nft list tables 2>/dev/null | awk '{print "nft " $2 " " $3}'; } | sort
}
run_orch() {
    [ -x "$ORCH_DIST/bin/orch" ] || { echo "no distribution at $ORCH_DIST (bench/run vs-swarm builds it)" >&2; return 1; }
    cp -r "$ORCH_DIST" "$WORK/dist"   # a private copy: other builds may rewrite packaging/target meanwhile
    NET_BEFORE=$(net_snapshot)
    IP_FORWARD=$(cat /proc/sys/net/ipv4/ip_forward)
    setsid "$WORK/dist/bin/orch" init --data-dir "$WORK/orch" --listen-addr 127.0.0.1:24800 --gossip-addr 127.0.0.1:24801 \
        --api-addr "$ORCH_API" --runtime runc --hostname vs-swarm >"$WORK/orch-agent.log" 2>&1 </dev/null &
    AGENT_PID=$!
    local t0; t0=$(now)
    until [ "$(curl -s --max-time 2 "http://$ORCH_API/_ping")" = OK ]; do
        kill -0 "$AGENT_PID" 2>/dev/null || { echo "orch agent exited:" >&2; tail -20 "$WORK/orch-agent.log" >&2; AGENT_PID=""; return 1; }
        past "$t0" 90 && { echo "orch agent did not answer in 90 s" >&2; return 1; }
        sleep 0.1
    done
    log "orch agent pid $AGENT_PID ($(cat "/proc/$AGENT_PID/comm")) up after $(dt "$t0" "$(now)") s; $(dk orch version --format 'API {{.Server.APIVersion}}' 2>/dev/null)"
    "$WORK/dist/bin/orch" -H "tcp://$ORCH_API" image load -q -i "$WORK/busybox.tar" >&2 || { echo "orch image load failed" >&2; return 1; }
    measure orch
}
stop_orch() {
    if [ -n "$AGENT_PID" ]; then
        local ids; ids=$(dk orch service ls -q 2>/dev/null)
        # shellcheck disable=SC2086
        [ -n "$ids" ] && dk orch service rm $ids >/dev/null 2>&1 && wait_empty orch
        kill -TERM "$AGENT_PID" 2>/dev/null
        for _ in $(seq 1 300); do kill -0 "$AGENT_PID" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$AGENT_PID" 2>/dev/null && { log "orch agent did not stop: SIGKILL"; kill -KILL "$AGENT_PID"; }
        AGENT_PID=""
    fi
    if command -v runc >/dev/null && [ -d "$WORK/orch/runc" ]; then   # containers outlive the agent by design
        for c in $(runc --root "$WORK/orch/runc" list -q 2>/dev/null); do
            log "deleting leftover runc container $c"; runc --root "$WORK/orch/runc" delete --force "$c"
        done
    fi
    local p; for p in $(pids_mentioning "$WORK/orch" $$); do log "killing leftover process $p"; kill -KILL "$p" 2>/dev/null; done
    if [ -n "$NET_BEFORE" ]; then
        local kind a b
        comm -13 <(echo "$NET_BEFORE") <(net_snapshot) | while read -r kind a b; do
            case "$kind $a" in
                "link orch"*|"link obr"*) ip link del "$a" 2>/dev/null && log "deleted bridge $a" ;;
                "netns orch-"*) ip netns del "$a" 2>/dev/null && log "deleted netns $a" ;;
                "nft ip") case "$b" in orch-*) nft delete table ip "$b" 2>/dev/null && log "deleted nft table ip $b" ;; esac ;;
            esac
        done
        echo "$IP_FORWARD" >/proc/sys/net/ipv4/ip_forward
        NET_BEFORE=""
    fi
}

# --- Docker Swarm on a private dockerd ------------------------------------------------------------
run_swarm() {
    dockerd_start || return 1
    SWARM_UP=1
    dk swarm image load -q -i "$WORK/busybox.tar" >/dev/null || { echo "docker load failed" >&2; return 1; }
    dk swarm swarm init --listen-addr "127.0.0.1:$SWARM_PORT" --advertise-addr "127.0.0.1:$SWARM_PORT" >/dev/null \
        || { echo "swarm init failed" >&2; return 1; }
    log "swarm initialised on dockerd $(dk swarm version --format '{{.Server.Version}} (API {{.Server.APIVersion}})') pid $DOCKERD_PID"
    measure swarm
}
stop_swarm() {
    if [ -n "$SWARM_UP" ] && [ -n "$DOCKERD_PID" ]; then
        local ids; ids=$(dk swarm service ls -q 2>/dev/null)
        # shellcheck disable=SC2086
        [ -n "$ids" ] && dk swarm service rm $ids >/dev/null 2>&1 && wait_empty swarm
        dk swarm swarm leave --force >/dev/null 2>&1
    fi
    SWARM_UP=""
    dockerd_stop
}

cleanup() {
    trap - EXIT INT TERM
    stop_orch
    stop_swarm
    unmount_under "$WORK"
    if [ "${KEEP:-}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for t in curl jq docker runc /bin/busybox sha256sum nft; do command -v "$t" >/dev/null || { echo "missing $t (apt-get install docker.io runc busybox-static nftables)" >&2; exit 1; }; done
[ "$(id -u)" = 0 ] || { echo "vs-swarm needs root (runc containers, dockerd)" >&2; exit 1; }
log "REPS=$REPS N=$N POLL=$POLL; $(nproc) cores; load $(loadavg); docker CLI $(docker version --format '{{.Client.Version}}' 2>/dev/null)"
mkdir -p "$DOCKER_CONFIG"
build_busybox_archive "$WORK/busybox.tar" "$IMG"
run_orch || { log "orch measurements failed"; stop_orch; exit 1; }
stop_orch
if [ "${SKIP_SWARM:-}" = 1 ]; then
    log "SKIP_SWARM=1: no Swarm figures"
elif ! command -v dockerd >/dev/null; then
    echo "swarm: skipped: dockerd is not installed (apt-get install docker.io)"
else
    run_swarm || echo "swarm: skipped: the private dockerd or its swarm did not start (see above)"
    stop_swarm
fi

echo
printf '%-40s %12s %12s %10s\n' figure orch swarm orch/swarm
for f in idle_daemon_rss 100_tasks_daemon_rss 100_tasks_helpers_pss create_10_replicas create_100_replicas scale_10_to_50 \
         replace_killed_task replace_killed_task_restart_delay0 rolling_update_10_all_new_running \
         rolling_update_10_completed rollback_10_completed service_ls_wall; do
    o=${MEDIAN["orch:$f"]:-}; s=${MEDIAN["swarm:$f"]:-}
    unit=s; [[ $f == *rss || $f == *pss ]] && unit=MiB
    awk -v f="$f" -v o="$o" -v s="$s" -v u="$unit" 'BEGIN{
        r = (o != "" && s != "" && s > 0) ? sprintf("%.2f", o / s) : "-";
        printf "%-40s %12s %12s %10s\n", f, (o == "" ? "-" : o " " u), (s == "" ? "-" : s " " u), r }'
done
echo "leader_failover: see bench/run leader-failover"
echo "placements_per_s: see bench/run schedule-commit"
