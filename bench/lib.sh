# bench/lib.sh -- shell helpers shared by the benchmarks that run orch and a private-dockerd Docker
# Swarm side by side (sourced, not run). Needs curl, jq and, for the image, /bin/busybox (Debian's
# busybox-static). Callers set WORK (their scratch dir) before using the image and dockerd helpers.

log() { echo "# $*" >&2; }
now() { echo "$EPOCHREALTIME"; }
dt() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", b-a}'; }
past() { awk -v a="$1" -v b="$(now)" -v t="$2" 'BEGIN{exit !(b-a>t)}'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
# RFC 3339 with nanoseconds -> epoch seconds with fractions
epoch() { local s=$1; local whole=${s%%.*} frac=0; [[ $s == *.* ]] && { frac=${s#*.}; frac=${frac%Z}; frac=${frac%%[+-]*}; }
          echo "$(date -u -d "${whole%Z}Z" +%s).$frac"; }

# report WHO NAME UNIT v1 v2 ... -> "WHO: NAME MEDIAN UNIT min=.. max=.. n=.. load=1m,5m,15m" and
# remembers the median in MEDIAN[WHO:NAME] for ratios.
declare -A MEDIAN
report() {
    local who=$1 name=$2 unit=$3 line; shift 3
    if [ $# -eq 0 ]; then echo "$who: $name FAILED n=0 load=$(loadavg | tr ' ' ,)"; return; fi
    line=$(printf '%s\n' "$@" | sort -g | awk -v who="$who" -v name="$name" -v unit="$unit" -v load="$(loadavg | tr ' ' ,)" '
        {v[NR]=$1}
        END{n=NR; if(n%2) m=v[(n+1)/2]; else m=(v[n/2]+v[n/2+1])/2;
            printf "%s: %s %.3f %s min=%.3f max=%.3f n=%d load=%s\n", who, name, m, unit, v[1], v[n], n, load}')
    echo "$line"
    MEDIAN["$who:$name"]=$(awk '{print $3}' <<<"$line")
}

# The test image: busybox-static as a docker-archive, which `docker load` and `orch image load`
# both take. build_busybox_archive TAR TAG (scratch files under $WORK/img).
build_busybox_archive() {
    local out=$1 tag=$2 r=$WORK/img/rootfs a=$WORK/img/archive diff cfg x
    mkdir -p "$r/bin" "$r/etc" "$r/tmp" "$r/proc" "$r/sys" "$r/dev" "$r/root" "$a"
    cp /bin/busybox "$r/bin/busybox"
    for x in $(/bin/busybox --list); do [ "$x" = busybox ] || ln -sf busybox "$r/bin/$x"; done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$r/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
    tar --numeric-owner -C "$r" -cf "$WORK/img/layer.tar" .
    diff=$(sha256sum "$WORK/img/layer.tar" | cut -d' ' -f1)
    mkdir -p "$a/$diff"; mv "$WORK/img/layer.tar" "$a/$diff/layer.tar"
    jq -cn --arg d "sha256:$diff" --arg arch "$(dpkg --print-architecture)" '{architecture:$arch,os:"linux",
        config:{Cmd:["sh"],Env:["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
        rootfs:{type:"layers",diff_ids:[$d]}}' >"$a/config.json"
    cfg=$(sha256sum "$a/config.json" | cut -d' ' -f1); mv "$a/config.json" "$a/$cfg.json"
    jq -cn --arg c "$cfg.json" --arg t "$tag" --arg l "$diff/layer.tar" '[{Config:$c,RepoTags:[$t],Layers:[$l]}]' >"$a/manifest.json"
    tar -C "$a" -cf "$out" .
    rm -rf "$WORK/img"
}

# Sum of the resident set (VmRSS) and of the proportional set (Pss) of some PIDs, in KiB.
rss_kb() { local k; k=$(awk '/^VmRSS:/{print $2}' "/proc/$1/status" 2>/dev/null); echo "${k:-0}"; }
pss_kb() { local k; k=$(awk '/^Pss:/{print $2}' "/proc/$1/smaps_rollup" 2>/dev/null); echo "${k:-0}"; }
mib() { awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; }
# PIDs whose command line mentions $1 (a scratch path), except those named after it
pids_mentioning() {
    local path=$1 p; shift
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        case " $* " in *" $p "*) continue ;; esac
        tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | grep -qF -- "$path" && echo "$p"
    done
}

# --- a private dockerd (own socket, data and exec roots, own bridge, no iptables) ----------------
# dockerd_start: sets DOCKERD_PID, DOCKERD_BRIDGE, DOCKERD_GWBRIDGE_OURS; the socket is $WORK/docker.sock.
# It touches no iptables rules and no forwarding setting (--iptables=false --ip-forward=false); swarm
# init makes docker_gwbridge, which dockerd_stop deletes when it was not there before.
DOCKERD_PID=""
DOCKERD_BRIDGE=""
DOCKERD_GWBRIDGE_OURS=""
dockerd_start() {
    ip link show docker_gwbridge >/dev/null 2>&1 || DOCKERD_GWBRIDGE_OURS=1
    DOCKERD_BRIDGE=orchbn$(( $$ % 100000 ))
    ip link add "$DOCKERD_BRIDGE" type bridge && ip addr add "10.232.$(( $$ % 200 + 20 )).1/24" dev "$DOCKERD_BRIDGE" \
        && ip link set "$DOCKERD_BRIDGE" up || { echo "could not create bridge $DOCKERD_BRIDGE" >&2; return 1; }
    DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 setsid dockerd --host "unix://$WORK/docker.sock" --data-root "$WORK/docker" \
        --exec-root "$WORK/dexec" --pidfile "$WORK/docker.pid" --bridge="$DOCKERD_BRIDGE" --iptables=false \
        --ip-forward=false --ip-masq=false >"$WORK/dockerd.log" 2>&1 </dev/null &
    DOCKERD_PID=$!
    local t0; t0=$(now)
    until [ "$(curl -s --max-time 2 --unix-socket "$WORK/docker.sock" http://d/_ping)" = OK ]; do
        kill -0 "$DOCKERD_PID" 2>/dev/null || { echo "dockerd exited:" >&2; tail -20 "$WORK/dockerd.log" >&2; DOCKERD_PID=""; return 1; }
        past "$t0" 60 && { echo "dockerd did not answer in 60 s" >&2; return 1; }
        sleep 0.1
    done
}
# containerd, started by dockerd as its child
containerd_pid() { [ -n "$DOCKERD_PID" ] && pgrep -P "$DOCKERD_PID" -x containerd | head -1; }
dockerd_stop() {
    if [ -n "$DOCKERD_PID" ]; then
        local cp; cp=$(containerd_pid)
        kill -TERM "$DOCKERD_PID" 2>/dev/null
        for _ in $(seq 1 300); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$DOCKERD_PID" 2>/dev/null && { log "dockerd did not stop: SIGKILL"; kill -KILL "$DOCKERD_PID"; }
        if [ -n "$cp" ]; then
            for _ in $(seq 1 100); do kill -0 "$cp" 2>/dev/null || break; sleep 0.1; done
            kill -0 "$cp" 2>/dev/null && kill -KILL "$cp"
        fi
        DOCKERD_PID=""
    fi
    # containerd shims of ours that outlived it (their command line names our exec root)
    local p
    for p in $(pids_mentioning "$WORK/dexec"); do log "killing leftover process $p"; kill -KILL "$p" 2>/dev/null; done
    [ -n "$DOCKERD_BRIDGE" ] && ip link del "$DOCKERD_BRIDGE" 2>/dev/null
    [ -n "$DOCKERD_GWBRIDGE_OURS" ] && ip link del docker_gwbridge 2>/dev/null
    DOCKERD_BRIDGE=""; DOCKERD_GWBRIDGE_OURS=""
}

# Unmounts whatever is mounted below $1, deepest first.
unmount_under() {
    awk -v r="$1" 'index($2, r) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
}
