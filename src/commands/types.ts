import type { Keyspace } from '../store/keyspace.js';
import type { Store } from '../store/store.js';
import type { PubSubHub } from './pubsub-hub.js';
import type { BlockedReply, BlockingRegistry } from './blocking-registry.js';
import type { Reply } from './reply.js';
import type { TransactionService } from './transactions-watch.js';

/** Redis's command flags (as COMMAND INFO shows them), plus Larder's own `internal`. */
export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'fast'
  | 'no_auth'
  | 'allow_busy'
  | 'no_multi'
  | 'random'
  /** Larder-only commands behind the REST routes: hidden from COMMAND, RESP and /commands. */
  | 'internal';

export type CommandGroup =
  | 'string'
  | 'generic'
  | 'server'
  | 'connection'
  | 'hash'
  | 'list'
  | 'set'
  | 'sorted_set'
  | 'transactions'
  | 'pubsub'
  | 'larder';

/** The door a command arrived through; some commands only make sense on some doors. */
export type Door = 'resp' | 'http' | 'internal';

/** Per-connection state (RESP) or per-request state (HTTP). */
export interface ClientSession {
  readonly id: number;
  door: Door;
  /** Selected database index. */
  db: number;
  /** RESP protocol version chosen with HELLO. */
  protocol: 2 | 3;
  name: string;
  authenticated: boolean;
  /** Commands queued since MULTI; undefined outside a transaction (see transactions.ts). */
  transaction: TransactionState | undefined;
}

/** A RESP client between MULTI and EXEC. */
export interface TransactionState {
  readonly queue: string[][];
  /** A command was refused while queueing, so EXEC answers EXECABORT and runs nothing. */
  aborted: boolean;
}

export interface Limits {
  /** Longest key accepted, in bytes. */
  maxKeyBytes: number;
  /** Largest string value accepted, in bytes (Redis's proto-max-bulk-len for values). */
  maxValueBytes: number;
}

/** What a SAVE / BGSAVE / LASTSAVE needs from the persistence layer. */
export interface Persistence {
  saveNow(): void;
  saveInBackground(): 'started' | 'already-running';
  lastSaveUnixSeconds(): number;
  /** BGREWRITEAOF; absent or `disabled` while the append-only log is off. */
  rewriteLog?(): 'started' | 'already-running' | 'disabled';
}

/** Server-wide services a handler may need, injected by the composition root. */
export interface ServerServices {
  readonly limits: Limits;
  readonly persistence: Persistence;
  readonly startedAtMs: number;
  /** Extra INFO sections from outside the command layer (clients, persistence …). */
  infoSections(): Record<string, Record<string, string | number>>;
  /** Connected clients (the RESP door registers its connections) for CLIENT and INFO. */
  readonly clients: ClientRegistry;
  /** Runtime parameters behind CONFIG GET / SET; the composition root backs them with the config. */
  readonly config: ConfigRegistry;
  /** CONFIG RESETSTAT: zeroes the command, keyspace and connection counters. */
  resetStats(): void;
  /** Channels, patterns and their subscribers (RESP clients and HTTP event streams). */
  readonly pubsub: PubSubHub;
  /** Clients blocked on keys (BLPOP …), served FIFO when a write gives a key data. */
  readonly blocking: BlockingRegistry;
  /** WATCHed keys and EXEC of a queued transaction. */
  readonly transactions: TransactionService;
}

/** A live connection as CLIENT LIST / INFO / KILL see it. */
export interface ConnectedClient {
  readonly session: ClientSession;
  /** `ip:port` of the peer and of the local end of the connection. */
  readonly addr: string;
  readonly laddr: string;
  readonly connectedAtMs: number;
  /** Wall-clock time and name of the last command (CLIENT LIST's `idle` and `cmd`). */
  lastCommandAtMs: number;
  lastCommand: string;
  /** CLIENT NO-EVICT: exempt from client eviction (recorded; Larder evicts no clients). */
  noEvict: boolean;
  queryBufferBytes(): number;
  outputBufferBytes(): number;
  /** Waiting in a blocking command (CLIENT LIST flag `b`). */
  readonly blocked: boolean;
  /** Closes the connection once the reply being produced, if any, has been written. */
  close(): void;
  /**
   * CLIENT REPLY: `off` silences replies until `on`; `skip` silences this command's and the next
   * command's reply. Pub/sub pushes are always delivered, as in Redis 7.
   */
  setReplyMode(mode: 'on' | 'off' | 'skip'): void;
  /**
   * Writes an out-of-band reply (a pub/sub message as a PushReply, a late answer) in the session's
   * protocol, after any replies already written, under the same output-buffer limit.
   */
  send(reply: Reply): void;
  /**
   * Checks AUTH credentials against the door's tokens (user `default` only): `unconfigured` when
   * the door has no tokens, which Redis answers differently from a wrong password.
   */
  checkCredentials(username: string, password: string): 'ok' | 'wrong' | 'unconfigured';
  /** Whether a new or RESET connection must authenticate before running commands. */
  readonly authRequired: boolean;
}

export interface ClientRegistry {
  add(client: ConnectedClient): void;
  remove(id: number): void;
  get(id: number): ConnectedClient | undefined;
  all(): IterableIterator<ConnectedClient>;
  readonly size: number;
  /** INFO stats: connections accepted and refused (maxclients) since start or CONFIG RESETSTAT. */
  connectionsReceived: number;
  rejectedConnections: number;
}

/** One parameter CONFIG GET / SET can reach. */
export interface ConfigParameter {
  readonly name: string;
  get(): string;
  /** Absent for read-only parameters; throws an Error whose message says why a value is refused. */
  set?(value: string): void;
}

export interface ConfigRegistry {
  define(parameter: ConfigParameter): void;
  /** Name → value of every parameter matching one of the glob patterns (case-insensitive). */
  get(patterns: readonly string[]): Array<[string, string]>;
  /** Sets every pair or none, throwing a CommandError with Redis's text. */
  set(pairs: ReadonlyArray<readonly [string, string]>): void;
}

export interface CommandContext {
  readonly store: Store;
  /** The session's selected database. */
  readonly db: Keyspace;
  /** Read once per command so one command sees one instant. */
  readonly nowMs: number;
  readonly session: ClientSession;
  readonly server: ServerServices;
  readonly table: CommandTable;
  /**
   * Whether this command may park the client (BLPOP on empty lists …). False inside EXEC and on
   * doors that answer once: a blocking command then acts as its non-blocking form, as in Redis.
   */
  readonly mayBlock: boolean;
}

/** A handler answers now, or (only when `ctx.mayBlock`) asks the door to wait on keys. */
export type Handler = (argv: string[], ctx: CommandContext) => Reply | BlockedReply;

export interface KeySpec {
  /** Position of the first key in argv (the name is 0); 0 when the command takes no keys. */
  first: number;
  /** Position of the last key; negative counts from the end (-1 = last argument). */
  last: number;
  step: number;
}

export interface CommandSpec {
  /** Lower-case name. */
  readonly name: string;
  readonly summary: string;
  readonly group: CommandGroup;
  /** Redis convention, counting the name: N means exactly N, -N means at least N. */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  readonly keys: KeySpec;
  readonly since: string;
  /** Argument synopsis for COMMAND DOCS and the README, e.g. `key value [EX seconds]`. */
  readonly syntax: string;
  readonly handler: Handler;
  /**
   * The form(s) the append-only log records for a successful write, when replaying `argv` as sent
   * would not reproduce it: relative expiry becomes absolute, random picks become the picked
   * members. Absent: `argv` itself. Replay runs with the clock pinned to the recorded `nowMs`.
   */
  readonly propagate?: (argv: readonly string[], reply: Reply, ctx: CommandContext) => ReadonlyArray<readonly string[]>;
  /** Subcommands keyed by lower-case bare name; each spec's `name` is `parent|sub` as Redis reports it. */
  readonly subcommands?: Readonly<Record<string, CommandSpec>>;
}

export interface CommandTable {
  get(name: string): CommandSpec | undefined;
  all(): Iterable<CommandSpec>;
}

export const NO_KEYS: KeySpec = { first: 0, last: 0, step: 0 };
export const ONE_KEY: KeySpec = { first: 1, last: 1, step: 1 };
export const ALL_KEYS: KeySpec = { first: 1, last: -1, step: 1 };
