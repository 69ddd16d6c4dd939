import { crc32 } from 'node:zlib';
import { nodeAofReadFs, withFileWindow, type AofReadFs, type FileWindow } from './aof-fs.js';
import {
  AOF_FORMAT_VERSION,
  AOF_HEADER_BYTES,
  AOF_MAGIC,
  decodeAofPayload,
  MIN_PAYLOAD_BYTES,
  RECORD_HEAD_BYTES,
  RECORD_OVERHEAD_BYTES,
  type AofRecord,
} from './aof-record.js';

/** A log (or its manifest) is damaged, or does not match the engine; start-up must stop. */
export class AofCorruptError extends Error {
  constructor(
    readonly file: string,
    /** Byte offset in `file` where the damage was found (a record's first byte for record damage). */
    readonly offset: number,
    readonly reason: string,
    message = `append-only log ${file} is corrupt at offset ${offset}: ${reason}`,
  ) {
    super(message);
    this.name = 'AofCorruptError';
  }
}

export interface AofReadResult {
  /** Bytes from the start of the file through the last complete, valid record (or the header). */
  validBytes: number;
  /** Where the incomplete record at the end of the file starts; undefined when the file ends cleanly. */
  truncatedAt: number | undefined;
}

type Fail = (offset: number, reason: string) => never;

/**
 * Streams the records of one incremental log file to `onRecord`, each with the offset where it
 * ends, after its checksums have passed. How the end of the file is read:
 *
 * - it ends exactly after a record (or the header): clean;
 * - it ends inside a record's 8-byte head, or inside a payload whose head is valid: a truncated
 *   tail, the trace of a crash in the middle of an append;
 * - every byte from a record boundary to the end is zero: also a truncated tail. Some file systems
 *   (XFS, ext4 with data=writeback) can grow a file's size before the data lands, so a power loss
 *   leaves zeros where the last append was going. An all-zero head never passes its CRC, so a
 *   zero run is never mistaken for a record;
 * - a head whose length CRC fails, or a payload whose CRC fails: corruption, thrown as
 *   AofCorruptError at that record's offset. Nothing after damage is trusted.
 *
 * The caller decides whether a truncated tail is acceptable (only in the last file of a log).
 */
export function readAofFile(
  path: string,
  onRecord: (record: AofRecord, endOffset: number) => void,
  io: AofReadFs = nodeAofReadFs,
): AofReadResult {
  const fail: Fail = (offset, reason) => {
    throw new AofCorruptError(path, offset, reason);
  };
  return withFileWindow(io, path, (window) => {
    if (!readHeader(window, fail)) return { validBytes: 0, truncatedAt: 0 };
    let position = AOF_HEADER_BYTES;
    while (position < window.sizeBytes) {
      const next = readRecord(window, position, onRecord, fail);
      if (next === undefined) return { validBytes: position, truncatedAt: position };
      position = next;
    }
    return { validBytes: position, truncatedAt: undefined };
  });
}

/** Verifies the file header; false when the file ends before the header does. */
function readHeader(window: FileWindow, fail: Fail): boolean {
  const header = window.read(0, AOF_HEADER_BYTES);
  const magicBytes = header.subarray(0, AOF_MAGIC.length);
  const looksLikeLog = magicBytes.equals(AOF_MAGIC.subarray(0, magicBytes.length));
  if (header.length < AOF_HEADER_BYTES) {
    // Created, then the crash came before its header was durable.
    if (looksLikeLog || window.zeroFrom(0)) return false;
    fail(0, 'not a Larder append-only log (bad magic bytes)');
  }
  if (!looksLikeLog) {
    if (window.zeroFrom(0)) return false;
    fail(0, 'not a Larder append-only log (bad magic bytes)');
  }
  if (crc32(header.subarray(0, AOF_HEADER_BYTES - 4)) !== header.readUInt32BE(AOF_HEADER_BYTES - 4)) {
    fail(0, 'header checksum mismatch');
  }
  const version = header.readUInt16BE(AOF_MAGIC.length);
  if (version !== AOF_FORMAT_VERSION) fail(0, `format version ${version}; this build reads version ${AOF_FORMAT_VERSION}`);
  const flags = header.readUInt16BE(AOF_MAGIC.length + 2);
  if (flags !== 0) fail(0, `header flags 0x${flags.toString(16)} this build does not know`);
  return true;
}

/** Reads the record at `position`; returns where it ends, or undefined for a truncated tail. */
function readRecord(
  window: FileWindow,
  position: number,
  onRecord: (record: AofRecord, endOffset: number) => void,
  fail: Fail,
): number | undefined {
  if (window.sizeBytes - position < RECORD_HEAD_BYTES) return undefined;
  const head = window.read(position, RECORD_HEAD_BYTES);
  const payloadBytes = head.readUInt32BE(0);
  if (crc32(head.subarray(0, 4)) !== head.readUInt32BE(4)) {
    if (window.zeroFrom(position)) return undefined;
    fail(position, 'record length checksum mismatch');
  }
  if (payloadBytes < MIN_PAYLOAD_BYTES) fail(position, `the record declares ${payloadBytes} payload bytes, fewer than any record has`);
  const end = position + RECORD_OVERHEAD_BYTES + payloadBytes;
  if (end > window.sizeBytes) return undefined;
  const body = window.read(position + RECORD_HEAD_BYTES, payloadBytes + 4);
  const payload = body.subarray(0, payloadBytes);
  if (crc32(payload) !== body.readUInt32BE(payloadBytes)) fail(position, 'record checksum mismatch');
  const record = decodeAofPayload(payload, position + RECORD_HEAD_BYTES, (offset, reason) =>
    fail(position, `${reason} (at offset ${offset})`),
  );
  onRecord(record, end);
  return end;
}
