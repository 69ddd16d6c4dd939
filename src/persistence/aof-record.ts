import { crc32 } from 'node:zlib';
import { ByteReader } from '../store/snapshot-format.js';

/**
 * The incremental append-only log file, format 1. All integers are big-endian.
 *
 * ```
 * header   magic "LARDERAOF" (9) | format version u16 | flags u16 (0) | crc32 u32 of the 13 bytes before it
 * record   payloadBytes u32 | crc32 u32 of those 4 bytes | payload | crc32 u32 of the payload
 * payload  nowMs f64 | op count varint | ops
 * op       db varint | argc varint | argc × (length varint | the argument's bytes)
 * ```
 *
 * A record is everything one top-level command propagated: one command, a whole EXEC, plus the
 * evictions made before it, so a replay never applies half a transaction. `nowMs` is the instant
 * the command ran; replay pins the clock to it.
 *
 * Why the length has its own CRC: a reader must tell "the file ends inside the last record" (a
 * crash mid-append, harmless) from damage. Without it, a flipped bit that made a length huge
 * would read as a record running past the end of the file, i.e. as a truncated tail, and the
 * records after it would be dropped silently. With it, a damaged length is corruption.
 */
export const AOF_MAGIC = Buffer.from('LARDERAOF', 'latin1');
export const AOF_FORMAT_VERSION = 1;
export const AOF_HEADER_BYTES = AOF_MAGIC.length + 2 + 2 + 4;
/** payloadBytes + its CRC before the payload, the payload CRC after it. */
export const RECORD_HEAD_BYTES = 8;
export const RECORD_OVERHEAD_BYTES = RECORD_HEAD_BYTES + 4;
/** nowMs and an op count: no valid payload is shorter. */
export const MIN_PAYLOAD_BYTES = 9;

export interface AofOp {
  /** Database index the command ran in (the session's SELECTed one). */
  readonly db: number;
  /** The replayable form of the command: name first, byte strings as latin1 JS strings. */
  readonly argv: readonly string[];
}

export interface AofRecord {
  readonly nowMs: number;
  readonly ops: readonly AofOp[];
}

export function encodeAofHeader(): Buffer {
  const header = Buffer.alloc(AOF_HEADER_BYTES);
  AOF_MAGIC.copy(header, 0);
  header.writeUInt16BE(AOF_FORMAT_VERSION, AOF_MAGIC.length);
  header.writeUInt16BE(0, AOF_MAGIC.length + 2);
  header.writeUInt32BE(crc32(header.subarray(0, AOF_HEADER_BYTES - 4)), AOF_HEADER_BYTES - 4);
  return header;
}

export function encodeAofRecord(record: AofRecord): Buffer {
  const payloadBytes = payloadSize(record);
  const out = Buffer.allocUnsafe(RECORD_OVERHEAD_BYTES + payloadBytes);
  out.writeUInt32BE(payloadBytes, 0);
  out.writeUInt32BE(crc32(out.subarray(0, 4)), 4);
  let position = out.writeDoubleBE(record.nowMs, RECORD_HEAD_BYTES);
  position = writeVarint(out, position, record.ops.length);
  for (const op of record.ops) {
    position = writeVarint(out, position, op.db);
    position = writeVarint(out, position, op.argv.length);
    for (const arg of op.argv) position = writeLatin1(out, position, arg);
  }
  out.writeUInt32BE(crc32(out.subarray(RECORD_HEAD_BYTES, position)), position);
  return out;
}

function payloadSize(record: AofRecord): number {
  let bytes = 8 + varintSize(record.ops.length);
  for (const op of record.ops) {
    bytes += varintSize(op.db) + varintSize(op.argv.length);
    for (const arg of op.argv) bytes += varintSize(arg.length) + arg.length;
  }
  return bytes;
}

function varintSize(value: number): number {
  let bytes = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) bytes++;
  return bytes;
}

/** Unsigned LEB128, as the snapshot format writes it (ByteReader reads both). */
function writeVarint(out: Buffer, position: number, value: number): number {
  let at = position;
  let rest = value;
  while (rest >= 0x80) {
    out[at++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  out[at++] = rest;
  return at;
}

/** Short arguments are copied byte by byte: Buffer#write's call overhead dominates below ~32 bytes. */
function writeLatin1(out: Buffer, position: number, text: string): number {
  let at = writeVarint(out, position, text.length);
  if (text.length > 32) return at + out.write(text, at, 'latin1');
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  return at;
}

/**
 * Decodes a payload whose CRC has passed; `fileOffset` is where it starts in the file. A payload
 * that does not parse exactly (a count running past its end, bytes left over) can only come from a
 * writer bug, and is reported through `fail` like any other damage.
 */
export function decodeAofPayload(payload: Buffer, fileOffset: number, fail: (offset: number, reason: string) => never): AofRecord {
  const input = new ByteReader(payload, fileOffset, fail);
  const nowMs = input.f64();
  const opCount = input.varint();
  // Each op takes at least 2 bytes: a count beyond that is damage, not a reason to allocate.
  if (opCount * 2 > payload.length) fail(input.offset, `the record declares ${opCount} commands in ${payload.length} bytes`);
  const ops: AofOp[] = [];
  for (let i = 0; i < opCount; i++) {
    const db = input.varint();
    const argc = input.varint();
    if (argc === 0 || argc > payload.length) fail(input.offset, `a command in the record declares ${argc} arguments`);
    const argv: string[] = [];
    for (let j = 0; j < argc; j++) argv.push(input.latin1());
    ops.push({ db, argv });
  }
  if (!input.atEnd) fail(input.offset, `${payload.length - (input.offset - fileOffset)} unexpected bytes at the end of the record`);
  return { nowMs, ops };
}
