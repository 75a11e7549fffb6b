#!/usr/bin/env bash
# Development/CI Neo4j 5.26 Community server for alliancegraph (no Docker needed).
#
#   scripts/neo4j.sh start    build (first time only) and start; waits until an
#                             authenticated `RETURN 1` works
#   scripts/neo4j.sh stop     stop it and delete its throwaway data directory
#   scripts/neo4j.sh status   exit 0 if running and healthy, non-zero otherwise
#   scripts/neo4j.sh env      print `export NEO4J_URI=... NEO4J_USER=... NEO4J_PASSWORD=...`
#                             (use: eval "$(scripts/neo4j.sh env)")
#   scripts/neo4j.sh import OPTIONS... DATABASE
#                             offline import (`neo4j-admin database import full OPTIONS...
#                             DATABASE`, from the import tool in target/lib) into the running
#                             server's data directory: stops it, imports, starts it again on
#                             the same port and data (what `alliancegraph load --initial
#                             --import-tool 'scripts/neo4j.sh import'` calls)
#
# Environment (read by `start`; later commands use what the running server got):
#   NEO4J_TEST_PORT           Bolt port on 127.0.0.1 (default 17687)
#   NEO4J_TEST_PASSWORD       password of user neo4j, >= 8 chars (default alliancegraph-test)
#   NEO4J_TEST_START_TIMEOUT  seconds to wait for readiness (default 180)
#   NEO4J_TEST_STOP_TIMEOUT   seconds to wait after SIGTERM before SIGKILL (default 30)
#   NEO4J_TEST_JAVA_OPTS      JVM options (default "-Xms256m -Xmx1g -XX:+ExitOnOutOfMemoryError")
#   NEO4J_TEST_MVN_ARGS       extra Maven arguments for the build (e.g. -o for offline)
#   NEO4J_TEST_IMPORT_JAVA_OPTS  JVM options of the import tool (default "-Xmx1g")
#
# State lives in <repo>/.neo4j/ (pid, datadir, port, password, server.log, build.log);
# Neo4j's own logs are in <datadir>/logs/debug.log while it runs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVER_DIR="$ROOT/neo4j-server"
JAR="$SERVER_DIR/target/alliancegraph-neo4j-devserver.jar"
# A second server (tests of outages) keeps its state apart: NEO4J_TEST_STATE_DIR.
STATE="${NEO4J_TEST_STATE_DIR:-$ROOT/.neo4j}"
PID_FILE="$STATE/pid"
DATA_FILE="$STATE/datadir"
PORT_FILE="$STATE/port"
PW_FILE="$STATE/password"
LOG="$STATE/server.log"
HOST=127.0.0.1
DATA_PREFIX=alliancegraph-neo4j.

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
PYTHON="${PYTHON:-python3}"
START_TIMEOUT="${NEO4J_TEST_START_TIMEOUT:-180}"
STOP_TIMEOUT="${NEO4J_TEST_STOP_TIMEOUT:-30}"

log() { echo "neo4j.sh: $*" >&2; }

# Port/password of the running server if there is one, else from the environment.
cur_port() { if [[ -s "$PORT_FILE" ]]; then cat "$PORT_FILE"; else echo "${NEO4J_TEST_PORT:-17687}"; fi; }
cur_password() { if [[ -s "$PW_FILE" ]]; then cat "$PW_FILE"; else echo "${NEO4J_TEST_PASSWORD:-alliancegraph-test}"; fi; }

# Print the pid of our server if it is alive (and really is our java process).
server_pid() {
    [[ -s "$PID_FILE" ]] || return 1
    local pid
    pid="$(cat "$PID_FILE")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    # Guard against pid reuse after a reboot or crash.
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'alliancegraph-neo4j-devserver' || return 1
    echo "$pid"
}

have_driver() { "$PYTHON" -c 'import neo4j' >/dev/null 2>&1; }

# Authenticated `RETURN 1` with the Python driver if importable; else a TCP
# check plus the READY line (printed only after the password has been set).
healthy() {
    local port password
    port="$(cur_port)"
    password="$(cur_password)"
    if have_driver; then
        NEO4J_HC_URI="bolt://$HOST:$port" NEO4J_HC_PW="$password" timeout 20 "$PYTHON" - <<'EOF' >/dev/null 2>&1
import os
from neo4j import GraphDatabase
with GraphDatabase.driver(os.environ["NEO4J_HC_URI"], auth=("neo4j", os.environ["NEO4J_HC_PW"]),
                          connection_timeout=5) as d:
    assert d.execute_query("RETURN 1 AS x").records[0]["x"] == 1
EOF
    else
        timeout 5 bash -c "exec 3<>/dev/tcp/$HOST/$port" 2>/dev/null &&
            grep -q "^READY bolt://$HOST:$port\$" "$LOG" 2>/dev/null
    fi
}

needs_build() {
    [[ -f "$JAR" && -d "$SERVER_DIR/target/lib" ]] || return 0
    [[ -n "$(find "$SERVER_DIR/pom.xml" "$SERVER_DIR/src" -newer "$JAR" -print -quit)" ]]
}

build() {
    command -v mvn >/dev/null || { log "mvn not found (Maven 3.8+ and Java 17+ are needed)"; exit 1; }
    log "building $SERVER_DIR with Maven (the first build on a machine downloads ~170 MB into ~/.m2)"
    # Output goes to a file (Debian's Maven 3.8 prints stray ANSI codes even with -q).
    # shellcheck disable=SC2086
    if ! mvn -B -q ${NEO4J_TEST_MVN_ARGS:-} -f "$SERVER_DIR/pom.xml" clean package >"$STATE/build.log" 2>&1; then
        log "Maven build failed; tail of $STATE/build.log:"
        tail -n 40 "$STATE/build.log" >&2
        exit 1
    fi
}

remove_data_dir() {
    [[ -s "$DATA_FILE" ]] || return 0
    local dir
    dir="$(cat "$DATA_FILE")"
    # Only ever delete a directory this script created with mktemp.
    if [[ -d "$dir" && "$(basename "$dir")" == "$DATA_PREFIX"* ]]; then
        rm -rf -- "$dir"
    fi
    rm -f "$DATA_FILE"
}

print_failure_logs() {
    log "--- tail of $LOG ---"
    tail -n 40 "$LOG" >&2 2>/dev/null || true
    if [[ -s "$DATA_FILE" && -f "$(cat "$DATA_FILE")/logs/debug.log" ]]; then
        log "--- tail of $(cat "$DATA_FILE")/logs/debug.log ---"
        tail -n 20 "$(cat "$DATA_FILE")/logs/debug.log" >&2 || true
    fi
}

# SIGTERM, then SIGKILL after STOP_TIMEOUT; the data directory stays.
stop_process() {
    local pid="$1" waited=0
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do
        if ((waited >= STOP_TIMEOUT * 10)); then
            log "still running after ${STOP_TIMEOUT}s, sending SIGKILL to $pid"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.5
            break
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    log "stopped (pid $pid)"
}

do_stop() {
    local pid
    if pid="$(server_pid)"; then
        stop_process "$pid"
    else
        log "not running"
    fi
    remove_data_dir
    rm -f "$PID_FILE" "$PORT_FILE" "$PW_FILE"
}

wait_ready() {
    local pid="$1" port="$2" deadline=$((SECONDS + START_TIMEOUT))
    while ((SECONDS < deadline)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            log "server process exited during startup"
            print_failure_logs
            do_stop >/dev/null 2>&1
            return 1
        fi
        if grep -q '^READY ' "$LOG" 2>/dev/null && healthy; then
            log "ready: bolt://$HOST:$port (user neo4j, pid $pid, data $(cat "$DATA_FILE"))"
            return 0
        fi
        sleep 0.5
    done
    log "not ready after ${START_TIMEOUT}s"
    print_failure_logs
    do_stop >/dev/null 2>&1
    return 1
}

do_start() {
    local pid
    if pid="$(server_pid)"; then
        if healthy; then
            log "already running and healthy: bolt://$HOST:$(cur_port) (pid $pid)"
            return 0
        fi
        if grep -q '^READY ' "$LOG" 2>/dev/null; then
            log "running (pid $pid) but not healthy; restarting"
            do_stop
        else
            log "already starting (pid $pid); waiting"
            wait_ready "$pid" "$(cur_port)"
            return
        fi
    else
        do_stop >/dev/null 2>&1 # clear stale state from a crashed/killed server
    fi

    local port="${NEO4J_TEST_PORT:-17687}" password="${NEO4J_TEST_PASSWORD:-alliancegraph-test}"
    if needs_build; then build; fi

    local data
    data="$(mktemp -d "${TMPDIR:-/tmp}/${DATA_PREFIX}XXXXXX")"
    echo "$data" >"$DATA_FILE"
    echo "$port" >"$PORT_FILE"
    (umask 077 && echo "$password" >"$PW_FILE")
    launch "$data" "$port" "$password"
}

# Start the server on an existing data directory and wait until it is ready. A fourth
# argument, --password-set, says the directory already has this password (a restart).
launch() {
    local data="$1" port="$2" password="$3" pid
    # setsid: own session, so Ctrl-C in the calling terminal does not kill it.
    # (Started from a script, setsid execs in place, so $! is the java pid.)
    # 9>&-: the server must not inherit the start/stop lock.
    # shellcheck disable=SC2086
    setsid "$JAVA" ${NEO4J_TEST_JAVA_OPTS:--Xms256m -Xmx1g -XX:+ExitOnOutOfMemoryError} \
        -jar "$JAR" "$data" "$HOST" "$port" "$password" ${4:+"$4"} </dev/null >"$LOG" 2>&1 9>&- &
    pid=$!
    echo "$pid" >"$PID_FILE"
    log "starting Neo4j on bolt://$HOST:$port (pid $pid, log $LOG)"
    wait_ready "$pid" "$port"
}

do_import() {
    local pid data rc=0
    if ! pid="$(server_pid)"; then
        log "not running: start it first (import writes the running server's data directory)"
        return 1
    fi
    data="$(cat "$DATA_FILE")"
    stop_process "$pid"
    log "importing into $data"
    # shellcheck disable=SC2086
    NEO4J_HOME="$data" "$JAVA" ${NEO4J_TEST_IMPORT_JAVA_OPTS:--Xmx1g} \
        -cp "$SERVER_DIR/target/lib/*" org.neo4j.cli.AdminTool database import full "$@" 9>&- || rc=$?
    launch "$data" "$(cur_port)" "$(cur_password)" --password-set || return 1
    return "$rc"
}

do_status() {
    local pid
    if ! pid="$(server_pid)"; then
        echo "not running"
        return 1
    fi
    if healthy; then
        echo "running and healthy: bolt://$HOST:$(cur_port) (pid $pid, data $(cat "$DATA_FILE" 2>/dev/null))"
        return 0
    fi
    echo "running (pid $pid) but not healthy"
    return 2
}

do_env() {
    printf 'export NEO4J_URI=%q NEO4J_USER=neo4j NEO4J_PASSWORD=%q\n' \
        "bolt://$HOST:$(cur_port)" "$(cur_password)"
}

cmd="${1:-}"
case "$cmd" in
start | stop | import)
    mkdir -p "$STATE"
    # Serialise concurrent start/stop calls.
    if command -v flock >/dev/null; then
        exec 9>"$STATE/lock"
        flock -w $((START_TIMEOUT + 60)) 9 || { log "could not lock $STATE/lock"; exit 1; }
    fi
    shift
    "do_$cmd" "$@"
    ;;
status) do_status ;;
env) do_env ;;
*)
    echo "usage: $0 {start|stop|status|env|import OPTIONS... DATABASE}" >&2
    exit 2
    ;;
esac
