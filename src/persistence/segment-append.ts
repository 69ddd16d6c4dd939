import { errnoCode, type LogFs } from './log-fs.js';

/** The incremental file records are appended to; `sizeBytes` ends at its last complete record. */
export interface Segment {
  readonly path: string;
  readonly fd: number;
  sizeBytes: number;
}

export type AppendOutcome =
  | { ok: true }
  /** Nothing of `data` stays in the file; writes may resume once a retry succeeds. */
  | { ok: false; cutBack: true; code: string; error: unknown; writtenBytes: number }
  /** Part of a record stays in the file: it must never be appended to again. */
  | { ok: false; cutBack: false; code: string; error: unknown; truncateError: unknown };

/**
 * Appends all of `data` (whole records) to the segment. A failure part-way (ENOSPC after a
 * short write, EIO) cuts the file back to its last complete record, as Redis's
 * flushAppendOnlyFile does with ftruncate, so a retry never leaves half a record before the
 * next whole one. A short write is followed by another call, which reports the error itself.
 */
export function appendWhole(fs: LogFs, segment: Segment, data: Buffer): AppendOutcome {
  let written = 0;
  try {
    while (written < data.length) {
      const bytes = fs.append(segment.fd, data, written, data.length - written);
      if (bytes <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
      written += bytes;
    }
    segment.sizeBytes += data.length;
    return { ok: true };
  } catch (error) {
    const code = errnoCode(error) ?? 'EIO';
    if (written === 0) return { ok: false, cutBack: true, code, error, writtenBytes: 0 };
    try {
      fs.truncate(segment.fd, segment.sizeBytes);
      return { ok: false, cutBack: true, code, error, writtenBytes: written };
    } catch (truncateError) {
      return { ok: false, cutBack: false, code, error, truncateError };
    }
  }
}
