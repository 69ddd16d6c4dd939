import { crc32 } from 'node:zlib';
import type { Entry } from './entry.js';
import {
  BLOCK_HEADER_BYTES,
  BLOCK_TARGET_BYTES,
  ByteWriter,
  FORMAT_VERSION,
  HEADER_BYTES,
  MAGIC,
  MAX_BLOCK_BYTES,
  RecordFlag,
  TypeByte,
  valueCodecs,
} from './snapshot-format.js';
import type { Store } from './store.js';

export interface EncodedSnapshot {
  /** The complete file image, ready to be written as is. */
  data: Buffer;
  records: number;
}

/**
 * Captures every live key of every database into one file image, synchronously, so the image is
 * a point-in-time copy however the store changes while it is being written out. Keys already
 * expired at `nowMs` are left out (a load would drop them anyway).
 *
 * `sizeHintBytes` (the previous snapshot's size) lets the buffer start big enough to avoid the
 * copies of repeated doubling.
 */
export function encodeSnapshot(store: Store, nowMs: number, sizeHintBytes = 0): EncodedSnapshot {
  const out = new ByteWriter(sizeHintBytes > 0 ? Math.ceil(sizeHintBytes * 1.1) : 1 << 20);
  writeHeader(out, nowMs);
  const blocks = new BlockFramer(out);
  let records = 0;
  store.databases().forEach((db, dbIndex) => {
    for (const [key, entry] of db.allEntries()) {
      if (entry.expiresAtMs !== 0 && entry.expiresAtMs <= nowMs) continue;
      blocks.beforeRecord();
      writeRecord(out, dbIndex, key, entry);
      records++;
    }
  });
  const bodyCrc = blocks.finish();
  writeTrailer(out, bodyCrc, records);
  return { data: out.buffer.subarray(0, out.position), records };
}

function writeHeader(out: ByteWriter, nowMs: number): void {
  out.reserve(HEADER_BYTES);
  const start = out.position;
  out.position += MAGIC.copy(out.buffer, start);
  out.position = out.buffer.writeUInt16BE(FORMAT_VERSION, out.position);
  out.position = out.buffer.writeUInt16BE(0, out.position);
  out.f64(nowMs);
  const headerCrc = crc32(out.buffer.subarray(start, out.position));
  out.position = out.buffer.writeUInt32BE(headerCrc, out.position);
}

function writeRecord(out: ByteWriter, dbIndex: number, key: string, entry: Entry): void {
  const type = entry.type;
  const codec = valueCodecs[type];
  if (codec === undefined) throw new Error(`snapshots cannot store ${type} values yet`);
  const hasExpiry = entry.expiresAtMs !== 0;
  const hasMeta = entry.meta !== undefined;
  out.u8(TypeByte[type]);
  out.u8((hasExpiry ? RecordFlag.hasExpiry : 0) | (hasMeta ? RecordFlag.hasMeta : 0));
  out.varint(dbIndex);
  if (hasExpiry) out.f64(entry.expiresAtMs);
  if (entry.meta !== undefined) out.utf8(entry.meta);
  out.latin1(key);
  codec.encode(entry.value, out);
}

/** The end marker: a zero-length block header whose CRC slot holds the body CRC, then the count. */
function writeTrailer(out: ByteWriter, bodyCrc: number, records: number): void {
  out.reserve(BLOCK_HEADER_BYTES + 12);
  const start = out.position;
  out.position = out.buffer.writeUInt32BE(0, out.position);
  out.position = out.buffer.writeUInt32BE(bodyCrc, out.position);
  out.position = out.buffer.writeBigUInt64BE(BigInt(records), out.position);
  const trailerCrc = crc32(out.buffer.subarray(start, out.position));
  out.position = out.buffer.writeUInt32BE(trailerCrc, out.position);
}

/**
 * Groups records into blocks of about BLOCK_TARGET_BYTES. A block's header is reserved when it
 * opens and filled in when it closes, once its length and the running CRC are known.
 */
class BlockFramer {
  private blockStart = -1;
  private runningCrc = 0;

  constructor(private readonly out: ByteWriter) {}

  beforeRecord(): void {
    if (this.blockStart !== -1 && this.payloadBytes() < BLOCK_TARGET_BYTES) return;
    this.close();
    this.out.reserve(BLOCK_HEADER_BYTES);
    this.blockStart = this.out.position;
    this.out.position += BLOCK_HEADER_BYTES;
  }

  /** Closes the open block (if any) and returns the CRC of the whole body. */
  finish(): number {
    this.close();
    return this.runningCrc;
  }

  private payloadBytes(): number {
    return this.out.position - this.blockStart - BLOCK_HEADER_BYTES;
  }

  private close(): void {
    if (this.blockStart === -1) return;
    const length = this.payloadBytes();
    if (length > MAX_BLOCK_BYTES) throw new Error(`a snapshot record of ${length} bytes exceeds the format's block limit`);
    const payloadStart = this.blockStart + BLOCK_HEADER_BYTES;
    // The buffer may have been reallocated since the block opened; positions are stable.
    const buffer = this.out.buffer;
    this.runningCrc = crc32(buffer.subarray(payloadStart, payloadStart + length), this.runningCrc);
    buffer.writeUInt32BE(length, this.blockStart);
    buffer.writeUInt32BE(this.runningCrc, this.blockStart + 4);
    this.blockStart = -1;
  }
}
