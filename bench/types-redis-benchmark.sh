#!/usr/bin/env bash
# Data-type commands side by side: redis-benchmark against redis-server and against Larder's RESP
# port, same machine, same run, servers pinned to core 0 and the load generator to core 1.
# The machine is shared, so throughput drifts by 2x between minutes: each test runs on both
# servers back to back (order alternating per round) and the table shows medians over ROUNDS plus
# the median of the per-pair ratios, which cancels most of the drift.
#
#   bench/types-redis-benchmark.sh            # 3 rounds, -n 100000 -c 50
#   ROUNDS=5 REQUESTS=200000 bench/types-redis-benchmark.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
REQUESTS=${REQUESTS:-100000}
CLIENTS=${CLIENTS:-50}
TESTS=(lpush lpop sadd hset zadd lrange_100)

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_port() { for _ in $(seq 1 200); do redis-cli -p "$1" PING >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "no server on $1" >&2; return 1; }

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

redis_port=$(free_port)
taskset -c 0 redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
pids+=($!)
larder_port=$(free_port)
taskset -c 0 node --import tsx src/cli.ts --http.port=0 --resp.port="$larder_port" --data.dir="$work" --snapshot.saveRules= --log.level=warn >"$work/larder.log" 2>&1 &
pids+=($!)
wait_port "$redis_port"
wait_port "$larder_port"

# One redis-benchmark test → "<server> <round> <TEST> <requests per second>". LPOP needs LPUSH
# first (an empty list would make it a no-op); the LPUSH that fills LRANGE's list is not reported.
run() {
  local server=$1 port=$2 round=$3 test=$4 tests=$4
  [[ $test == lpop ]] && tests=lpush,lpop
  redis-cli -p "$port" FLUSHALL >/dev/null
  taskset -c 1 redis-benchmark -p "$port" -t "$tests" -c "$CLIENTS" -n "$REQUESTS" -q 2>/dev/null | tr '\r' '\n' |
    awk -v s="$server" -v r="$round" -v want="$test" '/requests per second/ && !/needed/ {
      name=$1; sub(/:$/, "", name); if (tolower(name) != want) next
      for (i=2;i<=NF;i++) if ($(i+1) ~ /^requests/) { print s, r, name, $i; break } }'
}

results="$work/results.txt"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS" >&2
  for test in "${TESTS[@]}"; do
    if ((round % 2)); then run redis "$redis_port" "$round" "$test" >>"$results"; run larder "$larder_port" "$round" "$test" >>"$results"
    else run larder "$larder_port" "$round" "$test" >>"$results"; run redis "$redis_port" "$round" "$test" >>"$results"; fi
  done
done

cat "$results" >&2
node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split(" "));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const tests = [...new Set(lines.map((l) => l[2]))];
console.log("| command | redis-server req/s (median) | Larder req/s (median) | Larder / redis (median of paired runs) | paired ratios |");
console.log("|---|---:|---:|---:|---|");
for (const t of tests) {
  const rate = (server, round) => Number(lines.find((l) => l[0] === server && l[1] === round && l[2] === t)?.[3]);
  const rounds = [...new Set(lines.filter((l) => l[2] === t).map((l) => l[1]))];
  const ratios = rounds.map((r) => rate("larder", r) / rate("redis", r));
  const r = median(rounds.map((x) => rate("redis", x))), l = median(rounds.map((x) => rate("larder", x)));
  console.log(`| ${t} | ${Math.round(r)} | ${Math.round(l)} | ${median(ratios).toFixed(2)} | ${ratios.map((x) => x.toFixed(2)).join(" ")} |`);
}' "$results"
