import { join } from 'node:path';
import type { Engine } from '../engine.js';
import type { AofReadFs } from './aof-fs.js';
import { loadAof, type AofLoadResult } from './aof-loader.js';
import { AppendLog } from './append-log.js';
import type { FsyncPolicy, LogCallback } from './aof-writer.js';
import type { LogFs } from './log-fs.js';
import { appendAll } from './aof-files.js';
import { AOF_HEADER_BYTES, encodeAofHeader } from './aof-record.js';
import { writeRefusalGate } from './write-gate.js';
import { streamSnapshotInBackground, type SnapshotSink } from '../store/snapshot-writer.js';

export interface AofRuntimeOptions {
  engine: Engine;
  /** The log's directory (data.dir joined with persistence.aofDirName). */
  dir: string;
  fs: LogFs;
  /** The loader's reads; the same disk as `fs`. */
  readFs: AofReadFs;
  policy: FsyncPolicy;
  rewritePercentage: number;
  rewriteMinBytes: number;
  onTruncatedTail: 'load' | 'refuse';
  log: LogCallback;
  /**
   * Test seam: how long one slice of a rewrite's background capture may hold the event loop
   * (default: the snapshot writer's 5 ms). 0 walks ~128 keys per turn, so a test's small store
   * still spreads a rewrite over many turns while writes go on.
   */
  captureSliceMs?: number;
  /** Whether a failed snapshot save refuses writes now (stop-writes-on-bgsave-error). */
  snapshotRefusing: () => boolean;
}

/**
 * Owns the append-only log over the life of the process: loads it at start (or creates it from
 * what is in memory), hooks it to the dispatcher, installs the write gate, lets the doors wait
 * for durability, and turns it on or off at run time (CONFIG SET appendonly).
 */
export class AofRuntime {
  private current: AppendLog | undefined;
  /** Latest settings, also those CONFIG SET changed while the log was off. */
  policy: FsyncPolicy;
  rewritePercentage: number;
  rewriteMinBytes: number;
  /**
   * Turning the log on and off, one after the other: a log being switched off finishes (its
   * rewrite, its final fsync) before the next one is created in the same directory.
   */
  private transitions: Promise<void> = Promise.resolve();

  constructor(private readonly options: AofRuntimeOptions) {
    this.policy = options.policy;
    this.rewritePercentage = options.rewritePercentage;
    this.rewriteMinBytes = options.rewriteMinBytes;
    const { dispatcher } = options.engine;
    dispatcher.onPropagate((db, argv, nowMs) => this.current?.writer.append(db, argv, nowMs));
    dispatcher.onCommandEnd(() => this.current?.writer.seal());
    dispatcher.addGate(writeRefusalGate({ log: () => this.current?.writer, snapshotRefusing: options.snapshotRefusing }));
  }

  get log(): AppendLog | undefined {
    return this.current;
  }

  get enabled(): boolean {
    return this.current !== undefined;
  }

  /**
   * Start-up with the log on: replays the log if the directory has a manifest; otherwise calls
   * `loadFallback` (the snapshot, as Redis does when it first turns the log on) and makes the
   * first base from the loaded store. Throws AofCorruptError naming file and offset.
   */
  async start(loadFallback: () => void): Promise<AofLoadResult> {
    const { engine, readFs, log, dir } = this.options;
    this.options.fs.mkdirp(dir);
    const result = loadAof({ dir, store: engine.store, dispatcher: engine.dispatcher, onTruncatedTail: this.options.onTruncatedTail, log, fs: readFs });
    const appendLog = this.newLog();
    if (result.source === 'aof') {
      if (result.truncated !== undefined) await this.cutTail(result.truncated.file, result.truncated.offset);
      const manifest = appendLog.directory.readManifest()!;
      appendLog.openExisting(manifest);
      // Files of a rewrite a crash interrupted (or whose clean-up it cut short) are not listed: remove them.
      await appendLog.directory.removeUnlisted(manifest).catch((error: unknown) => log('warn', 'could not remove unlisted append-only log files', { err: error }));
    } else {
      loadFallback();
      await appendLog.startFromMemory();
    }
    this.attach(appendLog);
    return result;
  }

  /**
   * CONFIG SET appendonly yes at run time: the first base is written from memory (Redis does a
   * rewrite). Writes from now on are recorded (and held under `always`) while it is written; if
   * the disk fails, writes are refused (MISCONF) and the creation is retried until it succeeds.
   */
  enable(): void {
    if (this.current !== undefined) return;
    const appendLog = this.newLog();
    this.attach(appendLog);
    this.transitions = this.transitions.then(() =>
      appendLog.startFromMemory().catch((error: unknown) => {
        this.options.log('error', 'turning the append-only log on failed; writes are refused while it is retried', { err: error });
      }),
    );
  }

  /** CONFIG SET appendonly no: what is pending is written and fsynced, then the log stops. Never rejects. */
  disable(): Promise<void> {
    const appendLog = this.current;
    if (appendLog !== undefined) {
      this.attach(undefined);
      this.transitions = this.transitions.then(() =>
        appendLog.close().catch((error: unknown) => this.options.log('error', 'closing the append-only log failed', { err: error })),
      );
    }
    return this.transitions;
  }

  /** About once a second: the automatic rewrite. */
  tick(nowMs?: number): void {
    this.current?.tick(nowMs);
  }

  /** BGREWRITEAOF. */
  rewrite(): 'started' | 'already-running' | 'disabled' {
    return this.current === undefined ? 'disabled' : this.current.startRewrite();
  }

  setPolicy(policy: FsyncPolicy): void {
    this.policy = policy;
    if (this.current !== undefined) this.current.writer.policy = policy;
  }

  close(): Promise<void> {
    return this.disable();
  }

  /** Stops the log's timers and writes without touching the disk (a test's simulated crash). */
  halt(): void {
    this.current?.halt();
  }

  private attach(appendLog: AppendLog | undefined): void {
    this.current = appendLog;
    this.options.engine.durability.attach(appendLog?.writer);
  }

  private newLog(): AppendLog {
    // The rewrite thresholds are read live: CONFIG SET changes them for the running log too.
    const thresholds = {
      rewritePercentage: () => this.rewritePercentage,
      rewriteMinBytes: () => this.rewriteMinBytes,
    };
    return new AppendLog({
      dir: this.options.dir,
      fs: this.options.fs,
      policy: this.policy,
      thresholds,
      log: this.options.log,
      captureBase: (openSink) => this.captureBase(openSink),
    });
  }

  /** A rewrite's base: the background capture of the store (copy-on-write, in slices). */
  private async captureBase(openSink: () => Promise<SnapshotSink>): Promise<void> {
    const { store } = this.options.engine;
    const { done } = streamSnapshotInBackground(store, openSink, { nowMs: store.clock.nowMs(), sliceMs: this.options.captureSliceMs, keepExpiredKeys: true });
    const result = await done;
    if (result.unannouncedWrites > 0) {
      this.options.log('warn', 'values changed in place without announcing it to the capture; the rewritten base may show them newer', { keys: result.unannouncedWrites });
    }
  }

  /** The loader kept the complete records before an incomplete last one: the file is cut there before appending. */
  private async cutTail(path: string, offset: number): Promise<void> {
    const { fs } = this.options;
    const fd = fs.openAppend(path);
    try {
      // Nothing but (part of) a header survived: the file starts over with a whole one, or the
      // records appended next would follow no header and the next start-up would refuse the file.
      const headerOnly = offset < AOF_HEADER_BYTES;
      fs.truncate(fd, headerOnly ? 0 : offset);
      if (headerOnly) appendAll(fs, fd, encodeAofHeader());
      await fs.datasync(fd);
    } finally {
      fs.close(fd);
    }
    this.options.log('warn', 'cut the incomplete last record off the append-only log', { file: path, offset });
  }
}

export function aofDirectory(dataDir: string, dirName: string): string {
  return join(dataDir, dirName);
}
