import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAof, type AofLog, type AofLoadOptions } from '../../src/persistence/aof-loader.js';
import { MANIFEST_FILE_NAME } from '../../src/persistence/aof-manifest.js';
import { AofCorruptError } from '../../src/persistence/aof-reader.js';
import { AOF_HEADER_BYTES, encodeAofRecord, type AofRecord } from '../../src/persistence/aof-record.js';
import { encodeSnapshot } from '../../src/store/snapshot-encoder.js';
import { testEngine, type TestEngine } from '../support/engine.js';
import { dumpStore, recordPropagation, runWorkload, seededRandom, writeAofDir } from './aof-loader-support.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'larder-aof-loader-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function logRecorder(): { log: AofLog; lines: Array<{ level: string; message: string }> } {
  const lines: Array<{ level: string; message: string }> = [];
  return { log: (level, message) => lines.push({ level, message }), lines };
}

/** A fresh engine whose clock is a day past `from`, as a restarted server's would be. */
function restartedEngine(from: TestEngine): TestEngine {
  const b = testEngine();
  b.clock.set(from.clock.nowMs() + 86_400_000);
  return b;
}

function load(b: TestEngine, overrides: Partial<AofLoadOptions> = {}) {
  return loadAof({ dir, store: b.store, dispatcher: b.dispatcher, onTruncatedTail: 'load', log: () => undefined, ...overrides });
}

function refusal(run: () => unknown): AofCorruptError {
  try {
    run();
  } catch (error) {
    if (error instanceof AofCorruptError) return error;
    throw error;
  }
  throw new Error('expected the load to be refused');
}

describe('loading the append-only log', () => {
  it('rebuilds the store from a base snapshot and incremental files in manifest order', () => {
    const a = testEngine();
    const records = recordPropagation(a);
    runWorkload(a, 150, seededRandom(1));
    const base = encodeSnapshot(a.store, a.clock.nowMs()).data;
    const before = records.length;
    runWorkload(a, 150, seededRandom(2));
    writeAofDir(dir, { incrs: [records.slice(before, before + 40), records.slice(before + 40)] });
    writeFileSync(join(dir, 'larder.aof.1.base.snapshot'), base);
    writeFileSync(join(dir, MANIFEST_FILE_NAME), readFileSync(join(dir, MANIFEST_FILE_NAME), 'latin1').replace('1\n', '1\nfile larder.aof.1.base.snapshot seq 1 type b\n'));
    const b = restartedEngine(a);
    const result = load(b);
    expect(result).toEqual({ source: 'aof', keysLoaded: b.store.totalKeys(), recordsReplayed: records.length - before });
    expect(dumpStore(b.store, a.clock.nowMs())).toEqual(dumpStore(a.store, a.clock.nowMs()));
    expect(b.store.dirty).toBe(0);
  });

  it('without a manifest there is no log to load, and stray log files are reported', () => {
    const b = testEngine();
    expect(load(b)).toEqual({ source: 'none', keysLoaded: 0, recordsReplayed: 0 });
    writeFileSync(join(dir, 'larder.aof.1.incr.aof'), '');
    const { log, lines } = logRecorder();
    expect(load(b, { log }).source).toBe('none');
    expect(lines).toEqual([{ level: 'warn', message: `append-only log files without a manifest in ${dir} were not loaded` }]);
  });

  it('keeps base keys whose TTL passed while the server was down until the log has replayed', () => {
    const a = testEngine();
    const records = recordPropagation(a);
    a.run('SET', 'session', 'v', 'PX', 1000);
    const base = encodeSnapshot(a.store, a.clock.nowMs());
    records.length = 0;
    a.clock.advance(500);
    a.run('APPEND', 'session', '+more');
    writeAofDir(dir, { base: a.store, incrs: [records] });
    writeFileSync(join(dir, 'larder.aof.1.base.snapshot'), base.data);
    const b = restartedEngine(a);
    load(b);
    // Had the load dropped the expired key, APPEND would have made a new key without a TTL.
    expect(b.store.db(0).peek('session')).toMatchObject({ value: 'v+more', expiresAtMs: a.clock.nowMs() + 500 });
  });

  it('loads the complete records before a truncated last record, with a warning naming file and offset', () => {
    const a = testEngine();
    const records = recordPropagation(a);
    runWorkload(a, 40, seededRandom(3));
    const [path] = writeAofDir(dir, { incrs: [records] });
    const sizeBytes = readFileSync(path!).length;
    truncateSync(path!, sizeBytes - 3);
    const lastStart = sizeBytes - encodeAofRecord(records[records.length - 1]!).length;
    const { log, lines } = logRecorder();
    const b = restartedEngine(a);
    expect(load(b, { log })).toMatchObject({ recordsReplayed: records.length - 1, truncated: { file: path, offset: lastStart } });
    expect(lines[0]).toEqual({ level: 'warn', message: `append-only log ${path} ends with an incomplete record at offset ${lastStart}; loaded the ${lastStart} bytes before it` });
    const error = refusal(() => load(restartedEngine(a), { onTruncatedTail: 'refuse' }));
    expect(error).toMatchObject({ file: path, offset: lastStart });
  });

  it('a truncated record in any file but the last is corruption', () => {
    const record: AofRecord = { nowMs: 1, ops: [{ db: 0, argv: ['SET', 'k', 'v'] }] };
    const [first] = writeAofDir(dir, { incrs: [[record, record], [record]] });
    truncateSync(first!, readFileSync(first!).length - 1);
    const b = testEngine();
    const error = refusal(() => load(b));
    expect(error).toMatchObject({ file: first, reason: 'the file ends inside a record, and it is not the last file of the log' });
    expect(b.store.totalKeys()).toBe(0);
  });

  it('a record the engine answers with an error stops the load, naming file and offset, and leaves the store empty', () => {
    const ok: AofRecord = { nowMs: 1, ops: [{ db: 0, argv: ['SET', 'k', 'text'] }] };
    const bad: AofRecord = { nowMs: 2, ops: [{ db: 0, argv: ['INCR', 'k'] }] };
    const [path] = writeAofDir(dir, { incrs: [[ok, bad]] });
    const b = testEngine();
    const error = refusal(() => load(b));
    expect(error).toMatchObject({ file: path, offset: AOF_HEADER_BYTES + encodeAofRecord(ok).length });
    expect(error.message).toContain(`replaying 'INCR' failed with "ERR value is not an integer or out of range"`);
    expect(b.store.totalKeys()).toBe(0);
  });

  it('refuses a command for a database that is not configured, and a file the manifest lists but that is missing', () => {
    const [path] = writeAofDir(dir, { incrs: [[{ nowMs: 1, ops: [{ db: 16, argv: ['SET', 'k', 'v'] }] }]] });
    expect(refusal(() => load(testEngine())).reason).toBe('a command for database 16, but only 16 databases are configured');
    rmSync(path!);
    expect(refusal(() => load(testEngine()))).toMatchObject({ file: path, offset: 0, reason: 'the manifest lists this file but it does not exist' });
  });

  it('a log cut at every byte offset inside its last 3 records loads exactly the complete-record prefix', () => {
    const a = testEngine();
    const records = recordPropagation(a);
    // The state after each record, seen at the instant it was made.
    const states: Array<{ atMs: number; dump: string[] }> = [];
    a.dispatcher.onCommandEnd(() => {
      if (records.length > states.length) states.push({ atMs: a.clock.nowMs(), dump: dumpStore(a.store, a.clock.nowMs()) });
    });
    runWorkload(a, 60, seededRandom(4));
    const [, path] = writeAofDir(dir, { incrs: [records.slice(0, 20), records.slice(20)] });
    const full = readFileSync(path!);
    const ends: number[] = [AOF_HEADER_BYTES];
    for (const record of records.slice(20)) ends.push(ends[ends.length - 1]! + encodeAofRecord(record).length);
    const cutsFrom = ends[ends.length - 4]!;
    let cuts = 0;
    for (let cut = cutsFrom; cut < full.length; cut++) {
      writeFileSync(path!, full.subarray(0, cut));
      const b = restartedEngine(a);
      const result = load(b);
      const lastEnd = ends.filter((end) => end <= cut).pop()!;
      const complete = 20 + ends.indexOf(lastEnd);
      expect(result.recordsReplayed).toBe(complete);
      expect(result.truncated).toEqual(cut === lastEnd ? undefined : { file: path, offset: lastEnd });
      const expected = states[complete - 1]!;
      expect(dumpStore(b.store, expected.atMs)).toEqual(expected.dump);
      cuts++;
    }
    expect(cuts).toBe(full.length - cutsFrom);
    console.log(`truncation: ${cuts} cuts inside the last 3 records, each loaded its complete-record prefix`);
  });
});
