import type { SnapshotSink } from '../store/snapshot-writer.js';
import type { AofDirectory } from './aof-files.js';
import { baseFileName, incrFileName, type AofManifest, type AofFileRef } from './aof-manifest.js';
import type { AofWriter, Segment } from './aof-writer.js';
import { BaseFileSink } from './base-file-sink.js';
import type { LogFs } from './log-fs.js';

export interface RewriteContext {
  readonly writer: AofWriter;
  readonly directory: AofDirectory;
  readonly fs: LogFs;
  /** The sequence number of the new base and incremental file. */
  readonly seq: number;
  /** The manifest in force when the rewrite begins. */
  readonly manifest: AofManifest;
  /** Each manifest once it is durable: from then on it is the one a restart loads. */
  onManifest(manifest: AofManifest): void;
  /** Starts the background capture of the store now and streams it to the sink (AppendLogOptions.captureBase). */
  captureBase(openSink: () => Promise<SnapshotSink>): Promise<unknown>;
}

/**
 * One rewrite, in the order that keeps every acknowledged write in the files a restart loads
 * whatever point a crash interrupts it at (see AppendLog). Resolves with the final manifest;
 * throws after marking the writer failed when records may exist only in memory.
 */
export async function rewriteLog(ctx: RewriteContext): Promise<AofManifest> {
  const { writer, directory, seq } = ctx;
  // Step 1, all synchronous: what is sealed goes to the old file (if it can), then T.
  const recovering = writer.state === 'failed';
  // A first log has nothing to list the new file beside: its records wait for the final manifest.
  const initial = ctx.manifest.incrs.length === 0;
  writer.flushNow();
  const incr = createIncr(ctx, initial);
  const base = startBase(ctx);
  const coveredSeq = writer.sealed;
  const failuresAtStart = writer.failures;
  const old = writer.switchTo(incr);
  const newIncr: AofFileRef = { file: incrFileName(seq), seq };
  try {
    if (recovering || initial) closeQuietly(ctx.fs, old.previous);
    else await listNewIncr(ctx, old, newIncr, incr);
    // Steps 3 and 4 (the new file's header must be durable before a manifest names it).
    if (recovering || initial) await ctx.fs.datasync(incr.fd);
    await base;
    const final: AofManifest = { base: { file: baseFileName(seq), seq }, incrs: [newIncr] };
    await directory.writeManifest(final);
    ctx.onManifest(final);
  } catch (error) {
    // Records only in memory (a first log, or ones a failing write kept out of the old file) are
    // in no file a restart loads: writes stay refused until a later rewrite succeeds.
    if (initial || writer.recordsOnlyInMemory) writer.fsyncFailed(error, initial ? 'creating the append-only log' : 'rewriting the append-only log');
    // The capture goes on until its file is written or abandoned: never two at once.
    await base.catch(() => undefined);
    throw error;
  }
  writer.markDurable(coveredSeq, failuresAtStart);
  writer.resume();
  return { base: { file: baseFileName(seq), seq }, incrs: [newIncr] };
}

function createIncr(ctx: RewriteContext, initial: boolean): Segment {
  try {
    return ctx.directory.createIncr(ctx.seq);
  } catch (error) {
    // Turning the log on with a broken disk: refuse writes and keep retrying, as after an fsync failure.
    if (initial) ctx.writer.fsyncFailed(error, 'creating the append-only log');
    throw error;
  }
}

/** Begins the base image now (T) and streams it to the base file of `seq` over later turns. */
function startBase(ctx: RewriteContext): Promise<unknown> {
  const path = ctx.directory.path(baseFileName(ctx.seq));
  const done = ctx.captureBase(async () => BaseFileSink.create(ctx.fs, ctx.directory.dir, path));
  // Observed at once: a failure while step 2 is still running must not go unhandled.
  done.catch(() => undefined);
  return done;
}

/**
 * Step 2: the old file's last fsync (whatever the policy, as Redis fsyncs an incremental file
 * it leaves), then the manifest that lists the new file; then writes resume.
 */
async function listNewIncr(ctx: RewriteContext, old: ReturnType<AofWriter['switchTo']>, newIncr: AofFileRef, incr: Segment): Promise<void> {
  const { writer, fs } = ctx;
  try {
    if (old.previous !== undefined) {
      const settled = await old.settled;
      if (settled) await fs.datasync(old.previous.fd);
      fs.close(old.previous.fd);
      if (settled) writer.markDurable(old.writtenSeq);
    }
    await fs.datasync(incr.fd);
    const listing: AofManifest = { base: ctx.manifest.base, incrs: [...ctx.manifest.incrs, newIncr] };
    await ctx.directory.writeManifest(listing);
    ctx.onManifest(listing);
    writer.resume();
  } catch (error) {
    // The new file may not be listed: records in it are not safe until a rewrite lists them.
    writer.fsyncFailed(error, 'switching to a new append-only log file');
    throw error;
  }
}

function closeQuietly(fs: LogFs, segment: Segment | undefined): void {
  if (segment === undefined) return;
  try {
    fs.close(segment.fd);
  } catch {
    // A descriptor of a file no longer trusted; nothing depends on closing it cleanly.
  }
}
