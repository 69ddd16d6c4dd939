import type { SnapshotSink } from '../store/snapshot-writer.js';
import type { AofManifest } from './aof-manifest.js';
import { AofDirectory } from './aof-files.js';
import { rewriteLog } from './aof-rewrite.js';
import { AofWriter, type FsyncPolicy, type LogCallback } from './aof-writer.js';
import { AutoRewrite, type RewriteThresholds } from './auto-rewrite.js';
import { errnoCode, type LogFs } from './log-fs.js';

export interface AppendLogOptions {
  /** The log's directory (data.dir/persistence.aofDirName). */
  dir: string;
  fs: LogFs;
  policy: FsyncPolicy;
  /** When an automatic rewrite is due; read at each check, so CONFIG SET applies at once. */
  thresholds: RewriteThresholds;
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
  private readonly auto: AutoRewrite;

  constructor(private readonly options: AppendLogOptions) {
    this.auto = new AutoRewrite(options.thresholds, options.log);
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
    this.auto.manualRewrite();
    void this.rewrite();
    return 'started';
  }

  /** Called about once a second (`nowMs`: a monotonic clock): the automatic rewrite when the log outgrew its base. */
  tick(nowMs = performance.now()): void {
    if (this.closed || this.rewriting !== undefined || this.writer.refusing) return;
    const currentBytes = this.currentBytes();
    const growthPercent = this.auto.due(currentBytes, this.rewriteBaseBytes, nowMs);
    if (growthPercent === undefined) return;
    this.options.log('info', `starting automatic append-only log rewrite: ${Math.round(growthPercent)}% growth`, { currentBytes, baseBytes: this.rewriteBaseBytes });
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
      this.auto.rewriteEnded(true);
      this.options.log('info', 'append-only log rewritten', { durationMs: Math.round(performance.now() - this.rewriteStartedMs), bytes: this.listedBytes });
    } catch (error) {
      this.lastRewriteOk = false;
      this.auto.rewriteEnded(false);
      this.options.log('error', 'append-only log rewrite failed', { code: errnoCode(error), err: error });
      // The writer appends to the new incremental file now (listed, unless the switch failed).
      this.listedBytes = this.sizeOfListed(this.manifest) - this.writer.appendedBytes;
    } finally {
      this.lastRewriteDurationMs = performance.now() - this.rewriteStartedMs;
    }
  }

  private async rewriteSteps(): Promise<void> {
    // Records of a command still running would be in the image and again in the new file.
    if (this.writer.unitOpen) await nextTurn();
    this.manifest = await rewriteLog({
      writer: this.writer,
      directory: this.directory,
      fs: this.options.fs,
      seq: this.nextSeq++,
      manifest: this.manifest,
      onManifest: (manifest) => (this.manifest = manifest),
      captureBase: this.options.captureBase,
    });
    this.listedBytes = this.sizeOfListed(this.manifest) - this.writer.appendedBytes;
    this.rewriteBaseBytes = this.currentBytes();
    await this.directory.removeUnlisted(this.manifest);
  }

  /** Sizes of the files `manifest` lists; what is known so far when the disk will not tell. */
  private sizeOfListed(manifest: AofManifest): number {
    try {
      let bytes = manifest.base === undefined ? 0 : this.directory.sizeOf(manifest.base.file);
      for (const incr of manifest.incrs) bytes += this.directory.sizeOf(incr.file);
      return bytes;
    } catch {
      return this.listedBytes;
    }
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
