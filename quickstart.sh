#!/usr/bin/env bash
# Builds orch, starts a single-node cluster in the background on loopback ports, deploys an
# example service and shows it running.   ./quickstart.sh        start
#                                          ./quickstart.sh stop   stop the agent and its tasks
set -euo pipefail
cd "$(dirname "$0")"
state=.quickstart
orch=packaging/target/orch/bin/orch
host=tcp://127.0.0.1:12375

if [ "${1:-}" = stop ]; then
  if [ -f "$state/agent.pid" ]; then
    "$orch" -H "$host" service rm hello >/dev/null 2>&1 || true
    # give the agent a moment to stop the service's tasks, then stop the agent itself
    for _ in $(seq 50); do
      [ "$("$orch" -H "$host" service ls -q 2>/dev/null | wc -l)" = 0 ] && break; sleep 0.2
    done
    kill "$(cat "$state/agent.pid")" 2>/dev/null || true
    rm -f "$state/agent.pid"
    echo "stopped (state kept in $state/data; rm -rf $state to forget the cluster)"
  else
    echo "not running"
  fi
  exit 0
fi

command -v mvn >/dev/null || { echo "needs Java 17 and Maven (apt-get install openjdk-17-jdk-headless maven)" >&2; exit 1; }
echo "building (mvn -B -q -DskipTests package)..."
mvn -B -q -DskipTests package

mkdir -p "$state"
if [ -f "$state/agent.pid" ] && kill -0 "$(cat "$state/agent.pid")" 2>/dev/null; then
  echo "agent already running (pid $(cat "$state/agent.pid"))"
else
  nohup "$orch" init --data-dir "$PWD/$state/data" --listen-addr 127.0.0.1:12377 --gossip-addr 127.0.0.1:12378 \
    --api-addr 127.0.0.1:12375 --runtime process >"$state/agent.log" 2>&1 &
  echo $! >"$state/agent.pid"
  for _ in $(seq 300); do
    "$orch" -H "$host" version >/dev/null 2>&1 && break
    kill -0 "$(cat "$state/agent.pid")" 2>/dev/null || { cat "$state/agent.log"; exit 1; }
    sleep 0.2
  done
  sed -n '1,20p' "$state/agent.log"
fi

if ! "$orch" -H "$host" service inspect hello >/dev/null 2>&1; then
  "$orch" -H "$host" service create --name hello --replicas 3 --runtime process busybox \
    sh -c 'while true; do echo "hello from $(hostname) at $(date)"; sleep 5; done'
fi
echo
"$orch" -H "$host" service ls
echo
"$orch" -H "$host" service ps hello
cat <<MSG

orch is running in the background (log: $state/agent.log). Try:
  $orch -H $host node ls
  $orch -H $host service scale hello=5
  DOCKER_HOST=$host docker service ls
Stop it with: ./quickstart.sh stop
MSG
