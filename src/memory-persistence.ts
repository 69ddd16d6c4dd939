import type { Persistence } from './commands/types.js';

/**
 * TEMPORARY stand-in until `SnapshotPersistence` (src/store/snapshot.ts) lands: keeps nothing on
 * disk, so SAVE succeeds without writing. The composition root switches to the real thing.
 */
export class MemoryOnlyPersistence implements Persistence {
  private readonly startedUnixSeconds = Math.floor(Date.now() / 1000);
  saveNow(): void {}
  saveInBackground(): 'started' | 'already-running' {
    return 'started';
  }
  lastSaveUnixSeconds(): number {
    return this.startedUnixSeconds;
  }
  load(): { source: string; keysLoaded: number; expiredDropped: number; file: string } {
    return { source: 'none', keysLoaded: 0, expiredDropped: 0, file: '(memory only)' };
  }
  tick(): void {}
  infoSection(): Record<string, string | number> {
    return { loading: 0, rdb_changes_since_last_save: 0, rdb_last_save_time: this.startedUnixSeconds };
  }
  close(): void {}
}
