import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Errors, type CommandError } from '../errors.js';
import { nodeFs, type AtomicFs } from './atomic-file.js';
import { SnapshotCorruptError } from './snapshot-format.js';
import { errnoCode, loadSnapshotFile, moveAsideCorrupt } from './snapshot-loader.js';
import { writeSnapshotInBackground, writeSnapshotSync, type BackgroundSnapshotResult, type SnapshotWriteResult } from './snapshot-writer.js';
import type { Store } from './store.js';

export { SnapshotCorruptError, SnapshotVersionError } from './snapshot-format.js';

/** Redis's `save <seconds> <changes>`: save once `afterSeconds` have passed with `minChanges` writes. */
export interface SaveRule {
  afterSeconds: number;
  minChanges: number;
}

export type SnapshotLog = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface SnapshotOptions {
  /** Created if missing. */
  dataDir: string;
  fileName: string;
  /** Empty: only explicit SAVE / BGSAVE (and the shutdown save) write snapshots. */
  saveRules: readonly SaveRule[];
  /** `refuse`: load() throws. `move-aside`: rename to `<file>.corrupt-<time>`, start empty, warn. */
  onCorrupt: 'refuse' | 'move-aside';
  log: SnapshotLog;
  /** Test seam: the file-system calls of the atomic write. */
  fs?: AtomicFs;
}

export interface LoadResult {
  source: 'file' | 'none' | 'moved-aside';
  keysLoaded: number;
  expiredDropped: number;
  file: string;
}

export interface SnapshotStatus {
  lastSaveUnixSeconds: number;
  lastSaveOk: boolean;
  bgsaveInProgress: boolean;
  changesSinceLastSave: number;
  lastSaveDurationMs: number;
}

type SaveKind = 'save' | 'bgsave';

/** After a failed save, automatic saves wait this long before retrying (Redis: 5 s). */
const RETRY_DELAY_MS = 5_000;

/**
 * Snapshots of the whole store: loaded once at start, written by SAVE (synchronously, as Redis's
 * SAVE), BGSAVE and the save rules (a point-in-time capture that runs in slices beside the
 * clients: snapshot-capture.ts). Times come from the store's clock so tests drive the save policy
 * with a ManualClock.
 */
export class SnapshotPersistence {
  readonly file: string;
  private readonly io: AtomicFs;
  private lastSaveMs: number;
  private lastAttemptMs: number;
  private lastSaveOk = true;
  private lastSaveDurationMs = 0;
  private lastBgsaveDurationMs = -1;
  private savesCompleted = 0;
  private lastLoad = { keysLoaded: 0, expiredDropped: 0 };
  private inFlight: Promise<void> | undefined;
  private bgsaveStartedMs = 0;
  private closed = false;
  /** Mutable at run time: `CONFIG SET save` changes the policy without a restart, as in Redis. */
  private rules: readonly SaveRule[];

  constructor(
    private readonly store: Store,
    private readonly options: SnapshotOptions,
  ) {
    this.file = join(options.dataDir, options.fileName);
    this.io = options.fs ?? nodeFs;
    // As in Redis, LASTSAVE starts at the server's start, so the save rules count from there.
    this.lastSaveMs = store.clock.nowMs();
    this.lastAttemptMs = this.lastSaveMs;
    this.rules = options.saveRules;
  }

  get saveRules(): readonly SaveRule[] {
    return this.rules;
  }

  set saveRules(rules: readonly SaveRule[]) {
    this.rules = rules;
  }

  /** Fills the (empty) store from the snapshot file, if there is one. */
  load(): LoadResult {
    if (this.store.totalKeys() > 0) throw new Error('snapshot load() needs an empty store');
    mkdirSync(this.options.dataDir, { recursive: true });
    const startedMs = performance.now();
    try {
      const counts = loadSnapshotFile(this.store, this.file);
      this.store.dirty = 0;
      if (counts === undefined) {
        this.options.log('info', 'no snapshot found; starting empty', { file: this.file });
        return { source: 'none', keysLoaded: 0, expiredDropped: 0, file: this.file };
      }
      this.lastLoad = counts;
      const durationMs = Math.round(performance.now() - startedMs);
      this.options.log('info', 'snapshot loaded', { file: this.file, ...counts, durationMs });
      return { source: 'file', ...counts, file: this.file };
    } catch (error) {
      // Never keep part of a file that failed: start-up either stops or starts empty.
      this.store.flushAll();
      this.store.dirty = 0;
      if (error instanceof SnapshotCorruptError && this.options.onCorrupt === 'move-aside') return this.moveAside(error);
      throw error;
    }
  }

  /** SAVE: writes the snapshot before returning; throws a CommandError when it could not. */
  saveNow(): void {
    if (this.inFlight !== undefined) throw Errors.backgroundSaveInProgress();
    const startedMs = this.beginAttempt();
    const dirtyAtCapture = this.store.dirty;
    try {
      mkdirSync(this.options.dataDir, { recursive: true });
      const written = writeSnapshotSync(this.store, this.file, { nowMs: this.store.clock.nowMs(), io: this.io });
      this.succeeded('save', dirtyAtCapture, startedMs, written);
    } catch (error) {
      throw this.failed('save', error, startedMs);
    }
  }

  /**
   * BGSAVE: takes a point-in-time image of the store as of now and writes it out while clients
   * keep being served (the capture walks the keyspaces in slices; see snapshot-writer.ts).
   */
  saveInBackground(): 'started' | 'already-running' {
    if (this.inFlight !== undefined) return 'already-running';
    const startedMs = this.beginAttempt();
    const dirtyAtCapture = this.store.dirty;
    try {
      mkdirSync(this.options.dataDir, { recursive: true });
    } catch (error) {
      throw this.failed('bgsave', error, startedMs);
    }
    const { done } = writeSnapshotInBackground(this.store, this.file, { nowMs: this.store.clock.nowMs(), io: this.io });
    this.options.log('info', 'background save started', { file: this.file });
    this.bgsaveStartedMs = startedMs;
    this.inFlight = this.finishInBackground(done, dirtyAtCapture, startedMs).finally(() => {
      this.inFlight = undefined;
    });
    return 'started';
  }

  lastSaveUnixSeconds(): number {
    return Math.floor(this.lastSaveMs / 1000);
  }

  /** Called about once a second: starts a background save when a save rule is due. */
  tick(): void {
    if (this.closed || this.inFlight !== undefined) return;
    const nowMs = this.store.clock.nowMs();
    if (!this.lastSaveOk && nowMs - this.lastAttemptMs < RETRY_DELAY_MS) return;
    const rule = dueSaveRule(this.rules, this.store.dirty, nowMs - this.lastSaveMs);
    if (rule === undefined) return;
    this.options.log('info', `${this.store.dirty} changes in ${rule.afterSeconds} seconds; saving`, { file: this.file });
    try {
      this.saveInBackground();
    } catch {
      // failed() has logged it and recorded the status; the retry delay applies.
    }
  }

  status(): SnapshotStatus {
    return {
      lastSaveUnixSeconds: this.lastSaveUnixSeconds(),
      lastSaveOk: this.lastSaveOk,
      bgsaveInProgress: this.inFlight !== undefined,
      changesSinceLastSave: this.store.dirty,
      lastSaveDurationMs: this.lastSaveDurationMs,
    };
  }

  /** INFO persistence, with Redis's field names (clients and Redis's test suite poll these). */
  infoSection(): Record<string, string | number> {
    const running = this.inFlight !== undefined;
    return {
      loading: 0,
      async_loading: 0,
      rdb_changes_since_last_save: this.store.dirty,
      rdb_bgsave_in_progress: running ? 1 : 0,
      rdb_last_save_time: this.lastSaveUnixSeconds(),
      rdb_last_bgsave_status: this.lastSaveOk ? 'ok' : 'err',
      rdb_last_bgsave_time_sec: this.lastBgsaveDurationMs < 0 ? -1 : Math.round(this.lastBgsaveDurationMs / 1000),
      rdb_current_bgsave_time_sec: running ? Math.round((performance.now() - this.bgsaveStartedMs) / 1000) : -1,
      rdb_saves: this.savesCompleted,
      rdb_last_load_keys_expired: this.lastLoad.expiredDropped,
      rdb_last_load_keys_loaded: this.lastLoad.keysLoaded,
      aof_enabled: 0,
      aof_rewrite_in_progress: 0,
      aof_rewrite_scheduled: 0,
      aof_last_rewrite_time_sec: -1,
      aof_current_rewrite_time_sec: -1,
      aof_last_bgrewrite_status: 'ok',
      aof_last_write_status: 'ok',
    };
  }

  /** Stops the save rules and waits for a background save in flight (which never rejects). */
  async close(): Promise<void> {
    this.closed = true;
    await this.inFlight;
  }

  private moveAside(error: SnapshotCorruptError): LoadResult {
    const movedTo = moveAsideCorrupt(error, this.store.clock.nowMs());
    this.options.log('warn', `${error.message}; moved it to ${movedTo} and started with an empty store`, {
      file: this.file,
      movedTo,
      offset: error.offset,
      reason: error.reason,
    });
    return { source: 'moved-aside', keysLoaded: 0, expiredDropped: 0, file: this.file };
  }

  private beginAttempt(): number {
    this.lastAttemptMs = this.store.clock.nowMs();
    return performance.now();
  }

  private async finishInBackground(done: Promise<BackgroundSnapshotResult>, dirtyAtCapture: number, startedMs: number): Promise<void> {
    try {
      const written = await done;
      if (written.unannouncedWrites > 0) {
        const message = `${written.unannouncedWrites} keys were changed in place without lookupForWrite during the save`;
        this.options.log('warn', `${message}; the snapshot has their newer values`, { file: this.file });
      }
      this.succeeded('bgsave', dirtyAtCapture, startedMs, written, { longestSliceMs: Math.round(written.longestSliceMs * 10) / 10 });
    } catch (error) {
      this.failed('bgsave', error, startedMs);
    }
  }

  private succeeded(kind: SaveKind, dirtyAtCapture: number, startedMs: number, written: SnapshotWriteResult, extra = {}): void {
    // Writes made while a background save was running are not in this snapshot: keep counting them.
    this.store.dirty = Math.max(0, this.store.dirty - dirtyAtCapture);
    this.lastSaveMs = this.store.clock.nowMs();
    this.lastSaveOk = true;
    this.lastSaveDurationMs = performance.now() - startedMs;
    if (kind === 'bgsave') this.lastBgsaveDurationMs = this.lastSaveDurationMs;
    this.savesCompleted++;
    this.options.log('info', kind === 'save' ? 'snapshot saved' : 'background save done', {
      file: this.file,
      keys: written.records,
      bytes: written.bytes,
      durationMs: Math.round(this.lastSaveDurationMs),
      ...extra,
    });
  }

  /** Records and logs a failed save; returns the error SAVE / BGSAVE answer with. */
  private failed(kind: SaveKind, error: unknown, startedMs: number): CommandError {
    this.lastSaveOk = false;
    this.lastSaveDurationMs = performance.now() - startedMs;
    if (kind === 'bgsave') this.lastBgsaveDurationMs = this.lastSaveDurationMs;
    const code = errnoCode(error);
    const message = error instanceof Error ? error.message : String(error);
    this.options.log('error', `${kind === 'save' ? 'snapshot save' : 'background save'} failed: ${message}`, {
      file: this.file,
      code,
    });
    // The path and the details stay in the server log; clients learn what failed and the errno.
    return Errors.persistence(`Snapshot save failed${code === undefined ? '' : ` (${code})`}; see the server log`);
  }
}

/** The first rule whose time and change count are both reached, if any. */
export function dueSaveRule(rules: readonly SaveRule[], changes: number, elapsedMs: number): SaveRule | undefined {
  return rules.find((rule) => changes >= rule.minChanges && elapsedMs >= rule.afterSeconds * 1000);
}
