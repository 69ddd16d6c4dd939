import { nodeFs, type AtomicFs } from './atomic-file.js';
import { AtomicStream, AtomicStreamSync } from './atomic-stream.js';
import { SnapshotCapture } from './snapshot-capture.js';
import { encodeAllEntries, SnapshotEncoder } from './snapshot-encoder.js';
import type { Store } from './store.js';

export interface SnapshotWriteResult {
  records: number;
  bytes: number;
}

/**
 * Where a background snapshot's bytes go, in order: an atomic file. `AtomicStream` (node:fs) is
 * one; the append-only log's base files use one over its own file seam (src/persistence).
 * `write()` only queues; the first failure is kept and rethrown by `settled()` / `commit()`.
 */
export interface SnapshotSink {
  /**
   * Queues `chunk`. A sink that calls `written` once the bytes are on their way to the disk (done
   * or failed) lets the encoder reuse the buffer; one that never calls it costs fresh buffers.
   */
  write(chunk: Buffer, written?: () => void): void;
  /** Bytes queued and not yet written: the walk waits for the disk when this grows too large. */
  readonly backlogBytes: number;
  readonly failed: boolean;
  settled(): Promise<void>;
  /** Makes the whole file durable under its final name; resolves with its size in bytes. */
  commit(): Promise<number>;
  /** Removes what was written; the final name keeps its previous content. Never rejects. */
  abort(): Promise<void>;
}

export interface StreamSnapshotOptions {
  /** The capture's moment: keys whose TTL has passed by then are left out. */
  nowMs: number;
  /** How long one slice of the walk may hold the event loop. */
  sliceMs?: number;
  /** Encoded bytes the disk may fall behind by before the walk waits for it. */
  maxBacklogBytes?: number;
  /**
   * Keeps keys whose TTL has passed by `nowMs` too. The append-only log's base needs them: a
   * record after it may replay at an earlier instant (the clock reading of a RESP batch or an
   * EXEC that began before the capture) and must find the key as it was then.
   */
  keepExpiredKeys?: boolean;
}

export interface BackgroundSnapshotOptions extends StreamSnapshotOptions {
  /** Test seam for the file-system calls (see atomic-file.ts). */
  io?: AtomicFs;
}

export interface BackgroundSnapshotResult extends SnapshotWriteResult {
  /**
   * In-place writes the capture was not told of before they happened: some code path changed a
   * value without Keyspace.lookupForWrite, so that key shows its newer value. Should be 0; the
   * server logs a warning otherwise and the tests assert it.
   */
  unannouncedWrites: number;
  /** The longest the capture held the event loop in one slice (GC and the OS can add to a stall). */
  longestSliceMs: number;
}

export interface BackgroundSnapshot {
  /** The point in time the image shows (options.nowMs). */
  readonly capturedAtMs: number;
  /** Resolves once the file is in place and durable; rejects (leaving any old file as it was) on failure. */
  readonly done: Promise<BackgroundSnapshotResult>;
}

/**
 * 5 ms slices keep the longest stall far below the 50 ms promise while costing little: a turn of
 * the event loop between slices is microseconds when idle.
 */
const DEFAULT_SLICE_MS = 5;
const DEFAULT_MAX_BACKLOG_BYTES = 32 << 20;

/** Encoded, not yet queued for writing (the capture may encode inside any client's write). */
interface PendingChunk {
  chunk: Buffer;
  release: () => void;
}

/**
 * SAVE: writes every live key to `file` (temp → fsync → rename → fsync dir) before returning.
 * Blocks the event loop as Redis's SAVE blocks the server, so it walks the Map directly (the
 * fastest order) and streams 1 MiB chunks to the file as they are encoded.
 */
export function writeSnapshotSync(store: Store, file: string, options: { nowMs: number; io?: AtomicFs }): SnapshotWriteResult {
  const stream = new AtomicStreamSync(file, options.io ?? nodeFs);
  try {
    const encoder = new SnapshotEncoder(options.nowMs, (chunk, release) => {
      stream.write(chunk);
      release();
    });
    encodeAllEntries(store, options.nowMs, encoder);
    encoder.finish();
    stream.commit();
    return { records: encoder.records, bytes: stream.bytesWritten };
  } catch (error) {
    stream.abort();
    throw error;
  }
}

/**
 * Captures a point-in-time image of `store` as of this call and writes it to `file` (temp →
 * fsync → rename → fsync dir) without stalling the event loop: the capture (SnapshotCapture)
 * walks the keyspaces in `sliceMs` slices, yielding between them, while writes go on and are
 * kept out of the image by copy-on-write. The image holds exactly the writes made before the call,
 * so a caller may switch log files right after it (the append log's rewrite does) and know that
 * every later write is in the new log and none of them in the image.
 */
export function writeSnapshotInBackground(store: Store, file: string, options: BackgroundSnapshotOptions): BackgroundSnapshot {
  return streamSnapshotInBackground(store, () => AtomicStream.open(file, options.io ?? nodeFs), options);
}

/**
 * writeSnapshotInBackground with the destination chosen by the caller: the image is captured as
 * of this call (synchronously: `openSink` is called after the capture began), then streamed to
 * the sink the promise gives, and committed.
 */
export function streamSnapshotInBackground(store: Store, openSink: () => Promise<SnapshotSink>, options: StreamSnapshotOptions): BackgroundSnapshot {
  const pending: PendingChunk[] = [];
  const encoder = new SnapshotEncoder(options.nowMs, (chunk, release) => pending.push({ chunk, release }));
  const capture = new SnapshotCapture(store, encoder, options.keepExpiredKeys === true ? 0 : options.nowMs);
  const done = drive(capture, encoder, pending, openSink, options).catch((error: unknown) => {
    capture.stop();
    throw error;
  });
  return { capturedAtMs: options.nowMs, done };
}

async function drive(
  capture: SnapshotCapture,
  encoder: SnapshotEncoder,
  pending: PendingChunk[],
  openSink: () => Promise<SnapshotSink>,
  options: StreamSnapshotOptions,
): Promise<BackgroundSnapshotResult> {
  const stream = await openSink();
  const sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
  const maxBacklogBytes = options.maxBacklogBytes ?? DEFAULT_MAX_BACKLOG_BYTES;
  let longestSliceMs = 0;
  try {
    for (let finished = false; !finished; ) {
      const sliceStartMs = performance.now();
      finished = capture.step(sliceMs);
      longestSliceMs = Math.max(longestSliceMs, performance.now() - sliceStartMs);
      for (const { chunk, release } of pending.splice(0)) stream.write(chunk, release);
      // Wait for the disk when it falls behind (or failed: settled() rethrows), else yield one turn.
      if (stream.failed || stream.backlogBytes > maxBacklogBytes) await stream.settled();
      else if (!finished) await nextTurn();
    }
    encoder.finish();
    for (const { chunk, release } of pending.splice(0)) stream.write(chunk, release);
    const bytes = await stream.commit();
    return { records: encoder.records, bytes, unannouncedWrites: capture.unannouncedWrites, longestSliceMs };
  } catch (error) {
    await stream.abort();
    throw error;
  }
}

/** setImmediate runs after pending I/O callbacks: clients are served between two slices. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
