#!/usr/bin/env bash
# Sorted-set cost from 1k to 1M members, Larder beside redis-server in the same run: does
# Larder's cost grow as Redis's does (issue 4)? For each size both servers get the same sorted set
# (members m:0 … m:N-1, score = index), then redis-benchmark runs ZADD (re-scoring random existing
# members), ZRANK and ZRANGEBYSCORE … LIMIT 0 10 at random points. -P 16 keeps the servers, not
# the load generator, the bottleneck. Servers pinned to core 0, redis-benchmark to core 1.
#
#   bench/zset-curve-redis.sh                       # sizes 1000 10000 100000 1000000
#   SIZES="1000 100000" REQUESTS=100000 bench/zset-curve-redis.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"1000 10000 100000 1000000"}
REQUESTS=${REQUESTS:-200000}

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_port() { for _ in $(seq 1 200); do redis-cli -p "$1" PING >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "no server on $1" >&2; return 1; }

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

[[ -f dist/src/cli.js ]] || npm run build >/dev/null
redis_port=$(free_port)
taskset -c 0 redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
pids+=($!)
larder_port=$(free_port)
taskset -c 0 node dist/src/cli.js --http.port=0 --resp.port="$larder_port" --data.dir="$work" --snapshot.saveRules= --log.level=warn >"$work/larder.log" 2>&1 &
pids+=($!)
wait_port "$redis_port"
wait_port "$larder_port"

# RESP for ZADD curve <i> m:<i>, i = 0 … N-1, fed through redis-cli --pipe.
fill() {
  local port=$1 size=$2
  redis-cli -p "$port" DEL curve >/dev/null
  node -e '
    const n = Number(process.argv[1]); let out = "";
    for (let i = 0; i < n; i++) {
      const s = String(i), m = "m:" + i;
      out += `*4\r\n$4\r\nZADD\r\n$5\r\ncurve\r\n$${s.length}\r\n${s}\r\n$${m.length}\r\n${m}\r\n`;
      if (out.length > 1 << 20) { process.stdout.write(out); out = ""; }
    }
    process.stdout.write(out);' "$size" | redis-cli -p "$port" --pipe >/dev/null
}

# Requests per second for one custom command (__rand_int__ is drawn below the set size).
rate() {
  local port=$1 size=$2; shift 2
  taskset -c 1 redis-benchmark -p "$port" -c 50 -P 16 -n "$REQUESTS" -r "$size" --csv "$@" 2>/dev/null |
    tail -1 | awk -F'","' '{ gsub(/"/, "", $2); print $2 }'
}

printf '%-9s %-22s %12s %12s %7s\n' members operation larder_rps redis_rps ratio
for size in $SIZES; do
  for server in larder redis; do
    port=$([[ $server == larder ]] && echo "$larder_port" || echo "$redis_port")
    fill "$port" "$size"
    declare -A "rates_$server"
    eval "rates_$server[zadd]=\$(rate $port $size ZADD curve __rand_int__ m:__rand_int__)"
    eval "rates_$server[zrank]=\$(rate $port $size ZRANK curve m:__rand_int__)"
    eval "rates_$server[zrange]=\$(rate $port $size ZRANGEBYSCORE curve __rand_int__ +inf LIMIT 0 10)"
  done
  for op in zadd zrank zrange; do
    l=${rates_larder[$op]}; r=${rates_redis[$op]}
    printf '%-9s %-22s %12s %12s %7s\n' "$size" "$op" "$l" "$r" "$(node -e "console.log((Number('$l')/Number('$r')).toFixed(2))")"
  done
done
