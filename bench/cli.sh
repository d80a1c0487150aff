#!/usr/bin/env bash
# bench/cli.sh -- how long `orch service ls` takes, JVM start included, as a user sees it: wall time
# of the packaged bin/orch against a running agent (process runtime, loopback API), and of
# `docker service ls` against the same agent when a docker CLI is installed (the agent speaks the
# Engine API). Run through `bench/run cli`. Prints figures; not a test.
#
# Lines: "orch: service_ls_wall median M ms p90 P ms (n N)" / "docker: ..." and, for the CPU the
# JVM spends, "orch: service_ls_cpu median M ms" (user + system: what a loaded machine adds to
# wall time is not in it).
# Ports (loopback only): listen 29650, gossip 29651, raft 29652, API 29653.
# Env: N (20 runs), KEEP=1 (keep the scratch dir), ORCH (another bin/orch to time).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N=${N:-20}
ORCH="${ORCH:-$ROOT/packaging/target/orch/bin/orch}"
WORK=$(mktemp -d /tmp/orch-bench-cli.XXXXXX)
API=127.0.0.1:29653
AGENT_PID=""

log() { echo "# $*" >&2; }
cleanup() {
    if [ -n "$AGENT_PID" ]; then kill "$AGENT_PID" 2>/dev/null; wait "$AGENT_PID" 2>/dev/null; fi
    if [ "${KEEP:-}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# summary WHO NAME v1 v2 ... (milliseconds) -> median and p90 (nearest rank)
summary() {
    local who=$1 name=$2; shift 2
    printf '%s\n' "$@" | sort -n | awk -v who="$who" -v name="$name" '
        { v[NR] = $1 }
        END { m = v[int((NR + 1) / 2)]; p = v[int(NR * 0.9 + 0.999)];
              printf "%s: %s median %d ms p90 %d ms (n %d)\n", who, name, m, p, NR }'
}

# times CMD... N times; prints "wall_ms cpu_ms" per run (cpu: user + system of the command)
time_runs() {
    local i start end
    for ((i = 0; i < N; i++)); do
        start=$EPOCHREALTIME
        /usr/bin/time -f '%U %S' -o "$WORK/cpu" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; return 1; }
        end=$EPOCHREALTIME
        awk -v a="$start" -v b="$end" -v cpu="$(cat "$WORK/cpu")" \
            'BEGIN { split(cpu, c, " "); printf "%d %d\n", (b - a) * 1000, (c[1] + c[2]) * 1000 }'
    done
}

report() {
    local who=$1 file=$2
    # shellcheck disable=SC2046
    summary "$who" service_ls_wall $(cut -d' ' -f1 "$file")
    # shellcheck disable=SC2046
    summary "$who" service_ls_cpu $(cut -d' ' -f2 "$file")
}

[ -x "$ORCH" ] || { echo "bench/cli.sh: $ORCH is missing (bench/run cli builds it)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/cli.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }

log "agent: $ORCH init (process runtime) on $API, data in $WORK"
"$ORCH" init --data-dir "$WORK/data" --listen-addr 127.0.0.1:29650 --gossip-addr 127.0.0.1:29651 \
    --api-addr "$API" --runtime process --hostname bench-cli >"$WORK/agent.log" 2>&1 &
AGENT_PID=$!
for _ in $(seq 600); do
    curl -sf "http://$API/_ping" >/dev/null 2>&1 && break
    kill -0 "$AGENT_PID" 2>/dev/null || { tail -20 "$WORK/agent.log" >&2; exit 1; }
    sleep 0.1
done
curl -sf "http://$API/_ping" >/dev/null || { echo "bench/cli.sh: the agent's API did not answer" >&2; exit 1; }
"$ORCH" -H "tcp://$API" service create --name bench-cli --replicas 1 --runtime process busybox sleep 100000 >/dev/null

log "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; JVM: $(java -version 2>&1 | head -1)"
"$ORCH" -H "tcp://$API" service ls >/dev/null   # one warm-up run: the page cache holds the jars
time_runs "$ORCH" -H "tcp://$API" service ls > "$WORK/orch.txt" || exit 1
report orch "$WORK/orch.txt"

if command -v docker >/dev/null; then
    docker -H "tcp://$API" service ls >/dev/null
    time_runs docker -H "tcp://$API" service ls > "$WORK/docker.txt" && report docker "$WORK/docker.txt"
else
    log "no docker CLI: orch only"
fi

"$ORCH" -H "tcp://$API" service rm bench-cli >/dev/null
# the agent stops the task before it is ended itself (tasks outlive their agent by design)
for _ in $(seq 100); do
    [ "$(curl -sf "http://$API/v1.47/tasks")" = "[]" ] && break
    sleep 0.1
done
