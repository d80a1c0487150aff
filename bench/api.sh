#!/usr/bin/env bash
# bench/api.sh -- how long the agent takes to answer the API's list calls, at an almost empty store
# and with S services x R replicas in it. Run through `bench/run api`. Prints figures; not a test.
#
# One agent (`orch init`, process runtime, loopback). The services' tasks are made unplaceable (a
# placement constraint no node matches), so they stay pending in the store and the node does not
# start S x R processes: the store holds the objects the calls map, nothing runs.
#
# For each call: the client's wall time over one keep-alive connection (one curl process, many
# transfers: no connection set-up, no process start in the figure), median / p90 / p99, and the
# server's own handling time, the mean of orch_api_request_seconds (route, parse, store read,
# mapping, serialisation; docs/metrics.md) over the same requests. Then `docker service ls` wall
# (a process per run) when a docker CLI is installed.
#
# Lines: "api: S=1 GET /services?status=true wall median M ms p90 P ms p99 Q ms server mean X ms bytes B (n N) load L"
# (L: the 1-minute load average when the call's samples were done).
# Env: SERVICES (1000), REPLICAS (10), N (samples per call, 100), DOCKER_N (20), PORT_BASE (24650: listen,
# +1 gossip, +2 raft, +3 API), KEEP=1 (keep the scratch dir), ORCH (another bin/orch to time).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES=${SERVICES:-1000}
REPLICAS=${REPLICAS:-10}
N=${N:-100}
DOCKER_N=${DOCKER_N:-20}
PORT_BASE=${PORT_BASE:-24650}
ORCH="${ORCH:-$ROOT/packaging/target/orch/bin/orch}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/orch-bench-api.XXXXXX")
API=127.0.0.1:$((PORT_BASE + 3))
BASE="http://$API/v1.47"
AGENT_PID=""
# a label no node has: the tasks stay pending ("no suitable node") in the store
CONSTRAINT='node.labels.orch-bench-api==unplaceable'

log() { echo "# $*" >&2; }
cleanup() {
    if [ -n "$AGENT_PID" ]; then kill "$AGENT_PID" 2>/dev/null; wait "$AGENT_PID" 2>/dev/null; fi
    if [ "${KEEP:-}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

[ -x "$ORCH" ] || { echo "bench/api.sh: $ORCH is missing (bench/run api builds it)" >&2; exit 1; }
for tool in curl jq; do
    command -v $tool >/dev/null || { echo "bench/api.sh: $tool is missing" >&2; exit 1; }
done

# creates services FROM..TO (numbered names) over one keep-alive connection; fails unless all are 201
create_services() {
    local from=$1 to=$2 config="$WORK/create.curl" i
    : >"$config"
    for ((i = from; i <= to; i++)); do
        # each transfer after a "next" starts from no options: its write-out is its own
        printf 'url = "%s/services/create"\nheader = "Content-Type: application/json"\noutput = "/dev/null"\n' "$BASE" >>"$config"
        printf 'silent\nwrite-out = "%%{http_code}\\n"\n' >>"$config"
        printf 'data = "{\\"Name\\":\\"bench-api-%04d\\",\\"Labels\\":{\\"bench\\":\\"api\\"},' "$i" >>"$config"
        printf '\\"TaskTemplate\\":{\\"ContainerSpec\\":{\\"Image\\":\\"busybox\\",\\"Command\\":[\\"sleep\\",\\"100000\\"],' >>"$config"
        printf '\\"Env\\":[\\"BENCH=api\\",\\"SLOT=%d\\"]},\\"Placement\\":{\\"Constraints\\":[\\"%s\\"]}},' "$i" "$CONSTRAINT" >>"$config"
        printf '\\"Mode\\":{\\"Replicated\\":{\\"Replicas\\":%d}}}"\n' "$REPLICAS" >>"$config"
        [ "$i" -lt "$to" ] && echo next >>"$config"
    done
    local codes
    codes=$(curl -s -K "$config" | sort | uniq -c)
    [ "$(echo "$codes" | awk '$2 == 201 { print $1 }')" = "$((to - from + 1))" ] \
        || { echo "bench/api.sh: creating services $from..$to answered: $codes" >&2; exit 1; }
}

wait_for_tasks() {
    local want=$1 have=0
    for _ in $(seq 600); do
        have=$(curl -sf "$BASE/tasks" | jq length)
        [ "$have" = "$want" ] && return 0
        sleep 0.5
    done
    echo "bench/api.sh: the store holds $have tasks, not $want" >&2
    exit 1
}

# server_sum ROUTE -> "count sum_seconds" of orch_api_request_seconds for GET ROUTE 200
server_sum() {
    curl -sf "http://$API/metrics" | awk -v route="route=\"$1\"" '
        /^orch_api_request_seconds_(count|sum)\{/ && index($0, route) && index($0, "method=\"GET\"") && index($0, "status=\"200\"") {
            if ($0 ~ /_count\{/) c = $NF; else s = $NF
        }
        END { printf "%d %.9f\n", c, s }'
}

# get_config PATH COUNT -> a curl config of COUNT transfers of PATH (one process, one keep-alive connection)
get_config() {
    local i
    for ((i = 0; i < $2; i++)); do
        printf 'url = "%s%s"\noutput = "/dev/null"\n' "$BASE" "$1"
    done
}

# time_call STORE ROUTE PATH: 5 warm-up transfers of PATH, then N measured ones over one connection;
# the server's counters for ROUTE are read between the two, and after
time_call() {
    local store=$1 route=$2 path=$3
    get_config "$path" 5 >"$WORK/warm.curl"
    get_config "$path" "$N" >"$WORK/get.curl"
    curl -s -K "$WORK/warm.curl" >/dev/null
    local before after
    before=$(server_sum "$route")
    curl -s -K "$WORK/get.curl" -w '%{http_code} %{time_total} %{size_download}\n' >"$WORK/get.txt"
    after=$(server_sum "$route")
    if grep -vq '^200 ' "$WORK/get.txt"; then
        echo "bench/api.sh: $path answered $(grep -v '^200 ' "$WORK/get.txt" | sort -u | head -3)" >&2
        exit 1
    fi
    local server
    server=$(awk -v b="$before" -v a="$after" 'BEGIN { split(b, x, " "); split(a, y, " ");
        n = y[1] - x[1]; if (n > 0) printf "%.2f", (y[2] - x[2]) / n * 1000; else printf "?" }')
    printf 'api: %s GET %s wall %s server mean %s ms bytes %d (n %d) load %s\n' "$store" "$path" \
        "$(cut -d' ' -f2 "$WORK/get.txt" | summary)" "$server" "$(head -1 "$WORK/get.txt" | cut -d' ' -f3)" "$N" \
        "$(cut -d' ' -f1 /proc/loadavg)"
}

summary() {
    sort -n | awk '{ v[NR] = $1 } END {
        printf "median %.2f ms p90 %.2f ms p99 %.2f ms", v[int((NR + 1) / 2)] * 1000, v[int(NR * 0.9 + 0.999)] * 1000, v[int(NR * 0.99 + 0.999)] * 1000 }'
}

log "agent: $ORCH init (process runtime) on $API, data in $WORK"
"$ORCH" init --data-dir "$WORK/data" --listen-addr "127.0.0.1:$PORT_BASE" --gossip-addr "127.0.0.1:$((PORT_BASE + 1))" \
    --api-addr "$API" --runtime process --hostname bench-api >"$WORK/agent.log" 2>&1 &
AGENT_PID=$!
for _ in $(seq 600); do
    curl -sf "http://$API/_ping" >/dev/null 2>&1 && break
    kill -0 "$AGENT_PID" 2>/dev/null || { tail -20 "$WORK/agent.log" >&2; exit 1; }
    sleep 0.1
done
curl -sf "http://$API/_ping" >/dev/null || { echo "bench/api.sh: the agent's API did not answer" >&2; exit 1; }

# the calls `docker service ls` / `service ps` / `node ls` / `info` make, at one store size
measure() {
    local store=$1 first
    first=$(curl -sf "$BASE/services" | jq -r '.[0].Spec.Name')
    log "$store: $(curl -sf "$BASE/services" | jq length) services, $(curl -sf "$BASE/tasks" | jq length) tasks (pending: $CONSTRAINT)," \
        "load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
    time_call "$store" /services /services
    time_call "$store" /services '/services?status=true'
    time_call "$store" /tasks /tasks
    # what `docker service ps NAME` asks for (URL-encoded {"service":{"NAME":true}})
    time_call "$store" /tasks "/tasks?filters=%7B%22service%22%3A%7B%22$first%22%3Atrue%7D%7D"
    time_call "$store" /nodes /nodes
    time_call "$store" /info /info
    if command -v docker >/dev/null; then
        local i start end
        docker -H "tcp://$API" service ls >/dev/null
        for ((i = 0; i < DOCKER_N; i++)); do
            start=$EPOCHREALTIME
            docker -H "tcp://$API" service ls >/dev/null || exit 1
            end=$EPOCHREALTIME
            awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f\n", b - a }'
        done >"$WORK/docker.txt"
        printf 'docker: %s service ls wall %s (n %d) load %s\n' "$store" "$(summary <"$WORK/docker.txt")" "$DOCKER_N" \
            "$(cut -d' ' -f1 /proc/loadavg)"
    else
        log "no docker CLI: docker service ls not timed"
    fi
    log "load average after $store: $(cut -d' ' -f1-3 /proc/loadavg)"
}

create_services 1 1
wait_for_tasks "$REPLICAS"
measure "S=1"
if [ "$SERVICES" -gt 1 ]; then
    log "creating $((SERVICES - 1)) more services x $REPLICAS replicas"
    create_services 2 "$SERVICES"
    wait_for_tasks $((SERVICES * REPLICAS))
    measure "S=$SERVICES"
fi
