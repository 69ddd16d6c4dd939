import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCommand } from '../../src/persistence/check.js';
import { MANIFEST_FILE_NAME } from '../../src/persistence/aof-manifest.js';
import { AOF_HEADER_BYTES, encodeAofHeader, encodeAofRecord, type AofRecord } from '../../src/persistence/aof-record.js';
import { testEngine } from '../support/engine.js';
import { cleanUp, runLarder, tempDataDir } from '../e2e/larder-process.js';
import { writeAofDir } from './aof-loader-support.js';

afterAll(cleanUp);

const record = (n: number): AofRecord => ({ nowMs: 1_700_000_000_000 + n, ops: [{ db: 0, argv: ['SET', `k${n}`, 'v'] }] });
const RECORD_BYTES = encodeAofRecord(record(1)).length;

/** A log directory: a base with 2 keys and two incremental files of 3 records each. */
function logDir(): { dir: string; base: string; first: string; last: string } {
  const dir = tempDataDir();
  const engine = testEngine();
  engine.run('SET', 'a', '1');
  engine.run('HSET', 'h', 'f', 'v');
  const [base, first, last] = writeAofDir(dir, { base: engine.store, incrs: [[record(1), record(2), record(3)], [record(4), record(5), record(6)]] });
  return { dir, base: base!, first: first!, last: last! };
}

function check(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = checkCommand(args, { stdout: { write: (text: string) => (out += text) }, stderr: { write: (text: string) => (err += text) } });
  return { code, out, err };
}

describe('larder check (in process)', () => {
  it('a sound log directory: every file listed, exit 0', () => {
    const { dir, base, first, last } = logDir();
    const { code, out } = check(dir);
    expect(code).toBe(0);
    expect(out).toContain(`${join(dir, MANIFEST_FILE_NAME)}: manifest: base larder.aof.1.base.snapshot, 2 incremental files`);
    expect(out).toMatch(new RegExp(`${base}: snapshot, created .*: 2 keys in \\d+ bytes, checksums OK`));
    expect(out).toContain(`${first}: append-only log: 3 records (3 commands), last valid offset ${AOF_HEADER_BYTES + 3 * RECORD_BYTES}`);
    expect(out).toContain(`${last}: append-only log: 3 records`);
    expect(check(join(dir, MANIFEST_FILE_NAME)).code).toBe(0);
  });

  it('a truncated record in a file that is not the last is corruption, and --fix leaves it alone', () => {
    const { dir, first } = logDir();
    truncateSync(first, readFileSync(first).length - 2);
    const { code, out } = check(dir, '--fix');
    expect(code).toBe(1);
    expect(out).toContain(`CORRUPT: the file ends inside a record at offset ${AOF_HEADER_BYTES + 2 * RECORD_BYTES}, and it is not the last file of the log`);
    expect(readFileSync(first).length).toBe(AOF_HEADER_BYTES + 3 * RECORD_BYTES - 2);
  });

  it('--fix gives a log whose header never landed a fresh header, and drops a zero-filled tail', () => {
    const { last } = logDir();
    writeFileSync(last, encodeAofHeader().subarray(0, 4));
    expect(check(last, '--fix')).toMatchObject({ code: 0 });
    expect(readFileSync(last)).toEqual(encodeAofHeader());
    writeFileSync(last, Buffer.concat([encodeAofHeader(), encodeAofRecord(record(1)), Buffer.alloc(512)]));
    expect(check(last).out).toContain(`TRUNCATED: the last record, at offset ${AOF_HEADER_BYTES + RECORD_BYTES}, is incomplete (512 bytes)`);
    expect(check(last, '--fix').code).toBe(0);
    expect(readFileSync(last).length).toBe(AOF_HEADER_BYTES + RECORD_BYTES);
  });

  it('reports a malformed manifest, a missing file and a file that is none of ours', () => {
    const { dir, first } = logDir();
    const manifest = join(dir, MANIFEST_FILE_NAME);
    const original = readFileSync(manifest, 'utf8');
    writeFileSync(manifest, original.replace('seq 2 type i', 'seq 2 type x'));
    expect(check(dir)).toMatchObject({ code: 1, out: expect.stringContaining('is malformed at line 4') });
    writeFileSync(manifest, original);
    writeFileSync(first, 'hello');
    expect(check(first)).toMatchObject({ code: 1, out: `${first}: not a Larder snapshot, append-only log or manifest (unrecognized first bytes)\n` });
    const emptyDir = tempDataDir();
    expect(check(emptyDir).out).toContain(`a directory without ${MANIFEST_FILE_NAME}`);
  });

  it('answers usage errors with exit 2', () => {
    expect(check()).toMatchObject({ code: 2, err: expect.stringContaining('usage: larder check') });
    expect(check('a', 'b')).toMatchObject({ code: 2 });
    expect(check('--repair', 'x')).toMatchObject({ code: 2, err: expect.stringContaining('unknown option --repair') });
    expect(check('/nonexistent/larder')).toMatchObject({ code: 2, err: 'larder check: /nonexistent/larder: no such file or directory\n' });
  });
});

describe('larder check (the real binary)', () => {
  it('verifies a sound log directory (exit 0) and a damaged snapshot (exit 1, with the offset)', async () => {
    const { dir, base } = logDir();
    const sound = await runLarder(['check', dir]);
    expect(sound).toMatchObject({ code: 0, stderr: '' });
    expect(sound.stdout.split('\n').filter(Boolean)).toHaveLength(4);
    const damaged = readFileSync(base);
    damaged[40] = damaged[40]! ^ 0xff;
    writeFileSync(base, damaged);
    const bad = await runLarder(['check', base]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(new RegExp(`^${base}: snapshot, CORRUPT at offset 24: block checksum mismatch\n`));
  });

  it('--fix truncates a log to its last complete record; corruption in the middle is reported, never cut', async () => {
    const { last } = logDir();
    const cleanBytes = readFileSync(last).length;
    writeFileSync(last, Buffer.concat([readFileSync(last), encodeAofRecord(record(7)).subarray(0, 10)]));
    const before = await runLarder(['check', last]);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain(`TRUNCATED: the last record, at offset ${cleanBytes}, is incomplete (10 bytes)`);
    const fixed = await runLarder(['check', last, '--fix']);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain(`fixed: truncated to ${cleanBytes} bytes, dropping the incomplete record (10 bytes)`);
    expect(readFileSync(last).length).toBe(cleanBytes);

    const middle = AOF_HEADER_BYTES + RECORD_BYTES;
    const damaged = readFileSync(last);
    damaged[middle + 12] = damaged[middle + 12]! ^ 0x01;
    writeFileSync(last, damaged);
    const corrupt = await runLarder(['check', last, '--fix']);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stdout).toContain(`${last}: append-only log, CORRUPT at offset ${middle}: record checksum mismatch`);
    expect(corrupt.stdout).toContain(`1 valid records (1 commands) before it; ${cleanBytes - middle} bytes from there to the end are not trusted`);
    expect(corrupt.stdout).toContain(`To accept that loss: truncate -s ${middle} ${last}`);
    expect(readFileSync(last)).toEqual(damaged);
    expect((await runLarder(['check'])).code).toBe(2);
  });
});
