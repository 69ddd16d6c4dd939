import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AOF_HEADER_BYTES, encodeAofHeader, encodeAofRecord, type AofRecord } from '../../src/persistence/aof-record.js';
import { AofCorruptError, readAofFile } from '../../src/persistence/aof-reader.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'larder-aof-format-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const records: AofRecord[] = [
  { nowMs: 1_700_000_000_123, ops: [{ db: 0, argv: ['SET', 'k', 'v'] }] },
  // Every byte value, a long argument, several databases: one EXEC's worth.
  {
    nowMs: 1_700_000_000_456.5,
    ops: [
      { db: 3, argv: ['SET', 'bytes', Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('latin1')] },
      { db: 200, argv: ['APPEND', 'long', 'x'.repeat(70_000)] },
      { db: 0, argv: ['PING'] },
    ],
  },
  { nowMs: 0, ops: [] },
];

function writeLog(name: string, ...parts: Buffer[]): string {
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

function readAll(path: string): { seen: AofRecord[]; ends: number[]; result: ReturnType<typeof readAofFile> } {
  const seen: AofRecord[] = [];
  const ends: number[] = [];
  const result = readAofFile(path, (record, end) => {
    seen.push(record);
    ends.push(end);
  });
  return { seen, ends, result };
}

function flip(buffer: Buffer, at: number, mask: number): void {
  buffer[at] = buffer[at]! ^ mask;
}

function corruption(run: () => unknown): AofCorruptError {
  try {
    run();
  } catch (error) {
    if (error instanceof AofCorruptError) return error;
    throw error;
  }
  throw new Error('expected an AofCorruptError');
}

describe('append-only log records', () => {
  it('round-trip through the reader with their end offsets', () => {
    const encoded = records.map(encodeAofRecord);
    const path = writeLog('a.aof', encodeAofHeader(), ...encoded);
    const { seen, ends, result } = readAll(path);
    expect(seen).toEqual(records);
    let end = AOF_HEADER_BYTES;
    expect(ends).toEqual(encoded.map((record) => (end += record.length)));
    expect(result).toEqual({ validBytes: end, truncatedAt: undefined });
  });

  it('a header alone is a clean, empty log', () => {
    expect(readAll(writeLog('a.aof', encodeAofHeader())).result).toEqual({ validBytes: AOF_HEADER_BYTES, truncatedAt: undefined });
  });

  it('a file that ends inside the header or a record reads as a truncated tail', () => {
    const header = encodeAofHeader();
    const record = encodeAofRecord(records[0]!);
    expect(readAll(writeLog('empty.aof')).result).toEqual({ validBytes: 0, truncatedAt: 0 });
    expect(readAll(writeLog('half-header.aof', header.subarray(0, 5))).result).toEqual({ validBytes: 0, truncatedAt: 0 });
    for (const cut of [1, 7, 8, record.length - 1]) {
      const { seen, result } = readAll(writeLog(`cut-${cut}.aof`, header, record, record.subarray(0, cut)));
      expect(seen).toHaveLength(1);
      expect(result).toEqual({ validBytes: AOF_HEADER_BYTES + record.length, truncatedAt: AOF_HEADER_BYTES + record.length });
    }
  });

  it('zeros from a record boundary to the end read as a truncated tail (a file grown before its data landed)', () => {
    const header = encodeAofHeader();
    const record = encodeAofRecord(records[0]!);
    const { seen, result } = readAll(writeLog('zeros.aof', header, record, Buffer.alloc(4096)));
    expect(seen).toHaveLength(1);
    expect(result.truncatedAt).toBe(AOF_HEADER_BYTES + record.length);
    expect(readAll(writeLog('all-zeros.aof', Buffer.alloc(100))).result).toEqual({ validBytes: 0, truncatedAt: 0 });
  });

  it('a damaged length is corruption at the record, never a truncated tail', () => {
    const header = encodeAofHeader();
    const first = encodeAofRecord(records[0]!);
    const damaged = Buffer.from(first);
    damaged[0] = 0x7f; // declares ~2 GB: without the length CRC this would read as "file ends inside a record"
    const path = writeLog('len.aof', header, first, damaged, first);
    const error = corruption(() => readAll(path));
    expect(error).toMatchObject({ file: path, offset: AOF_HEADER_BYTES + first.length, reason: 'record length checksum mismatch' });
    expect(error.message).toBe(`append-only log ${path} is corrupt at offset ${AOF_HEADER_BYTES + first.length}: record length checksum mismatch`);
  });

  it('a damaged payload or payload checksum is corruption at that record, even in the last record', () => {
    const header = encodeAofHeader();
    const record = encodeAofRecord(records[0]!);
    for (const at of [8, 12, record.length - 1]) {
      const damaged = Buffer.from(record);
      flip(damaged, at, 0x01);
      const path = writeLog(`payload-${at}.aof`, header, damaged);
      expect(corruption(() => readAll(path))).toMatchObject({ offset: AOF_HEADER_BYTES, reason: 'record checksum mismatch' });
    }
  });

  it('refuses a file that is not a log, a damaged header and a newer format', () => {
    const notALog = writeLog('snap', Buffer.from('LARDSNAP and more bytes than a header'));
    expect(corruption(() => readAll(notALog))).toMatchObject({ offset: 0, reason: 'not a Larder append-only log (bad magic bytes)' });
    const header = encodeAofHeader();
    const damaged = Buffer.from(header);
    flip(damaged, 12, 0x40);
    expect(corruption(() => readAll(writeLog('hdr', damaged))).reason).toBe('header checksum mismatch');
    const newer = Buffer.from(header);
    newer.writeUInt16BE(2, 9);
    newer.writeUInt32BE(crc32(newer.subarray(0, 13)), 13);
    expect(corruption(() => readAll(writeLog('v2', newer))).reason).toBe('format version 2; this build reads version 1');
  });

  it('nothing after a corrupt record reaches the callback', () => {
    const header = encodeAofHeader();
    const good = encodeAofRecord(records[0]!);
    const bad = Buffer.from(good);
    flip(bad, bad.length - 2, 0xff);
    const seen: AofRecord[] = [];
    expect(() => readAofFile(writeLog('x', header, good, bad, good), (record) => seen.push(record))).toThrow(AofCorruptError);
    expect(seen).toHaveLength(1);
  });
});
