import type { SnapshotSink } from '../store/snapshot-writer.js';
import { baseFileName, incrFileName, type AofManifest } from './aof-manifest.js';
import { AofDirectory } from './aof-files.js';
import { AofWriter, type FsyncPolicy, type LogCallback, type Segment } from './aof-writer.js';
import { BaseFileSink } from './base-file-sink.js';
import { errnoCode, type LogFs } from './log-fs.js';

export interface AppendLogOptions {
  /** The log's directory (data.dir/persistence.aofDirName). */
  dir: string;
  fs: LogFs;
  policy: FsyncPolicy;
  /**
   * Automatic rewrite when the log grew `rewritePercentage` percent over its size after the last
   * rewrite (0: never) and is at least `rewriteMinBytes` large; read at each check.
   */
  thresholds: { rewritePercentage(): number; rewriteMinBytes(): number };
  log: LogCallback;
  /**
   * The rewrite's base: captures the whole store as of this call (the capture must begin
   * before it returns) and streams it in snapshot format to the sink `openSink` gives, over
   * later event-loop turns; resolves once the sink committed the file.
   */
  captureBase: (openSink: () => Promise<SnapshotSink>) => Promise<unknown>;
}

/** A failed rewrite (and the recovery after an fsync failure) is retried after this long. */
export const REWRITE_RETRY_MS = 500;

export interface RewriteStatus {
  inProgress: boolean;
  scheduled: boolean;
  lastOk: boolean;
  lastDurationMs: number;
  currentDurationMs: number;
}

/**
 * The append-only log at run time, Redis 7's multi-part design: a manifest lists one base file (a
 * snapshot) and the incremental files after it. Commands reach the writer through the
 * dispatcher's propagation hooks; a rewrite replaces base + incrementals with a fresh base and an
 * empty incremental file. Every switch is ordered so that a crash at any point restarts from a
 * manifest whose files hold every acknowledged write:
 *
 * 1. at one synchronous moment T the writer switches to a new incremental file and the base
 *    image of the store is taken;
 * 2. the manifest "old base + old incrementals + new incremental" is made durable before a
 *    record in the new file is acknowledged (records wait in memory meanwhile);
 * 3. the base is written (temp → fdatasync → rename → fsync dir);
 * 4. the manifest "new base + new incremental" is made durable; then the old files go.
 *
 * After an fsync failure the old files are never trusted again: step 2 is skipped, and the
 * rewrite is the recovery — retried until it succeeds, writes refused until then.
 */
export class AppendLog {
  readonly writer: AofWriter;
  readonly directory: AofDirectory;
  private manifest: AofManifest = { base: undefined, incrs: [] };
  private nextSeq = 1;
  private rewriting: Promise<void> | undefined;
  private scheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private lastRewriteOk = true;
  private lastRewriteDurationMs = -1;
  private rewriteStartedMs = 0;
  /** Sizes for INFO and the automatic rewrite: files as listed, and the total after the last rewrite. */
  private listedBytes = 0;
  private rewriteBaseBytes = 0;
  private closed = false;

  constructor(private readonly options: AppendLogOptions) {
    this.directory = new AofDirectory(options.dir, options.fs);
    this.writer = new AofWriter({ fs: options.fs, policy: options.policy, log: options.log, onFsyncFailure: () => this.recover() });
  }

  /** Appends to the last incremental file of the manifest that was just loaded. */
  openExisting(manifest: AofManifest): void {
    this.manifest = manifest;
    this.nextSeq = this.directory.nextSeq(manifest);
    const last = manifest.incrs[manifest.incrs.length - 1];
    if (last === undefined) throw new Error(`append-only log manifest in ${this.options.dir} lists no incremental file`);
    this.writer.attach(this.directory.openIncr(last.file));
    this.listedBytes = this.sizeOfListed(manifest);
    this.rewriteBaseBytes = this.listedBytes;
  }

  /**
   * No log yet (first start, or `appendonly` turned on): the first base is the store as it is now
   * (loaded from a snapshot, or empty). Writes go on meanwhile and are held until it is durable.
   */
  async startFromMemory(): Promise<void> {
    this.options.fs.mkdirp(this.options.dir);
    this.nextSeq = this.directory.nextSeq(undefined);
    await this.rewrite();
    if (!this.lastRewriteOk) throw new Error(`could not create the append-only log in ${this.options.dir}; see the log above`);
  }

  /** BGREWRITEAOF. */
  startRewrite(): 'started' | 'already-running' {
    if (this.rewriting !== undefined) return 'already-running';
    void this.rewrite();
    return 'started';
  }

  /** Called about once a second: the automatic rewrite when the log outgrew its base. */
  tick(): void {
    if (this.closed || this.rewriting !== undefined || this.writer.refusing) return;
    const rewritePercentage = this.options.thresholds.rewritePercentage();
    const rewriteMinBytes = this.options.thresholds.rewriteMinBytes();
    const currentBytes = this.currentBytes();
    if (rewritePercentage === 0 || currentBytes < rewriteMinBytes) return;
    const base = Math.max(1, this.rewriteBaseBytes);
    const growthPercent = ((currentBytes - base) * 100) / base;
    if (growthPercent < rewritePercentage) return;
    this.options.log('info', `starting automatic append-only log rewrite: ${Math.round(growthPercent)}% growth`, { currentBytes, baseBytes: base });
    void this.rewrite();
  }

  currentBytes(): number {
    return this.listedBytes + this.writer.appendedBytes;
  }

  baseBytes(): number {
    return this.manifest.base === undefined ? 0 : this.directory.sizeOf(this.manifest.base.file);
  }

  rewriteStatus(): RewriteStatus {
    const inProgress = this.rewriting !== undefined;
    return {
      inProgress,
      scheduled: this.scheduled || this.retryTimer !== undefined,
      lastOk: this.lastRewriteOk,
      lastDurationMs: this.lastRewriteDurationMs,
      currentDurationMs: inProgress ? performance.now() - this.rewriteStartedMs : -1,
    };
  }

  /** Shutdown: waits for a rewrite in flight, then writes and fsyncs what is pending. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.rewriting;
    await this.writer.close();
  }

  /** Stops timers and writes without touching the disk (a test's simulated crash). */
  halt(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.writer.halt();
  }

  /** An fsync failed: rewrite from memory now, or as soon as the running rewrite ends. */
  private recover(): void {
    if (this.closed) return;
    if (this.rewriting !== undefined) this.scheduled = true;
    else void this.rewrite();
  }

  private rewrite(): Promise<void> {
    this.rewriting = this.runRewrite().finally(() => {
      this.rewriting = undefined;
      this.afterRewrite();
    });
    return this.rewriting;
  }

  private afterRewrite(): void {
    if (this.closed) return;
    const again = this.scheduled || this.writer.state === 'failed';
    this.scheduled = false;
    if (!again || this.retryTimer !== undefined) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.rewriting === undefined && !this.closed) void this.rewrite();
    }, REWRITE_RETRY_MS);
    this.retryTimer.unref();
  }

  private async runRewrite(): Promise<void> {
    this.rewriteStartedMs = performance.now();
    try {
      await this.rewriteSteps();
      this.lastRewriteOk = true;
      this.options.log('info', 'append-only log rewritten', { durationMs: Math.round(performance.now() - this.rewriteStartedMs), bytes: this.listedBytes });
    } catch (error) {
      this.lastRewriteOk = false;
      this.options.log('error', 'append-only log rewrite failed', { code: errnoCode(error), err: error });
    } finally {
      this.lastRewriteDurationMs = performance.now() - this.rewriteStartedMs;
    }
  }

  private async rewriteSteps(): Promise<void> {
    const { writer, directory } = this;
    // Records of a command still running would be in the image and again in the new file.
    if (writer.unitOpen) await nextTurn();
    // Step 1, all synchronous: what is sealed goes to the old file (if it can), then T.
    const recovering = writer.state === 'failed';
    writer.flushNow();
    const seq = this.nextSeq++;
    const incr = directory.createIncr(seq);
    const base = this.startBase(seq);
    const coveredSeq = writer.sealed;
    const failuresAtStart = writer.failures;
    const old = writer.switchTo(incr);
    const oldManifest = this.manifest;
    const newIncr = { file: incrFileName(seq), seq };
    // A first log has nothing to list the new file beside: its records wait for the final manifest.
    const initial = oldManifest.incrs.length === 0;
    try {
      if (recovering || initial) this.closeQuietly(old.previous);
      else await this.listNewIncr(old, oldManifest, newIncr, incr);
      // Steps 3 and 4 (the new file's header must be durable before a manifest names it).
      if (recovering || initial) await this.options.fs.datasync(incr.fd);
      await base;
      const final: AofManifest = { base: { file: baseFileName(seq), seq }, incrs: [newIncr] };
      await directory.writeManifest(final);
      this.manifest = final;
    } catch (error) {
      // Without a durable manifest naming it, nothing written to the new file is safe.
      if (initial) writer.fsyncFailed(error, 'creating the append-only log');
      // The capture goes on until its file is written or abandoned: never two at once.
      await base.catch(() => undefined);
      throw error;
    }
    writer.markDurable(coveredSeq, failuresAtStart);
    writer.resume();
    this.listedBytes = this.sizeOfListed(this.manifest) - writer.appendedBytes;
    this.rewriteBaseBytes = this.currentBytes();
    await directory.removeUnlisted(this.manifest);
  }

  /** Begins the base image now (T) and streams it to the base file of `seq` over later turns. */
  private startBase(seq: number): Promise<unknown> {
    const { fs, dir } = this.options;
    const path = this.directory.path(baseFileName(seq));
    const done = this.options.captureBase(async () => BaseFileSink.create(fs, dir, path));
    // Observed at once: a failure while step 2 is still running must not go unhandled.
    done.catch(() => undefined);
    return done;
  }

  private closeQuietly(segment: Segment | undefined): void {
    if (segment === undefined) return;
    try {
      this.options.fs.close(segment.fd);
    } catch {
      // A descriptor of a file no longer trusted; nothing depends on closing it cleanly.
    }
  }

  /** Step 2: the old file's last fsync, then the manifest that lists the new file; then writes resume. */
  private async listNewIncr(
    old: { previous: Segment | undefined; writtenSeq: number; settled: Promise<boolean> },
    oldManifest: AofManifest,
    newIncr: { file: string; seq: number },
    incr: Segment,
  ): Promise<void> {
    const { writer } = this;
    try {
      const fs = this.options.fs;
      if (old.previous !== undefined) {
        const settled = await old.settled;
        if (settled && writer.policy !== 'no') await fs.datasync(old.previous.fd);
        fs.close(old.previous.fd);
        if (settled) writer.markDurable(old.writtenSeq);
      }
      await fs.datasync(incr.fd);
      const listing: AofManifest = { base: oldManifest.base, incrs: [...oldManifest.incrs, newIncr] };
      await this.directory.writeManifest(listing);
      this.manifest = listing;
      writer.resume();
    } catch (error) {
      // The new file may not be listed: records in it are not safe until a rewrite lists them.
      writer.fsyncFailed(error, 'switching to a new append-only log file');
      throw error;
    }
  }

  private sizeOfListed(manifest: AofManifest): number {
    let bytes = manifest.base === undefined ? 0 : this.directory.sizeOf(manifest.base.file);
    for (const incr of manifest.incrs) bytes += this.directory.sizeOf(incr.file);
    return bytes;
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
