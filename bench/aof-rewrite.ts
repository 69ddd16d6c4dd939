/**
 * The append-only log's rewrite at N keys × 100-byte values: how long the event loop stalls
 * while it runs, with a client writing every turn meanwhile (the copy-on-write path), beside the
 * stall the old synchronous base encode caused (encodeSnapshot of the same store, same run).
 *
 *   npx tsx bench/aof-rewrite.ts [keys ...]          (default: 100000 1000000)
 *
 * The longest stall is the longest gap between two turns of a setImmediate ticker, which runs
 * whenever the loop is free: any gap is time something held the loop (a capture slice, GC, our
 * writes) — or time the OS gave the core to another process. So the same ticker and writer also
 * run as long again without a rewrite ("baseline"): on a busy machine that shows the noise.
 * Pin it for quotable figures: `taskset -c 1 npx tsx bench/aof-rewrite.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Persistence } from '../src/commands/types.js';
import { createEngine, DEFAULT_LIMITS, type Engine } from '../src/engine.js';
import { nodeAofReadFs } from '../src/persistence/aof-fs.js';
import { AofRuntime } from '../src/persistence/aof-runtime.js';
import { nodeLogFs } from '../src/persistence/log-fs.js';
import { systemClock } from '../src/store/clock.js';
import { encodeSnapshot } from '../src/store/snapshot-encoder.js';

const VALUE_BYTES = 100;
/** SETs the writing client sends per event-loop turn while the rewrite runs. */
const WRITES_PER_TURN = 20;

interface Row {
  keys: number;
  syncEncodeMs: number;
  rewriteMs: number;
  longestStallMs: number;
  p99GapMs: number;
  writesDuring: number;
  baselineLongestMs: number;
}

const persistence: Persistence = { saveNow: () => undefined, saveInBackground: () => 'started', lastSaveUnixSeconds: () => 0 };

function filledEngine(keys: number): Engine {
  const engine = createEngine({ clock: systemClock, limits: DEFAULT_LIMITS, persistence });
  const db = engine.store.db(0);
  for (let i = 0; i < keys; i++) db.set(`key:${i}`, `value:${i}`.padEnd(VALUE_BYTES, 'x'));
  return engine;
}

/** Gaps between turns of the loop, and a client writing a few keys every turn, until stopped. */
function observe(engine: Engine, keys: number): { stop(): { gapsMs: number[]; writes: number } } {
  const gapsMs: number[] = [];
  const session = engine.newSession('resp', true);
  let writes = 0;
  let running = true;
  let lastMs = performance.now();
  const turn = (): void => {
    if (!running) return;
    const nowMs = performance.now();
    gapsMs.push(nowMs - lastMs);
    lastMs = nowMs;
    for (let i = 0; i < WRITES_PER_TURN; i++) engine.dispatcher.dispatch(['SET', `key:${(writes++ * 7919) % keys}`, 'changed'], session);
    setImmediate(turn);
  };
  setImmediate(turn);
  return {
    stop: () => {
      running = false;
      return { gapsMs, writes };
    },
  };
}

async function measure(keys: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'larder-bench-aof-'));
  try {
    const engine = filledEngine(keys);
    const syncStartedMs = performance.now();
    encodeSnapshot(engine.store, engine.store.clock.nowMs());
    const syncEncodeMs = performance.now() - syncStartedMs;
    const runtime = new AofRuntime({
      engine, dir, fs: nodeLogFs, readFs: nodeAofReadFs, policy: 'everysec', rewritePercentage: 0, rewriteMinBytes: 0,
      onTruncatedTail: 'load', log: () => undefined, snapshotRefusing: () => false,
    });
    await runtime.start(() => undefined);
    const observer = observe(engine, keys);
    const startedMs = performance.now();
    runtime.rewrite();
    while (runtime.log!.rewriteStatus().inProgress) await new Promise((resolve) => setTimeout(resolve, 5));
    const rewriteMs = performance.now() - startedMs;
    const { gapsMs, writes } = observer.stop();
    if (!runtime.log!.rewriteStatus().lastOk) throw new Error('the rewrite failed');
    await runtime.close();
    const baseline = observe(engine, keys);
    await new Promise((resolve) => setTimeout(resolve, rewriteMs));
    const baselineGapsMs = baseline.stop().gapsMs;
    const sorted = [...gapsMs].sort((a, b) => a - b);
    return {
      keys, syncEncodeMs, rewriteMs, longestStallMs: sorted[sorted.length - 1] ?? 0, p99GapMs: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
      writesDuring: writes, baselineLongestMs: Math.max(...baselineGapsMs),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sizes = process.argv.slice(2).map(Number);
console.log('    keys | old sync encode stall ms | rewrite ms | longest stall ms | p99 gap ms | SETs during rewrite | baseline longest gap ms');
for (const keys of sizes.length > 0 ? sizes : [100_000, 1_000_000]) {
  const row = await measure(keys);
  console.log(
    `${String(row.keys).padStart(8)} | ${row.syncEncodeMs.toFixed(0).padStart(24)} | ${row.rewriteMs.toFixed(0).padStart(10)} | ${row.longestStallMs.toFixed(1).padStart(16)} | ${row.p99GapMs.toFixed(2).padStart(10)} | ${String(row.writesDuring).padStart(19)} | ${row.baselineLongestMs.toFixed(1)}`,
  );
}
