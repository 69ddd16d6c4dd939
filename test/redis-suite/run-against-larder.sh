#!/usr/bin/env bash
# Runs Redis's own Tcl test suite (tag 7.0.15, external-server mode) against a throwaway Larder.
#
#   test/redis-suite/run-against-larder.sh [UNIT...]
#
# Starts Larder the way users do (the CLI, HTTP on a free port, snapshots off, a throwaway data
# dir) with its RESP door on a free loopback port, runs ../shared/tools/redis-tests/run.sh against
# it (default: the units issue 3 accepts), then stops Larder by its PID. Environment knobs of
# run.sh (REDIS_TCL_*) pass through. LARDER_SERVER_CMD overrides how Larder is started; it gets
# the RESP port as its last argument.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RUNNER=${REDIS_TESTS_RUNNER:-$ROOT/../shared/tools/redis-tests/run.sh}
[ -x "$RUNNER" ] || { echo "error: no runner at $RUNNER" >&2; exit 2; }

UNITS=("$@")
[ ${#UNITS[@]} -gt 0 ] || UNITS=(unit/type/string unit/expire unit/keyspace unit/type/incr unit/protocol unit/info-command unit/scan)

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
PORT=$(free_port)
LOG=$(mktemp -t larder-suite-XXXXXX.log)
DATA=$(mktemp -d -t larder-suite-data-XXXXXX)
cd "$ROOT" || exit 2
DEFAULT_CMD="node --import tsx src/cli.ts --http.port=0 --data.dir=$DATA --snapshot.saveRules= --log.level=warn --resp.port"
# shellcheck disable=SC2086
${LARDER_SERVER_CMD:-$DEFAULT_CMD} "$PORT" >"$LOG" 2>&1 &
PID=$!
stop() { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; rm -rf "$DATA"; }
trap stop EXIT

for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  kill -0 "$PID" 2>/dev/null || { echo "error: Larder exited; log: $LOG" >&2; cat "$LOG" >&2; exit 2; }
  sleep 0.1
done
echo "Larder pid $PID on 127.0.0.1:$PORT (log $LOG)"
# runtest's own listener sits at baseport-32 (21079 by default): a second run on the same machine
# collides there, so each run picks its own range unless REDIS_TCL_EXTRA already chooses one.
case "${REDIS_TCL_EXTRA:-}" in
  *--baseport*) ;;
  *) export REDIS_TCL_EXTRA="${REDIS_TCL_EXTRA:-} --baseport $((22000 + RANDOM % 20000))" ;;
esac
"$RUNNER" 127.0.0.1 "$PORT" "${UNITS[@]}"
