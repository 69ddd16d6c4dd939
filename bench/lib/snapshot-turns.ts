/**
 * The event-loop stall of a background snapshot measured inside one process, apart from what a
 * busy machine adds: every turn of the loop is timed both in wall time and in the main thread's
 * own on-CPU time (Linux `/proc/self/task/<pid>/schedstat`), so time spent waiting for a core
 * (other processes on a shared machine) shows in the first and not in the second.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/store/clock.js';
import { writeSnapshotInBackground } from '../../src/store/snapshot-writer.js';
import { Store } from '../../src/store/store.js';

export interface TurnFigures {
  longestWallMs: number;
  longestCpuMs: number;
  p99CpuMs: number;
  turns: number;
}

/** Main-thread on-CPU nanoseconds so far (the first schedstat field). */
function mainThreadCpuNs(): number {
  return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
}

export function filledStore(keys: number, valueBytes: number): Store {
  const store = new Store({ clock: systemClock });
  const db = store.db(0);
  for (let i = 0; i < keys; i++) db.set(`key:${i}`, `value:${i}`.padEnd(valueBytes, 'x'));
  return store;
}

/** Runs one BGSAVE-equivalent of `store` while timing every event-loop turn. */
export async function turnsDuringBackgroundSnapshot(store: Store): Promise<TurnFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'larder-snapshot-turns-'));
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  let running = true;
  let last = { wallMs: performance.now(), cpuNs: mainThreadCpuNs() };
  const tick = (): void => {
    const now = { wallMs: performance.now(), cpuNs: mainThreadCpuNs() };
    wallMs.push(now.wallMs - last.wallMs);
    cpuMs.push((now.cpuNs - last.cpuNs) / 1e6);
    last = now;
    if (running) setImmediate(tick);
  };
  try {
    setImmediate(tick);
    await writeSnapshotInBackground(store, join(dir, 'turns.snapshot'), { nowMs: Date.now() }).done;
  } finally {
    running = false;
    rmSync(dir, { recursive: true, force: true });
  }
  const sortedCpu = [...cpuMs].sort((a, b) => a - b);
  return {
    longestWallMs: Math.max(...wallMs),
    longestCpuMs: sortedCpu.at(-1) ?? 0,
    p99CpuMs: sortedCpu[Math.floor(sortedCpu.length * 0.99)] ?? 0,
    turns: cpuMs.length,
  };
}
