import type { KeyEventKind, Store } from '../store/store.js';
import type { Dispatcher } from './dispatcher.js';
import { NOTIFICATION_RULES, NotifyClass, type KeyChange, type KeyEvent } from './notification-rules.js';
import type { PubSubHub } from './pubsub-hub.js';
import type { ConfigRegistry } from './types.js';

/**
 * Keyspace notifications (`notify-keyspace-events`): every change to a key can be published as
 * `__keyspace@<db>__:<key>` → event and `__keyevent@<db>__:<event>` → key.
 *
 * How events are found without touching every handler: while enabled, the notifier listens to
 * the store's change feed and records the keys a command changes; once the command succeeds the
 * dispatcher's write observer hands over its argv and `notification-rules.ts` turns "these keys
 * changed under LPOP" into Redis's events (`lpop`, then `del` if the list is gone). Expiry is
 * reported by the store itself and published at once, from inside a command or from the sweep.
 *
 * Disabled (the default) costs nothing on the write path: the store listener is not even
 * registered, and the write observer returns on an empty list.
 */

const FLAG_LETTERS: ReadonlyArray<[string, number]> = [
  ['g', NotifyClass.generic], ['$', NotifyClass.string], ['l', NotifyClass.list], ['s', NotifyClass.set],
  ['h', NotifyClass.hash], ['z', NotifyClass.zset], ['x', NotifyClass.expired], ['e', NotifyClass.evicted],
  ['t', NotifyClass.stream], ['d', NotifyClass.module], ['n', NotifyClass.newKey],
];
/** `A`: every class but key-miss and new-key events, which Redis leaves out on purpose. */
const ALL = FLAG_LETTERS.filter(([letter]) => letter !== 'n').reduce((bits, [, bit]) => bits | bit, 0);
const INVALID_FLAGS = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

/** Redis's keyspaceEventsStringToFlags; throws on an unknown letter. */
export function parseNotifyFlags(text: string): number {
  let flags = 0;
  for (const letter of text) {
    if (letter === 'A') flags |= ALL;
    else if (letter === 'K') flags |= NotifyClass.keyspace;
    else if (letter === 'E') flags |= NotifyClass.keyevent;
    else if (letter === 'm') flags |= NotifyClass.keyMiss;
    else {
      const bit = FLAG_LETTERS.find(([candidate]) => candidate === letter)?.[1];
      if (bit === undefined) throw new Error(INVALID_FLAGS);
      flags |= bit;
    }
  }
  return flags;
}

/**
 * Redis's keyspaceEventsFlagsToString: `A` when every class is on, then K, E, m. Like Redis it
 * does not print `n` next to `A` (the flag stays on; only CONFIG GET's text omits it).
 */
export function formatNotifyFlags(flags: number): string {
  let text = (flags & ALL) === ALL
    ? 'A'
    : FLAG_LETTERS.filter(([, bit]) => (flags & bit) !== 0).map(([letter]) => letter).join('');
  if ((flags & NotifyClass.keyspace) !== 0) text += 'K';
  if ((flags & NotifyClass.keyevent) !== 0) text += 'E';
  if ((flags & NotifyClass.keyMiss) !== 0) text += 'm';
  return text;
}

interface Pending extends KeyChange {
  isNew: boolean;
}

export class KeyspaceNotifier {
  private flags = 0;
  /** Keys changed by the running command, by `db:key`, in the order first changed. */
  private pending = new Map<string, Pending>();
  private stopListening: (() => void) | undefined;
  /** Key count per database after the last change seen: a change that grew it by one added a key. */
  private sizes: number[] = [];

  constructor(
    private readonly store: Store,
    private readonly hub: PubSubHub,
  ) {}

  get value(): string {
    return formatNotifyFlags(this.flags);
  }

  /** CONFIG SET notify-keyspace-events: listens to the store only while some event can go out. */
  configure(text: string): void {
    this.flags = parseNotifyFlags(text);
    const channels = NotifyClass.keyspace | NotifyClass.keyevent;
    const publishes = (this.flags & channels) !== 0 && (this.flags & ~channels) !== 0;
    if (publishes && this.stopListening === undefined) {
      this.stopListening = this.store.subscribe((db, key, kind) => this.onKeyChange(db, key, kind));
    } else if (!publishes && this.stopListening !== undefined) {
      this.stopListening();
      this.stopListening = undefined;
      this.pending.clear();
    }
    this.resyncSizes();
  }

  /**
   * The eviction hook (issue 6): call it for each evicted key, after removing it, so it is
   * reported as `evicted` and not as part of the command that triggered eviction.
   */
  keyEvicted(db: number, key: string): void {
    this.pending.delete(`${db}:${key}`);
    this.emit({ klass: NotifyClass.evicted, event: 'evicted', db, key });
  }

  /** The dispatcher's write observer: the command that made the recorded changes has succeeded. */
  afterWrite(db: number, argv: readonly string[]): void {
    if (this.pending.size > 0) this.publishChanges(db, argv);
    // FLUSHDB, SWAPDB and friends change key counts without per-key changes.
    if ((this.flags & NotifyClass.newKey) !== 0) this.resyncSizes();
  }

  private publishChanges(db: number, argv: readonly string[]): void {
    const changed = [...this.pending.values()];
    this.pending.clear();
    for (const change of changed) {
      if (change.isNew) this.emit({ klass: NotifyClass.newKey, event: 'new', db: change.db, key: change.key });
    }
    const rule = NOTIFICATION_RULES.get(argv[0]!.toLowerCase());
    if (rule === undefined) return;
    const typeAfter = (change: KeyChange): string | undefined => this.store.db(change.db).peek(change.key)?.type;
    for (const event of rule({ argv, changed, db, typeAfter })) this.emit(event);
  }

  private onKeyChange(db: number, key: string, kind: KeyEventKind): void {
    const isNew = this.trackSize(db);
    if (kind === 'expired') {
      this.emit({ klass: NotifyClass.expired, event: 'expired', db, key });
      return;
    }
    const id = `${db}:${key}`;
    const seen = this.pending.get(id);
    if (seen === undefined) this.pending.set(id, { db, key, isNew });
    else seen.isNew ||= isNew;
  }

  /** Whether the change that just happened in `db` added a key (only tracked when `n` is on). */
  private trackSize(db: number): boolean {
    if ((this.flags & NotifyClass.newKey) === 0) return false;
    const size = this.store.db(db).size;
    const grew = size === (this.sizes[db] ?? 0) + 1;
    this.sizes[db] = size;
    return grew;
  }

  private resyncSizes(): void {
    this.sizes = this.store.databases().map((db) => db.size);
  }

  private emit(event: KeyEvent): void {
    if ((this.flags & event.klass) === 0) return;
    if ((this.flags & NotifyClass.keyspace) !== 0) this.hub.publish(`__keyspace@${event.db}__:${event.key}`, event.event);
    if ((this.flags & NotifyClass.keyevent) !== 0) this.hub.publish(`__keyevent@${event.db}__:${event.event}`, event.key);
  }
}

/** Wires the notifier into an engine: the CONFIG parameter, the store feed and the write observer. */
export function installKeyspaceNotifications(store: Store, dispatcher: Dispatcher, config: ConfigRegistry): KeyspaceNotifier {
  const notifier = new KeyspaceNotifier(store, dispatcher.server.pubsub);
  config.define({ name: 'notify-keyspace-events', get: () => notifier.value, set: (text) => notifier.configure(text) });
  dispatcher.onWrite((db, argv) => notifier.afterWrite(db, argv));
  return notifier;
}
