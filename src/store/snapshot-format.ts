import type { StoredValue, ValueType } from './entry.js';
import { aggregateCodecs } from './types/codecs.js';
import { latin1Slice } from '../latin1.js';

/**
 * The snapshot file layout, version 1. All integers are big-endian.
 *
 * ```
 * header   magic "LARDSNAP" (8) | format version u16 | flags u16 (0) | createdAtMs f64 | crc32 u32
 * blocks   payloadBytes u32 (> 0) | runningCrc u32 | payload: whole records
 * trailer  0 u32 | bodyCrc u32 | recordCount u64 | crc32 u32        (then end of file)
 * record   type u8 | flags u8 | db varint | [expiresAtMs f64] | [meta: utf8 bytes] | key bytes | value
 * bytes    length varint | the bytes
 * ```
 *
 * Checksums: `runningCrc` is the CRC-32 of every payload byte from the first block up to the end of
 * this one (zlib's crc32 chains: crc32(b, crc32(a)) = crc32(a ‖ b)). So one pass over the data both
 * checks each block as it is read — corruption is located to a block's offset before any of its
 * records is trusted — and yields the CRC of the whole body, which the trailer repeats. The header
 * and the trailer carry their own CRC. Every version keeps the magic, the version at byte 8 and the
 * header CRC at bytes 20–24 (covering bytes 0–20), so a reader can tell a damaged header from a
 * file written by a newer Larder.
 *
 * Records carry a type byte so hashes, lists, sets and sorted sets slot in as new `ValueCodec`s
 * without changing the framing; a reader that meets a type it has no codec for refuses the file.
 */
export const MAGIC = Buffer.from('LARDSNAP', 'latin1');
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 24;
export const BLOCK_HEADER_BYTES = 8;
export const TRAILER_BYTES = 20;
/** A block is closed once its payload reaches this size; one large record may exceed it. */
export const BLOCK_TARGET_BYTES = 64 * 1024;
export const MAX_BLOCK_BYTES = 0xffff_ffff;

export const RecordFlag = { hasExpiry: 1, hasMeta: 2 } as const;
export const KNOWN_RECORD_FLAGS = RecordFlag.hasExpiry | RecordFlag.hasMeta;

/** Type bytes are part of the format: never renumber. 0 is invalid so zeroed bytes never parse. */
export const TypeByte: Readonly<Record<ValueType, number>> = { string: 1, hash: 2, list: 3, set: 4, zset: 5 };

/** The snapshot is damaged or truncated; `offset` is where in the file the damage was found. */
export class SnapshotCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number | undefined,
    readonly reason: string,
  ) {
    super(`snapshot ${file} is corrupt${offset === undefined ? '' : ` at offset ${offset}`}: ${reason}`);
    this.name = 'SnapshotCorruptError';
  }
}

/** The snapshot is intact but this build cannot read it (newer format, unknown value type). */
export class SnapshotVersionError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`snapshot ${file} cannot be read by this version of Larder: ${detail}`);
    this.name = 'SnapshotVersionError';
  }
}

/** Strings up to this length are copied byte by byte rather than through Buffer#write. */
const SHORT_STRING_BYTES = 32;

/** An append-only byte buffer that grows by doubling; one allocation per doubling, none per key. */
export class ByteWriter {
  buffer: Buffer;
  position = 0;

  /** `recycled`: a buffer of at least `initialBytes` whose old content may be overwritten. */
  constructor(initialBytes: number, recycled?: Buffer) {
    this.buffer = recycled ?? Buffer.allocUnsafe(Math.max(initialBytes, 4096));
  }

  reserve(bytes: number): void {
    const needed = this.position + bytes;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.buffer.copy(grown, 0, 0, this.position);
    this.buffer = grown;
  }

  u8(value: number): void {
    this.reserve(1);
    this.buffer[this.position++] = value;
  }

  f64(value: number): void {
    this.reserve(8);
    this.position = this.buffer.writeDoubleBE(value, this.position);
  }

  /** Unsigned LEB128, up to 2^53. */
  varint(value: number): void {
    this.reserve(8);
    let rest = value;
    while (rest >= 0x80) {
      this.buffer[this.position++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buffer[this.position++] = rest;
  }

  /** A length-prefixed byte string held as a one-byte ("latin1") JS string. */
  latin1(text: string): void {
    const length = text.length;
    this.varint(length);
    this.reserve(length);
    if (length > SHORT_STRING_BYTES) {
      this.position += this.buffer.write(text, this.position, 'latin1');
      return;
    }
    // Buffer#write costs ~150 ns per call in argument handling alone; short keys copy faster here.
    const buffer = this.buffer;
    let position = this.position;
    for (let i = 0; i < length; i++) buffer[position++] = text.charCodeAt(i);
    this.position = position;
  }

  utf8(text: string): void {
    const length = Buffer.byteLength(text, 'utf8');
    this.varint(length);
    this.reserve(length);
    this.position += this.buffer.write(text, this.position, 'utf8');
  }
}

/**
 * Reads one block's payload. Every read is bounds-checked against the block so a damaged length
 * can never read past it; failures name the absolute file offset.
 */
export class ByteReader {
  position: number;

  constructor(
    private readonly buffer: Buffer,
    /** File offset of `buffer[0]`. */
    private readonly fileOffset: number,
    private readonly fail: (offset: number, reason: string) => never,
  ) {
    this.position = 0;
  }

  get atEnd(): boolean {
    return this.position >= this.buffer.length;
  }

  get offset(): number {
    return this.fileOffset + this.position;
  }

  u8(): number {
    this.need(1, 'a byte');
    return this.buffer[this.position++]!;
  }

  f64(): number {
    this.need(8, 'an 8-byte number');
    const value = this.buffer.readDoubleBE(this.position);
    this.position += 8;
    return value;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const byte = this.u8();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
    return this.fail(this.offset, 'a length field is longer than 8 bytes');
  }

  latin1(): string {
    const length = this.varint();
    this.need(length);
    const text = latin1Slice(this.buffer, this.position, this.position + length);
    this.position += length;
    return text;
  }

  utf8(): string {
    const length = this.varint();
    this.need(length);
    const text = this.buffer.toString('utf8', this.position, this.position + length);
    this.position += length;
    return text;
  }

  /** `what` defaults to "N bytes", built only on failure: this runs for every field decoded. */
  private need(bytes: number, what?: string): void {
    if (this.position + bytes > this.buffer.length) {
      this.fail(this.offset, `expected ${what ?? `${bytes} bytes`} but the block ends at offset ${this.fileOffset + this.buffer.length}`);
    }
  }
}

/** How one value type is written into a record and read back. */
export interface ValueCodec {
  encode(value: StoredValue, out: ByteWriter): void;
  decode(input: ByteReader): StoredValue;
}

const stringCodec: ValueCodec = {
  // The encoder picks the codec by the entry's type, so the value is a string here.
  encode: (value, out) => out.latin1(value as string),
  decode: (input) => input.latin1(),
};

/** Codecs by type; the aggregate types' live beside their value classes (store/types/codecs.ts). */
export const valueCodecs: Partial<Record<ValueType, ValueCodec>> = { string: stringCodec, ...aggregateCodecs };

/** Codecs indexed by type byte, built once per load; holes are types this build cannot read. */
export function codecsByTypeByte(): ReadonlyArray<ValueCodec | undefined> {
  const table: Array<ValueCodec | undefined> = [];
  for (const [type, byte] of Object.entries(TypeByte) as Array<[ValueType, number]>) {
    table[byte] = valueCodecs[type];
  }
  return table;
}
