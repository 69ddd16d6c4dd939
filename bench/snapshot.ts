/**
 * Snapshots of N keys × 100-byte values, Larder beside redis-server, same data, same run:
 *
 *   npm run build && flock /tmp/larder-bench.lock npx tsx bench/snapshot.ts [keys] [runs]
 *                                                          (default: 1000000 3; BENCH_PIN=0 unpinned)
 *
 * Both servers are real processes loaded with the same SETs through `redis-cli --pipe`. Figures,
 * each the median of `runs` (the two servers alternate which goes first):
 * - SAVE: the time a client waits for `SAVE` (encode, write, fsync, rename; both block meanwhile).
 * - BGSAVE stall: one GET kept in flight from BGSAVE until INFO reports it done; the longest and
 *   the 99th-percentile reply time. Beside it, the part each server itself blocks for: Larder's
 *   longest capture slice (logged), Redis's fork (`latest_fork_usec`). The reply gaps add GC
 *   pauses and whatever the OS scheduler does on a shared machine.
 * - start-up: spawn → first PONG (`-LOADING` does not count), and the load time each server logs.
 *   Spawn → PONG includes starting the process (Node ≈ 0.4 s more than redis-server).
 * - in-process turns (Larder only): the same BGSAVE inside this process, every event-loop turn
 *   timed in wall time and in the main thread's on-CPU time; the latter leaves out the time a
 *   shared machine makes the process wait for a core.
 * Pinned (default on 2+ cores): servers on core 0, this script and redis-cli on core 1.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './lib/measure.js';
import { filledStore, turnsDuringBackgroundSnapshot } from './lib/snapshot-turns.js';
import { installExitTraps } from './lib/processes.js';
import { respCommand } from './lib/net.js';
import {
  bgsaveBlockingMs,
  loggedLoadMs,
  massInsert,
  stallDuringBgsave,
  startServer,
  stopServer,
  timedCommandMs,
  writeMassInsertFile,
  type ServerKind,
  type SnapshotServer,
} from './lib/snapshot-servers.js';

const VALUE_BYTES = 100;
const KINDS: readonly ServerKind[] = ['larder', 'redis'];
const SNAPSHOT_FILE: Record<ServerKind, string> = { larder: 'larder.snapshot', redis: 'dump.rdb' };

type Figures = Record<string, Record<ServerKind, number[]>>;

const log = (message: string): void => void process.stderr.write(`${message}\n`);

function record(figures: Figures, name: string, kind: ServerKind, value: number): void {
  figures[name] ??= { larder: [], redis: [] };
  figures[name][kind].push(value);
}

/** Both servers, in A B then B A order on alternate runs. */
function inOrder(run: number): readonly ServerKind[] {
  return run % 2 === 0 ? KINDS : [...KINDS].reverse();
}

async function dbsize(server: SnapshotServer): Promise<number> {
  return Number(/:(\d+)/.exec(await respCommand(server.port, ['DBSIZE']))?.[1]);
}

async function main(): Promise<void> {
  installExitTraps();
  const keys = Number(process.argv[2] ?? 1_000_000);
  const runs = Number(process.argv[3] ?? 3);
  const pinned = process.env['BENCH_PIN'] !== '0' && availableParallelism() >= 2;
  if (pinned) execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  const serverCpus = pinned ? '0' : undefined;
  const work = mkdtempSync(join(tmpdir(), 'larder-snapshot-bench-'));
  const figures: Figures = {};
  const servers = new Map<ServerKind, SnapshotServer>();
  try {
    const insertFile = join(work, 'sets.resp');
    await writeMassInsertFile(insertFile, keys, VALUE_BYTES);
    for (const kind of KINDS) {
      const server = await startServer(kind, join(work, kind), serverCpus);
      servers.set(kind, server);
      log(`${kind}: loading ${keys} keys through redis-cli --pipe`);
      await massInsert(server, insertFile);
      if ((await dbsize(server)) !== keys) throw new Error(`${kind} holds ${await dbsize(server)} keys, expected ${keys}`);
    }
    for (let run = 0; run < runs; run++) {
      for (const kind of inOrder(run)) {
        const server = servers.get(kind)!;
        record(figures, 'SAVE (ms)', kind, await timedCommandMs(server.port, ['SAVE']));
        const stall = await stallDuringBgsave(server.port);
        record(figures, 'BGSAVE longest reply (ms)', kind, stall.maxMs);
        record(figures, 'BGSAVE p99 reply (ms)', kind, stall.p99Ms);
        record(figures, 'BGSAVE duration (ms)', kind, stall.bgsaveMs);
        record(figures, 'BGSAVE slice / fork (ms)', kind, await bgsaveBlockingMs(server));
        log(`run ${run + 1} ${kind}: SAVE ${figures['SAVE (ms)']![kind].at(-1)!.toFixed(0)} ms, BGSAVE max reply ${stall.maxMs.toFixed(1)} ms over ${stall.probes} GETs`);
      }
    }
    for (const kind of KINDS) record(figures, 'file (MB)', kind, statSync(join(work, kind, SNAPSHOT_FILE[kind])).size / 1e6);
    for (let run = 0; run < runs; run++) {
      for (const kind of inOrder(run)) {
        await stopServer(servers.get(kind)!, true);
        const server = await startServer(kind, join(work, kind), serverCpus);
        servers.set(kind, server);
        if ((await dbsize(server)) !== keys) throw new Error(`${kind} restarted with ${await dbsize(server)} keys, expected ${keys}`);
        record(figures, 'start-up, spawn to PONG (ms)', kind, server.readyAfterMs);
        record(figures, 'start-up, logged load (ms)', kind, loggedLoadMs(server) ?? Number.NaN);
        log(`run ${run + 1} ${kind}: ready after ${server.readyAfterMs.toFixed(0)} ms (logged load ${loggedLoadMs(server)} ms)`);
      }
    }
  } finally {
    for (const server of servers.values()) await stopServer(server, true);
    rmSync(work, { recursive: true, force: true });
  }
  await measureTurns(figures, keys, runs);
  printTable(figures, keys, runs, pinned);
}

/** In this process (Larder only; the redis column repeats it so the ratio reads 1). */
async function measureTurns(figures: Figures, keys: number, runs: number): Promise<void> {
  const store = filledStore(keys, VALUE_BYTES);
  for (let run = 0; run < runs; run++) {
    const turns = await turnsDuringBackgroundSnapshot(store);
    log(`in-process run ${run + 1}: longest turn ${turns.longestWallMs.toFixed(1)} ms wall, ${turns.longestCpuMs.toFixed(1)} ms on-CPU, ${turns.turns} turns`);
    for (const kind of KINDS) {
      record(figures, 'in-process turn, wall (ms)', kind, turns.longestWallMs);
      record(figures, 'in-process turn, on-CPU (ms)', kind, turns.longestCpuMs);
      record(figures, 'in-process turn p99, on-CPU (ms)', kind, turns.p99CpuMs);
    }
  }
}

function printTable(figures: Figures, keys: number, runs: number, pinned: boolean): void {
  const cell = (value: number) => value.toFixed(1).padStart(9);
  console.log(`\n${keys} keys x ${VALUE_BYTES} B, median of ${runs} runs, ${pinned ? 'pinned (servers on core 0)' : 'unpinned'}`);
  console.log(`${'figure'.padEnd(32)} ${'Larder'.padStart(9)} ${'redis'.padStart(9)}  ratio   Larder runs`);
  for (const [name, sides] of Object.entries(figures)) {
    const [larder, redis] = [median(sides.larder), median(sides.redis)];
    console.log(`${name.padEnd(32)} ${cell(larder)} ${cell(redis)}  ${(larder / redis).toFixed(2)}x  ${sides.larder.map((v) => v.toFixed(0)).join(' ')}`);
  }
}

await main();
