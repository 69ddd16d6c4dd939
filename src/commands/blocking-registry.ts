/**
 * Clients parked by a blocking command (BLPOP, BLMOVE, BZPOPMIN …) and how they are woken.
 *
 * Redis's model, kept here: a blocked client waits on (database, key) pairs in FIFO order. A write
 * that touches a watched-for key only marks it *ready*; the waiters are served once the whole
 * command that wrote has finished (so `MULTI / LPUSH / DEL / EXEC` wakes nobody, and a variadic
 * LPUSH serves its last item). Serving a client runs the command's non-blocking form (LPOP,
 * LMOVE, ZMPOP …) through the dispatcher in that client's session: the pop is then an ordinary
 * write that WATCH, the dirty counter and write observers see, and its own pushes (BLMOVE into
 * a list another client waits on) make further keys ready in the same round.
 */
import type { AggregateValue } from '../store/entry.js';
import type { DatabaseChange, Store } from '../store/store.js';
import { CommandError } from '../errors.js';
import type { AggregateClass } from './aggregate-access.js';
import type { Dispatcher } from './dispatcher.js';
import { NullArray, type Reply } from './reply.js';
import type { ClientSession } from './types.js';

/** What a served waiter runs: the non-blocking command, and how its reply becomes the blocking one's. */
export interface ServedCommand {
  readonly argv: string[];
  readonly shape?: (reply: Reply) => Reply;
}

/**
 * A handler's answer "nothing to pop yet: wait on these keys". Only returned when the context
 * allows blocking; the RESP door parks the client on it.
 */
export class BlockedReply {
  constructor(
    readonly keys: readonly string[],
    /** How long to wait; 0 waits until served or unblocked. */
    readonly timeoutMs: number,
    /** The type a key must hold for the waiter to be served from it (lists or sorted sets). */
    readonly valueKind: AggregateClass<AggregateValue>,
    readonly serve: (key: string) => ServedCommand,
  ) {}
}

interface Waiter {
  readonly session: ClientSession;
  /** The database index the client had selected; SWAPDB moves data under it, not the client. */
  readonly db: number;
  readonly request: BlockedReply;
  readonly deliver: (reply: Reply) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** setTimeout's ceiling (about 24.8 days); longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class BlockingRegistry {
  /** Per database index: key → clients waiting on it, in arrival order. */
  private readonly waitingByDb: Array<Map<string, Set<Waiter>>> = [];
  private readonly bySession = new Map<number, Waiter>();
  /** Keys written since the last round, in the order they became ready. */
  private ready: Array<readonly [number, string]> = [];
  private readonly readyNames = new Set<string>();
  private serving = false;

  constructor(
    private readonly store: Store,
    private readonly dispatcher: () => Dispatcher,
  ) {
    store.subscribe((db, key, kind) => {
      if (kind === 'modified') this.markReady(db, key);
    });
    store.subscribeDatabases((change) => this.onDatabaseChange(change));
  }

  /** INFO's blocked_clients. */
  get blockedCount(): number {
    return this.bySession.size;
  }

  /** Parks `session` until a key gets data, the timeout passes, or it is unblocked or closed. */
  block(session: ClientSession, request: BlockedReply, deliver: (reply: Reply) => void): void {
    const waiter: Waiter = { session, db: session.db, request, deliver, timer: undefined };
    this.bySession.set(session.id, waiter);
    const waiting = this.waitingIn(waiter.db);
    for (const key of request.keys) {
      let queue = waiting.get(key);
      if (queue === undefined) waiting.set(key, (queue = new Set()));
      queue.add(waiter);
    }
    if (request.timeoutMs > 0) this.armTimer(waiter, Date.now() + request.timeoutMs);
  }

  /** CLIENT UNBLOCK: answers the waiter with `reply` at once. False when it was not blocked. */
  unblock(sessionId: number, reply: Reply): boolean {
    const waiter = this.bySession.get(sessionId);
    if (waiter === undefined) return false;
    this.finish(waiter, reply);
    return true;
  }

  /** The client went away: forget it without answering. */
  cancel(sessionId: number): void {
    const waiter = this.bySession.get(sessionId);
    if (waiter !== undefined) this.release(waiter);
  }

  /**
   * Serves waiters on every ready key, FIFO per key, while the key still holds data of the right
   * type; repeats while serving made more keys ready. The dispatcher calls this after each
   * top-level command.
   */
  serveReadyKeys(): void {
    if (this.serving || this.ready.length === 0) return;
    this.serving = true;
    try {
      while (this.ready.length > 0) {
        const round = this.ready;
        this.ready = [];
        this.readyNames.clear();
        for (const [db, key] of round) this.serveKey(db, key);
      }
    } finally {
      this.serving = false;
    }
  }

  private serveKey(db: number, key: string): void {
    const queue = this.waitingByDb[db]?.get(key);
    if (queue === undefined) return;
    for (const waiter of queue) {
      if (!this.holdsData(db, key, waiter.request.valueKind)) return;
      const served = waiter.request.serve(key);
      // Released first: the served command runs as an ordinary, non-blocked command.
      this.release(waiter);
      const reply = this.dispatcher().dispatch(served.argv, waiter.session);
      waiter.deliver(reply instanceof CommandError || served.shape === undefined ? reply : served.shape(reply));
    }
  }

  /** A key is worth serving from when it exists, unexpired, with the waited-for type. */
  private holdsData(db: number, key: string, kind: AggregateClass<AggregateValue>): boolean {
    const entry = this.store.db(db).lookup(key, this.store.clock.nowMs());
    return entry !== undefined && entry.value instanceof kind;
  }

  private markReady(db: number, key: string): void {
    if (this.bySession.size === 0 || this.waitingByDb[db]?.has(key) !== true) return;
    const name = `${db}\u0000${key}`;
    if (this.readyNames.has(name)) return;
    this.readyNames.add(name);
    this.ready.push([db, key]);
  }

  /** FLUSH brings no data; SWAPDB may bring a key someone waits for under either index. */
  private onDatabaseChange(change: DatabaseChange): void {
    if (change.kind !== 'swap') return;
    for (const db of [change.first, change.second]) {
      for (const key of this.waitingByDb[db]?.keys() ?? []) this.markReady(db, key);
    }
  }

  private finish(waiter: Waiter, reply: Reply): void {
    this.release(waiter);
    waiter.deliver(reply);
  }

  private release(waiter: Waiter): void {
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    this.bySession.delete(waiter.session.id);
    const waiting = this.waitingByDb[waiter.db];
    for (const key of waiter.request.keys) {
      const queue = waiting?.get(key);
      queue?.delete(waiter);
      if (queue?.size === 0) waiting!.delete(key);
    }
  }

  /** Times out on the wall clock, as Redis does (the injected clock only decides key expiry). */
  private armTimer(waiter: Waiter, deadlineMs: number): void {
    const remainingMs = deadlineMs - Date.now();
    const fire = remainingMs > MAX_TIMER_MS
      ? () => this.armTimer(waiter, deadlineMs)
      : () => this.finish(waiter, NullArray.instance);
    waiter.timer = setTimeout(fire, Math.max(0, Math.min(remainingMs, MAX_TIMER_MS)));
    // A parked client must not keep a closing process alive; its socket already does while open.
    waiter.timer.unref();
  }

  private waitingIn(db: number): Map<string, Set<Waiter>> {
    let waiting = this.waitingByDb[db];
    if (waiting === undefined) this.waitingByDb[db] = waiting = new Map();
    return waiting;
  }
}
