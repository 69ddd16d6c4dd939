/**
 * Child process of memory-accounting.test.ts (run with --expose-gc): loads keys of one kind
 * through the dispatcher, as clients would, and prints the store's accounted growth beside the
 * heap growth V8 reports after full collections. Arguments come as bytes decode in the RESP
 * parser (Buffer → latin1 string), so they are the flat one-byte strings the store really holds.
 */
import { createEngine, DEFAULT_LIMITS } from '../../src/engine.js';
import { ManualClock } from '../../src/store/clock.js';
import { RecordingPersistence } from '../support/engine.js';

type Workload = 'strings' | 'strings-ttl' | 'hashes' | 'lists' | 'sets' | 'zsets';

const [workload, keysText, valueBytesText] = process.argv.slice(2) as [Workload, string, string];
const keyCount = Number(keysText);
const valueBytes = Number(valueBytesText);
const MEMBERS = 10;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

function collect(): number {
  for (let i = 0; i < 4; i++) gc!();
  return process.memoryUsage().heapUsed;
}

const scratch = Buffer.alloc(Math.max(valueBytes, 32));
/** A fresh flat one-byte string, distinct per (i, j), as the RESP parser would produce. */
function bytes(length: number, i: number, j = 0): string {
  const text = `${i}:${j}:`;
  scratch.fill(97, 0, length);
  scratch.write(text.slice(0, length), 0, 'latin1');
  return scratch.toString('latin1', 0, length);
}

function commandFor(i: number): string[] {
  const key = Buffer.from(`key:${String(i).padStart(12, '0')}`, 'latin1').toString('latin1');
  const members = (each: (j: number) => string[]): string[] => Array.from({ length: MEMBERS }, (_, j) => each(j)).flat();
  switch (workload) {
    case 'strings':
      return ['SET', key, bytes(valueBytes, i)];
    case 'strings-ttl':
      return ['SET', key, bytes(valueBytes, i), 'PX', '3600000'];
    case 'hashes':
      return ['HSET', key, ...members((j) => [bytes(8, i, j), bytes(valueBytes, i, j)])];
    case 'lists':
      return ['RPUSH', key, ...members((j) => [bytes(valueBytes, i, j)])];
    case 'sets':
      return ['SADD', key, ...members((j) => [bytes(valueBytes, i, j)])];
    case 'zsets':
      return ['ZADD', key, ...members((j) => [String(i + j / 10), bytes(valueBytes, i, j)])];
  }
}

const engine = createEngine({ clock: new ManualClock(), limits: DEFAULT_LIMITS, persistence: new RecordingPersistence() });
const session = engine.newSession('resp', true);
// Warm the code paths (and V8's maps for every class) before measuring, then drop those keys.
for (let i = 0; i < 100; i++) engine.dispatcher.dispatch(commandFor(keyCount + i), session);
engine.dispatcher.dispatch(['FLUSHALL'], session);
const heapBefore = collect();
const accountedBefore = engine.store.datasetBytes();
for (let i = 0; i < keyCount; i++) engine.dispatcher.dispatch(commandFor(i), session);
const heapAfter = collect();
const accountedAfter = engine.store.datasetBytes();
process.stdout.write(`${JSON.stringify({ heapBytes: heapAfter - heapBefore, accountedBytes: accountedAfter - accountedBefore, keys: engine.store.totalKeys() })}\n`);
