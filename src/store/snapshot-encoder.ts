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

/**
 * Completed bytes are handed over in chunks of about this size: big enough that a write call
 * per chunk costs nothing measurable, small enough that a snapshot never needs a buffer the size
 * of the whole image (a million 100-byte values make a 115 MB file).
 */
const CHUNK_BYTES = 1 << 20;
/** A chunk buffer's size: a chunk is flushed at the first block boundary past CHUNK_BYTES. */
const CHUNK_CAPACITY_BYTES = CHUNK_BYTES + BLOCK_TARGET_BYTES;

/**
 * Receives each finished chunk; calls `release` once it no longer needs the bytes, and the
 * encoder reuses the buffer. Recycling matters for a background save: the whole image passes
 * through these buffers, and a hundred megabytes of fresh Buffer memory makes V8 run full
 * garbage collections (a long pause with a million keys on the heap) to account for it.
 */
export type ChunkSink = (chunk: Buffer, release: () => void) => void;

/**
 * Encodes a snapshot as a stream: the header at construction, then records in any order (a
 * background capture interleaves its walk with copies made just before writes), then the trailer.
 * Finished bytes go to `emit` in chunks as soon as they are final, so the caller can write them
 * out while encoding goes on. Only whole blocks are emitted: a block's header (length and running
 * CRC) is filled in when it closes.
 */
export class SnapshotEncoder {
  private out = new ByteWriter(CHUNK_CAPACITY_BYTES);
  private readonly spare: Buffer[] = [];
  private blockStart = -1;
  private runningCrc = 0;
  private recordCount = 0;
  private bytesEmitted = 0;

  constructor(
    createdAtMs: number,
    private readonly emit: ChunkSink,
  ) {
    writeHeader(this.out, createdAtMs);
  }

  get records(): number {
    return this.recordCount;
  }

  /** Bytes produced so far, emitted or not. */
  get bytes(): number {
    return this.bytesEmitted + this.out.position;
  }

  record(dbIndex: number, key: string, entry: Entry): void {
    if (this.blockStart === -1 || this.out.position - this.blockStart - BLOCK_HEADER_BYTES >= BLOCK_TARGET_BYTES) {
      this.openBlock();
    }
    writeRecord(this.out, dbIndex, key, entry);
    this.recordCount++;
  }

  /** Closes the last block, appends the trailer and emits the rest of the file. */
  finish(): void {
    this.closeBlock();
    writeTrailer(this.out, this.runningCrc, this.recordCount);
    this.flush(0);
  }

  private openBlock(): void {
    this.closeBlock();
    if (this.out.position >= CHUNK_BYTES) this.flush(CHUNK_CAPACITY_BYTES);
    this.out.reserve(BLOCK_HEADER_BYTES);
    this.blockStart = this.out.position;
    this.out.position += BLOCK_HEADER_BYTES;
  }

  private closeBlock(): void {
    if (this.blockStart === -1) return;
    const payloadStart = this.blockStart + BLOCK_HEADER_BYTES;
    const length = this.out.position - payloadStart;
    if (length > MAX_BLOCK_BYTES) throw new Error(`a snapshot record of ${length} bytes exceeds the format's block limit`);
    // The buffer may have been reallocated since the block opened; positions are stable.
    const buffer = this.out.buffer;
    this.runningCrc = crc32(buffer.subarray(payloadStart, payloadStart + length), this.runningCrc);
    buffer.writeUInt32BE(length, this.blockStart);
    buffer.writeUInt32BE(this.runningCrc, this.blockStart + 4);
    this.blockStart = -1;
  }

  /** Emits the finished bytes and continues in a spare buffer (or a fresh one: none is shared). */
  private flush(nextBytes: number): void {
    const full = this.out.buffer;
    const chunk = full.subarray(0, this.out.position);
    this.bytesEmitted += chunk.length;
    this.out = new ByteWriter(nextBytes, nextBytes === CHUNK_CAPACITY_BYTES ? this.spare.pop() : undefined);
    // A buffer that grew for an outsized record is left to the garbage collector.
    const release = full.length === CHUNK_CAPACITY_BYTES ? () => void this.spare.push(full) : () => {};
    this.emit(chunk, release);
  }
}

/**
 * Encodes every live key of every database into one file image, synchronously (tests and tools;
 * the server streams through SnapshotEncoder instead). Keys expired at `nowMs` are left out.
 */
export function encodeSnapshot(store: Store, nowMs: number): { data: Buffer; records: number } {
  const chunks: Buffer[] = [];
  const encoder = new SnapshotEncoder(nowMs, (chunk) => chunks.push(chunk));
  encodeAllEntries(store, nowMs, encoder);
  encoder.finish();
  return { data: Buffer.concat(chunks), records: encoder.records };
}

/**
 * Every live key in Map order, in one go: the fastest walk, for when nothing can change
 * meanwhile (SAVE, which blocks as Redis's does). Does not finish the encoder.
 */
export function encodeAllEntries(store: Store, nowMs: number, encoder: SnapshotEncoder): void {
  store.databases().forEach((db, dbIndex) => {
    for (const [key, entry] of db.allEntries()) {
      if (entry.expiresAtMs !== 0 && entry.expiresAtMs <= nowMs) continue;
      encoder.record(dbIndex, key, entry);
    }
  });
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
