/**
 * Snapshot save / load times for N keys × 100-byte values, beside redis-server's SAVE and
 * DEBUG RELOAD NOSAVE (RDB load) on the same data shape in the same run.
 *
 *   npx tsx bench/snapshot.ts [keys ...]          (default: 100000 1000000)
 *
 * "SAVE" is the first, synchronous save: capture, write, fsync, rename, directory fsync.
 * "BGSAVE stall" is how long the BGSAVE call that follows blocks the event loop (the capture; the
 * write runs off the loop). Redis forks for BGSAVE, so its stall is the fork itself; its SAVE is
 * the comparable figure. Pin it for quotable figures: `taskset -c 1 npx tsx bench/snapshot.ts`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { systemClock } from '../src/store/clock.js';
import { SnapshotPersistence } from '../src/store/snapshot.js';
import { Store } from '../src/store/store.js';
import { freePort } from './lib/net.js';

const VALUE_BYTES = 100;

interface Row {
  keys: number;
  captureMs: number;
  saveMs: number;
  loadMs: number;
  fileBytes: number;
  redisSaveMs: number;
  redisLoadMs: number;
}

function timeMs(action: () => void): number {
  const started = performance.now();
  action();
  return performance.now() - started;
}

function fill(store: Store, keys: number): void {
  const db = store.db(0);
  for (let i = 0; i < keys; i++) {
    const key = `key:${i}`;
    db.set(key, `value:${i}`.padEnd(VALUE_BYTES, 'x'));
  }
}

function persistenceFor(store: Store, dataDir: string): SnapshotPersistence {
  return new SnapshotPersistence(store, { dataDir, fileName: 'bench.snapshot', saveRules: [], onCorrupt: 'refuse', log: () => {} });
}

async function measureLarder(keys: number, dataDir: string): Promise<Omit<Row, 'redisSaveMs' | 'redisLoadMs'>> {
  const store = new Store({ clock: systemClock });
  fill(store, keys);
  const writer = persistenceFor(store, dataDir);
  const saveMs = timeMs(() => writer.saveNow());
  const fileBytes = statSync(writer.file).size;
  const captureMs = timeMs(() => writer.saveInBackground());
  await writer.close();
  const fresh = new Store({ clock: systemClock });
  const loadMs = timeMs(() => persistenceFor(fresh, dataDir).load());
  if (fresh.totalKeys() !== keys) throw new Error(`loaded ${fresh.totalKeys()} of ${keys} keys`);
  return { keys, captureMs, saveMs, loadMs, fileBytes };
}

function readyToAcceptConnections(server: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    server.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    server.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
  });
}

async function measureRedis(keys: number, dataDir: string): Promise<{ redisSaveMs: number; redisLoadMs: number }> {
  const port = await freePort();
  const server: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--save', '', '--rdbcompression', 'no', '--enable-debug-command', 'local'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await readyToAcceptConnections(server);
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  try {
    await client.connect();
    await client.call('DEBUG', 'POPULATE', String(keys), 'key', String(VALUE_BYTES));
    let started = performance.now();
    await client.call('SAVE');
    const redisSaveMs = performance.now() - started;
    started = performance.now();
    await client.call('DEBUG', 'RELOAD', 'NOSAVE');
    const redisLoadMs = performance.now() - started;
    return { redisSaveMs, redisLoadMs };
  } finally {
    client.disconnect();
    server.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  const counts = process.argv.slice(2).map(Number);
  const rows: Row[] = [];
  for (const keys of counts.length > 0 ? counts : [100_000, 1_000_000]) {
    const dataDir = mkdtempSync(join(tmpdir(), 'larder-snapshot-bench-'));
    try {
      const larder = await measureLarder(keys, dataDir);
      rows.push({ ...larder, ...(await measureRedis(keys, dataDir)) });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const ms = (value: number) => value.toFixed(0).padStart(7);
  console.log('   keys | BGSAVE stall ms | SAVE ms (redis) | load ms (redis) | file MB');
  for (const row of rows) {
    console.log(
      `${String(row.keys).padStart(7)} | ${ms(row.captureMs)}         | ${ms(row.saveMs)} (${ms(row.redisSaveMs)}) | ${ms(row.loadMs)} (${ms(row.redisLoadMs)}) | ${(row.fileBytes / 1e6).toFixed(1)}`,
    );
  }
}

await main();
