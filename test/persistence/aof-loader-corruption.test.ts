import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAof } from '../../src/persistence/aof-loader.js';
import { AofCorruptError } from '../../src/persistence/aof-reader.js';
import { testEngine } from '../support/engine.js';
import { recordPropagation, runWorkload, seededRandom, writeAofDir } from './aof-loader-support.js';

const CASES = 1_000;
const SEED = 20_240_605;

let dir: string;
let files: string[];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'larder-aof-loader-corruption-'));
  const a = testEngine();
  runWorkload(a, 200, seededRandom(SEED));
  // Enough keys of every type for the base to span several 64 KiB blocks.
  for (let i = 0; i < 1_500; i++) {
    a.run('SET', `s${i}`, 'x'.repeat(60), ...(i % 3 === 0 ? ['PX', 3_600_000] : []));
    if (i % 10 === 0) {
      a.run('HSET', `h${i}`, 'f', i, 'g', 'value');
      a.run('RPUSH', `l${i}`, 'a', 'b', i);
      a.run('SADD', `set${i}`, 'a', i);
      a.run('ZADD', `z${i}`, i / 7, 'm', 1, 'n');
    }
  }
  const base = a.store;
  const b = testEngine();
  b.clock.set(a.clock.nowMs());
  const records = recordPropagation(b);
  runWorkload(b, 200, seededRandom(SEED + 1));
  files = writeAofDir(dir, { base, baseNowMs: a.clock.nowMs(), incrs: [records] });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Flips one random byte (to a different value) per case and loads. Each load must either refuse
 * with an AofCorruptError that names the damaged file and an offset inside it, or — nowhere, as
 * it turns out — accept: with the record length under its own CRC no single-byte change can
 * read as a truncated tail, so every case must be refused.
 */
function corrupt(path: string): { refused: number; silent: number; crashed: string[] } {
  const original = readFileSync(path);
  const random = seededRandom(SEED + original.length);
  const counts = { refused: 0, silent: 0, crashed: [] as string[] };
  try {
    for (let i = 0; i < CASES; i++) {
      const damaged = Buffer.from(original);
      const at = Math.floor(random() * damaged.length);
      damaged[at] = damaged[at]! ^ (1 + Math.floor(random() * 255));
      writeFileSync(path, damaged);
      const engine = testEngine();
      try {
        loadAof({ dir, store: engine.store, dispatcher: engine.dispatcher, onTruncatedTail: 'load', log: () => undefined });
        counts.silent++;
      } catch (error) {
        const named = error instanceof AofCorruptError && error.file === path && error.message.includes(path) && error.message.includes(`offset ${error.offset}`);
        if (named && error.offset >= 0 && error.offset < damaged.length && engine.store.totalKeys() === 0) counts.refused++;
        else counts.crashed.push(`byte ${at}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } finally {
    writeFileSync(path, original);
  }
  return counts;
}

describe('random single-byte corruption', () => {
  it(`of the base snapshot: ${CASES} cases, each refused naming file and offset`, () => {
    const counts = corrupt(files[0]!);
    console.log(`snapshot corruption: ${counts.refused} refused, ${counts.silent} silently accepted, ${counts.crashed.length} crashes (${CASES} cases, ${readFileSync(files[0]!).length} bytes, seed ${SEED})`);
    expect(counts.crashed).toEqual([]);
    expect(counts).toMatchObject({ refused: CASES, silent: 0 });
  });

  it(`of an incremental log: ${CASES} cases, each refused naming file and offset`, () => {
    const counts = corrupt(files[1]!);
    console.log(`log corruption: ${counts.refused} refused, ${counts.silent} silently accepted, ${counts.crashed.length} crashes (${CASES} cases, ${readFileSync(files[1]!).length} bytes, seed ${SEED})`);
    expect(counts.crashed).toEqual([]);
    expect(counts).toMatchObject({ refused: CASES, silent: 0 });
  });
});
