/**
 * WATCH bookkeeping and EXEC for the RESP door's transactions.
 *
 * The index maps (database, key) to the watches on it, so a write costs one map lookup however
 * many clients are connected. It listens to the store, which every door writes through, so a key
 * changed over REST, `/commands`, RESP, by expiry, FLUSHDB/FLUSHALL or SWAPDB fails the EXEC of
 * every client watching it. Redis's rules for keys that were already expired when watched are
 * kept: their reclamation is not a change, their re-creation is.
 */
import type { DatabaseChange, Store } from '../store/store.js';
import { Errors } from '../errors.js';
import type { Dispatcher } from './dispatcher.js';
import { NullArray, type Reply } from './reply.js';
import { execQueued } from './transaction.js';
import type { ClientSession } from './types.js';

interface WatchedKey {
  readonly owner: SessionWatches;
  readonly db: number;
  readonly key: string;
  /** The key had an expired, not yet reclaimed entry when WATCH ran. */
  staleWhenWatched: boolean;
}

interface SessionWatches {
  /** A watched key changed: the next EXEC answers a null array. */
  dirty: boolean;
  /** `db NUL key` → watch, so watching a key twice records it once. */
  readonly keys: Map<string, WatchedKey>;
}

export class TransactionService {
  private readonly watchesByDb: Array<Map<string, Set<WatchedKey>>> = [];
  private readonly bySession = new Map<number, SessionWatches>();

  constructor(
    private readonly store: Store,
    private readonly dispatcher: () => Dispatcher,
  ) {
    store.subscribe((db, key) => this.onKeyChange(db, key));
    store.subscribeDatabases((change) => this.onDatabaseChange(change));
  }

  watch(session: ClientSession, keys: readonly string[]): void {
    let watches = this.bySession.get(session.id);
    if (watches === undefined) this.bySession.set(session.id, (watches = { dirty: false, keys: new Map() }));
    // A client already doomed to fail EXEC gains nothing from more watches (Redis unwatches it).
    if (watches.dirty) return;
    const keyspace = this.store.db(session.db);
    for (const key of keys) {
      const name = `${session.db}\u0000${key}`;
      if (watches.keys.has(name)) continue;
      const watched: WatchedKey = { owner: watches, db: session.db, key, staleWhenWatched: this.isStale(keyspace.index, key) };
      watches.keys.set(name, watched);
      this.watchersOf(session.db, key, true).add(watched);
    }
  }

  /** UNWATCH, DISCARD, EXEC, RESET and disconnect: forget every watch and the dirty flag. */
  unwatchAll(sessionId: number): void {
    const watches = this.bySession.get(sessionId);
    if (watches === undefined) return;
    this.dropKeys(watches);
    this.bySession.delete(sessionId);
  }

  /** MULTI and WATCH state both end with the connection (or a RESET). */
  forget(session: ClientSession): void {
    session.transaction = undefined;
    this.unwatchAll(session.id);
  }

  /**
   * EXEC: EXECABORT when queueing failed, a null array when a watched key changed (or has
   * expired since WATCH), otherwise every queued command's reply in order.
   */
  exec(session: ClientSession): Reply {
    const transaction = session.transaction;
    if (transaction === undefined) throw Errors.execWithoutMulti();
    session.transaction = undefined;
    const conflict = this.watchedKeyChanged(session.id);
    this.unwatchAll(session.id);
    if (transaction.aborted) return Errors.execAbort();
    if (conflict) return NullArray.instance;
    return execQueued(this.dispatcher(), transaction.queue, session);
  }

  private watchedKeyChanged(sessionId: number): boolean {
    const watches = this.bySession.get(sessionId);
    if (watches === undefined) return false;
    if (watches.dirty) return true;
    // A key that expired after WATCH changed even if nothing has reclaimed it yet.
    for (const watched of watches.keys.values()) {
      if (!watched.staleWhenWatched && this.isStale(watched.db, watched.key)) return true;
    }
    return false;
  }

  private isStale(db: number, key: string): boolean {
    const entry = this.store.db(db).peek(key);
    return entry !== undefined && entry.expiresAtMs !== 0 && entry.expiresAtMs <= this.store.clock.nowMs();
  }

  private onKeyChange(db: number, key: string): void {
    if (this.bySession.size === 0) return;
    const watchers = this.watchersOf(db, key, false);
    if (watchers === undefined) return;
    const present = this.store.db(db).peek(key) !== undefined;
    for (const watched of [...watchers]) {
      // An entry stale at WATCH time and now reclaimed: logically nothing changed.
      if (watched.staleWhenWatched && !present) watched.staleWhenWatched = false;
      else this.markDirty(watched.owner);
    }
  }

  /**
   * Before FLUSHDB / FLUSHALL (`replacement` undefined) or SWAPDB (`replacement` = the database
   * whose contents take this index's place): a watched key changes when it existed here or
   * arrives from the replacement, except stale-for-stale and nothing-for-stale exchanges.
   */
  private touchDatabase(db: number, replacement: number | undefined): void {
    for (const [key, watchers] of this.watchesByDb[db] ?? []) {
      const here = this.store.db(db).peek(key) !== undefined;
      const incoming = replacement !== undefined && this.store.db(replacement).peek(key) !== undefined;
      if (!here && !incoming) continue;
      const incomingStale = incoming && this.isStale(replacement!, key);
      for (const watched of [...watchers]) {
        if (watched.staleWhenWatched) {
          if (!incoming) watched.staleWhenWatched = false;
          else if (!incomingStale) this.markDirty(watched.owner);
        } else if (!here && incomingStale) {
          watched.staleWhenWatched = true;
        } else {
          this.markDirty(watched.owner);
        }
      }
    }
  }

  private onDatabaseChange(change: DatabaseChange): void {
    if (this.bySession.size === 0) return;
    if (change.kind === 'flush') {
      this.touchDatabase(change.db, undefined);
    } else {
      this.touchDatabase(change.first, change.second);
      this.touchDatabase(change.second, change.first);
    }
  }

  /** A dirty client's watches are dropped at once: later writes to those keys need not find it. */
  private markDirty(watches: SessionWatches): void {
    watches.dirty = true;
    this.dropKeys(watches);
  }

  private dropKeys(watches: SessionWatches): void {
    for (const watched of watches.keys.values()) {
      const watchers = this.watchersOf(watched.db, watched.key, false);
      watchers?.delete(watched);
      if (watchers?.size === 0) this.watchesByDb[watched.db]!.delete(watched.key);
    }
    watches.keys.clear();
  }

  private watchersOf(db: number, key: string, create: true): Set<WatchedKey>;
  private watchersOf(db: number, key: string, create: false): Set<WatchedKey> | undefined;
  private watchersOf(db: number, key: string, create: boolean): Set<WatchedKey> | undefined {
    let byKey = this.watchesByDb[db];
    if (byKey === undefined) {
      if (!create) return undefined;
      this.watchesByDb[db] = byKey = new Map();
    }
    let watchers = byKey.get(key);
    if (watchers === undefined && create) byKey.set(key, (watchers = new Set()));
    return watchers;
  }
}
