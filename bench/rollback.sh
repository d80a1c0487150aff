#!/usr/bin/env bash
# bench/rollback.sh -- how long an automatic rollback takes on one node (runc runtime), driven by
# the stock docker CLI as a user would: a 10-replica busybox service created with
#   --update-monitor 2s --update-parallelism 1 --update-failure-action rollback
# is updated to a command that exits 1 at once, and we time the update request until
# UpdateStatus.State == rollback_completed. Run through `bench/run rollback`. Prints figures; not a test.
#
# Figures (median of REPS runs), each for two variants: docker's rollback defaults (no RollbackConfig:
# a 5 s rollback monitor) and `--rollback-monitor 2s` (the update's monitor for the rollback too):
#   rollback_wall[V]    client: `docker service update` sent -> inspect says rollback_completed (poll POLL s)
#   rollback_server[V]  server: UpdateStatus.StartedAt -> UpdateStatus.CompletedAt (both set by the updater)
# With TRACE=1 each run also prints its tasks' timeline (created, state, status timestamp).
#
# Ports (loopback only): API 24401, listen 24402, gossip 24403, raft 24404.
# Env: REPS (5), POLL (0.05), REPLICAS (10), ROLLBACK_FLAGS (extra `service create` flags: when set,
# only that variant runs), KEEP=1 (keep the scratch dir), TRACE=1.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPS=${REPS:-5}
POLL=${POLL:-0.05}
REPLICAS=${REPLICAS:-10}
ROLLBACK_FLAGS=${ROLLBACK_FLAGS:-}
WORK=$(mktemp -d /tmp/orch-rollback.XXXXXX)
IMG=bench/busybox:1
API=127.0.0.1:24401
AGENT_PID=""
export DOCKER_HOST=tcp://$API

# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh"   # log, now, dt, past, epoch, build_busybox_archive

report() { # report NAME v1 v2 ... -> median (min/max, n) and the load average
    local name=$1; shift
    if [ $# -eq 0 ]; then echo "orch: $name FAILED n=0"; return; fi
    printf '%s\n' "$@" | sort -g | awk -v name="$name" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" '
        {v[NR]=$1}
        END{n=NR; if(n%2) m=v[(n+1)/2]; else m=(v[n/2]+v[n/2+1])/2;
            printf "orch: %s %.3f s min=%.3f max=%.3f n=%d (load %s)\n", name, m, v[1], v[n], n, load}'
}

start_agent() {
    # a private copy: other builds may rewrite packaging/target while the benchmark runs
    cp -r "$ROOT/packaging/target/orch" "$WORK/dist"
    setsid "$WORK/dist/bin/orch" init --data-dir "$WORK/orch" --listen-addr 127.0.0.1:24402 --gossip-addr 127.0.0.1:24403 \
        --api-addr "$API" --runtime runc >"$WORK/agent.log" 2>&1 </dev/null &
    AGENT_PID=$!
    local t0; t0=$(now)
    until [ "$(curl -s --max-time 2 "http://$API/_ping")" = OK ]; do
        kill -0 "$AGENT_PID" 2>/dev/null || { echo "orch agent exited:" >&2; tail -20 "$WORK/agent.log" >&2; return 1; }
        past "$t0" 90 && { echo "orch agent did not answer in 90 s" >&2; return 1; }
        sleep 0.1
    done
    "$WORK/dist/bin/orch" -H "tcp://$API" image load -q -i "$WORK/busybox.tar" >&2 || { echo "image load failed" >&2; return 1; }
}

stop_agent() {
    [ -n "$AGENT_PID" ] || return 0
    for s in $(docker service ls -q 2>/dev/null); do docker service rm "$s" >/dev/null 2>&1; done
    local t0; t0=$(now)
    while [ -n "$(runc --root "$WORK/orch/runc" list -q 2>/dev/null)" ] && ! past "$t0" 60; do sleep 0.2; done
    kill -TERM "$AGENT_PID" 2>/dev/null
    for _ in $(seq 1 300); do kill -0 "$AGENT_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$AGENT_PID" 2>/dev/null && { log "agent did not stop: SIGKILL"; kill -KILL "$AGENT_PID"; }
    if [ -d "$WORK/orch/runc" ]; then
        for c in $(runc --root "$WORK/orch/runc" list -q 2>/dev/null); do
            log "deleting leftover runc container $c"; runc --root "$WORK/orch/runc" delete --force "$c"
        done
    fi
    AGENT_PID=""
}

cleanup() {
    trap - EXIT INT TERM
    stop_agent
    awk -v r="$WORK" '$2 ~ "^"r {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
    [ "${KEEP:-}" = 1 ] && log "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

n_running() { docker service ps -q --filter desired-state=running --filter "name=$1" --format '{{.CurrentState}}' "$1" 2>/dev/null | grep -c '^Running'; }
update_state() { docker service inspect -f '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}' "$1" 2>/dev/null; }

trace() { # the service's tasks, oldest first: slot, spec state, status timestamp relative to the update request
    local t0=$1 name=$2
    curl -s "http://$API/v1.41/tasks?filters=$(jq -rn --arg s "$name" '{service:[$s]}|@uri')" \
        | jq -r '.[] | [.Slot, .CreatedAt, .Status.Timestamp, .Status.State, .DesiredState, (.Spec.ContainerSpec.Args|join(" "))] | @tsv' \
        | sort -k2 | while IFS=$'\t' read -r slot created ts state desired args; do
            printf '#   slot %2s created %+7.3f s  %-9s at %+7.3f s  desired %-8s %s\n' "$slot" \
                "$(dt "$t0" "$(epoch "$created")")" "$state" "$(dt "$t0" "$(epoch "$ts")")" "$desired" "$args" >&2
        done
}

for t in curl jq docker runc /bin/busybox sha256sum; do command -v "$t" >/dev/null || { echo "missing $t" >&2; exit 1; }; done
[ "$(id -u)" = 0 ] || { echo "rollback needs root (runc containers)" >&2; exit 1; }
[ -x "$ROOT/packaging/target/orch/bin/orch" ] || { echo "build the distribution first (bench/run rollback does)" >&2; exit 1; }
build_busybox_archive "$WORK/busybox.tar" "$IMG"
start_agent || exit 1
# run_variant LABEL FLAGS: REPS rollbacks with FLAGS added to `service create`; reports LABEL's figures
run_variant() {
    local label=$1 flags=$2 i name t0 t1 state s
    local wall=() server=()
    for i in $(seq 1 "$REPS"); do
        name=rb$i
        # shellcheck disable=SC2086 # flags is a list of flags
        docker service create -d -q --name "$name" --replicas "$REPLICAS" --stop-signal SIGKILL \
            --update-monitor 2s --update-parallelism 1 --update-failure-action rollback $flags \
            "$IMG" sleep 100000 >/dev/null || { log "create $name failed"; continue; }
        t0=$(now)
        until [ "$(n_running "$name")" -ge "$REPLICAS" ]; do past "$t0" 60 && break; sleep 0.1; done
        t0=$(now)
        docker service update -d -q --args false "$name" >/dev/null || { log "update $name failed"; continue; }
        state=""
        until [ "$state" = rollback_completed ]; do
            past "$t0" 120 && break
            case "$state" in paused|rollback_paused) break ;; esac
            sleep "$POLL"; state=$(update_state "$name")
        done
        t1=$(now)
        if [ "$state" = rollback_completed ]; then
            wall+=("$(dt "$t0" "$t1")")
            s=$(curl -s "http://$API/v1.41/services/$name" | jq -r '.UpdateStatus | "\(.StartedAt) \(.CompletedAt)"' \
                | { read -r a b; dt "$(epoch "$a")" "$(epoch "$b")"; })
            server+=("$s")
            log "$label run $i: rollback_completed after ${wall[-1]} s (server $s s; load $(cut -d' ' -f1 /proc/loadavg))"
        else
            log "$label run $i: state '$state' after $(dt "$t0" "$t1") s"
        fi
        [ "${TRACE:-}" = 1 ] && trace "$t0" "$name"
        docker service rm "$name" >/dev/null
    done
    report "rollback_wall[$label]" "${wall[@]}"
    report "rollback_server[$label]" "${server[@]}"
}

# Docker's rollback defaults (RollbackConfig unset: monitor 5 s, parallelism 1) put a 5 s floor
# under rollback_completed, in Swarm as here: the rollback's last task is watched for the rollback
# monitor before the rollback counts as complete. The second variant gives the rollback the update's
# 2 s monitor. ROLLBACK_FLAGS, when set, runs only that variant.
if [ -n "$ROLLBACK_FLAGS" ]; then
    run_variant "$ROLLBACK_FLAGS" "$ROLLBACK_FLAGS"
else
    run_variant "docker defaults" ""
    run_variant "--rollback-monitor 2s" "--rollback-monitor 2s"
fi
