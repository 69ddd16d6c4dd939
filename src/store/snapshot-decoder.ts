import { fstatSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { StoredValue } from './entry.js';
import {
  BLOCK_HEADER_BYTES,
  ByteReader,
  codecsByTypeByte,
  FORMAT_VERSION,
  HEADER_BYTES,
  KNOWN_RECORD_FLAGS,
  MAGIC,
  RecordFlag,
  SnapshotCorruptError,
  SnapshotVersionError,
  TRAILER_BYTES,
  type ValueCodec,
} from './snapshot-format.js';

/** Random access to the snapshot's bytes: a file descriptor in production, a Buffer in tests. */
export interface ByteSource {
  readonly sizeBytes: number;
  /** Up to `length` bytes at `position`; fewer only if the file shrank under us. */
  read(position: number, length: number): Buffer;
}

export function bufferSource(data: Buffer): ByteSource {
  return { sizeBytes: data.length, read: (position, length) => data.subarray(position, position + length) };
}

/** Reads block by block, so loading never holds more than one block beyond the store itself. */
export function fileSource(fd: number): ByteSource {
  return {
    sizeBytes: fstatSync(fd).size,
    read(position, length) {
      const chunk = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const bytesRead = readSync(fd, chunk, filled, length - filled, position + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return chunk.subarray(0, filled);
    },
  };
}

export type RecordSink = (
  db: number,
  key: string,
  value: StoredValue,
  expiresAtMs: number,
  meta: string | undefined,
) => void;

export interface DecodeSummary {
  records: number;
  createdAtMs: number;
  sizeBytes: number;
}

type Fail = (offset: number, reason: string) => never;

/**
 * Verifies and decodes a snapshot, handing each record to `sink` once its block's checksum has
 * passed. Throws SnapshotCorruptError (with the file offset) on any damage or truncation and
 * SnapshotVersionError for an intact file this build cannot read. Records already handed to the
 * sink before an error are the caller's to discard.
 */
export function decodeSnapshot(source: ByteSource, file: string, sink: RecordSink): DecodeSummary {
  const fail: Fail = (offset, reason) => {
    throw new SnapshotCorruptError(file, offset, reason);
  };
  const createdAtMs = readHeader(source, file, fail);
  const codecs = codecsByTypeByte();
  let position = HEADER_BYTES;
  let runningCrc = 0;
  let records = 0;
  for (;;) {
    const head = readExactly(source, position, BLOCK_HEADER_BYTES, 'a block header', fail);
    const payloadBytes = head.readUInt32BE(0);
    if (payloadBytes === 0) break;
    const payload = readBlockPayload(source, position, payloadBytes, fail);
    runningCrc = crc32(payload, runningCrc);
    if (runningCrc !== head.readUInt32BE(4)) fail(position, 'block checksum mismatch');
    const input = new ByteReader(payload, position + BLOCK_HEADER_BYTES, fail);
    while (!input.atEnd) {
      readRecord(input, codecs, sink, file);
      records++;
    }
    position += BLOCK_HEADER_BYTES + payloadBytes;
  }
  readTrailer(source, position, runningCrc, records, fail);
  return { records, createdAtMs, sizeBytes: source.sizeBytes };
}

function readExactly(source: ByteSource, position: number, length: number, what: string, fail: Fail): Buffer {
  const available = source.sizeBytes - position;
  const chunk = length <= available ? source.read(position, length) : undefined;
  if (chunk === undefined || chunk.length < length) {
    const endsAt = position + (chunk?.length ?? Math.max(available, 0));
    fail(position, `expected ${what} but the file ends at offset ${endsAt} (truncated)`);
  }
  return chunk!;
}

/** Reports a short block at the block's own offset: its length field may be the damaged part. */
function readBlockPayload(source: ByteSource, blockOffset: number, payloadBytes: number, fail: Fail): Buffer {
  const payloadStart = blockOffset + BLOCK_HEADER_BYTES;
  const chunk = payloadStart + payloadBytes <= source.sizeBytes ? source.read(payloadStart, payloadBytes) : undefined;
  if (chunk === undefined || chunk.length < payloadBytes) {
    const endsAt = chunk === undefined ? source.sizeBytes : payloadStart + chunk.length;
    fail(blockOffset, `the block declares ${payloadBytes} bytes but the file ends at offset ${endsAt} (truncated)`);
  }
  return chunk!;
}

function readHeader(source: ByteSource, file: string, fail: Fail): number {
  const header = readExactly(source, 0, HEADER_BYTES, `the ${HEADER_BYTES}-byte header`, fail);
  if (!header.subarray(0, MAGIC.length).equals(MAGIC)) fail(0, 'not a Larder snapshot (bad magic bytes)');
  if (crc32(header.subarray(0, HEADER_BYTES - 4)) !== header.readUInt32BE(HEADER_BYTES - 4)) {
    fail(0, 'header checksum mismatch');
  }
  const version = header.readUInt16BE(8);
  if (version !== FORMAT_VERSION) {
    throw new SnapshotVersionError(file, `it has format version ${version}; this build reads version ${FORMAT_VERSION}`);
  }
  const flags = header.readUInt16BE(10);
  if (flags !== 0) throw new SnapshotVersionError(file, `it sets header flags 0x${flags.toString(16)} this build does not know`);
  return header.readDoubleBE(12);
}

function readRecord(input: ByteReader, codecs: ReadonlyArray<ValueCodec | undefined>, sink: RecordSink, file: string): void {
  const start = input.offset;
  const typeByte = input.u8();
  const codec = codecs[typeByte];
  if (codec === undefined) throw new SnapshotVersionError(file, `the record at offset ${start} has value type ${typeByte}`);
  const flags = input.u8();
  if ((flags & ~KNOWN_RECORD_FLAGS) !== 0) {
    throw new SnapshotVersionError(file, `the record at offset ${start} sets unknown flags 0x${flags.toString(16)}`);
  }
  const db = input.varint();
  const expiresAtMs = (flags & RecordFlag.hasExpiry) !== 0 ? input.f64() : 0;
  const meta = (flags & RecordFlag.hasMeta) !== 0 ? input.utf8() : undefined;
  const key = input.latin1();
  sink(db, key, codec.decode(input), expiresAtMs, meta);
}

function readTrailer(source: ByteSource, position: number, bodyCrc: number, records: number, fail: Fail): void {
  const trailer = readExactly(source, position, TRAILER_BYTES, 'the end marker', fail);
  if (crc32(trailer.subarray(0, TRAILER_BYTES - 4)) !== trailer.readUInt32BE(TRAILER_BYTES - 4)) {
    fail(position, 'end marker checksum mismatch');
  }
  if (trailer.readUInt32BE(4) !== bodyCrc) fail(position, 'the body checksum in the end marker does not match the blocks');
  const declared = Number(trailer.readBigUInt64BE(8));
  if (declared !== records) fail(position, `the end marker declares ${declared} records but the blocks hold ${records}`);
  const end = position + TRAILER_BYTES;
  if (source.sizeBytes !== end) fail(end, `${source.sizeBytes - end} unexpected bytes after the end marker`);
}
