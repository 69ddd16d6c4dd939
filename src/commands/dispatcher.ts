import { CommandError, Errors } from '../errors.js';
import type { Store } from '../store/store.js';
import { BlockedReply } from './blocking-registry.js';
import type { Reply } from './reply.js';
import type { Table } from './table.js';
import { queueInTransaction, runsInsideMulti } from './transactions.js';
import type { ClientSession, CommandContext, CommandSpec, ServerServices } from './types.js';

export interface CommandStats {
  calls: number;
  failedCalls: number;
}

/** Observes every command that changed the store, as the client sent it (keyspace notifications). */
export type WriteObserver = (db: number, argv: readonly string[], nowMs: number) => void;

/**
 * Receives the replayable form of every `write` command that changed the store (the append-only
 * log hooks here): `spec.propagate` rewrites what would not replay identically (relative expiry,
 * random picks), other commands arrive as sent. One top-level command may propagate several
 * forms (EXEC, evictions before a command); `onCommandEnd` marks where that unit ends.
 */
export type PropagationObserver = (db: number, argv: readonly string[], nowMs: number) => void;

/** What a command is about to do, for the gates that may refuse it before it runs. */
export interface CommandIntent {
  readonly spec: CommandSpec;
  readonly argv: readonly string[];
  readonly session: ClientSession;
  /** True for a `write` command, and for EXEC when its queue holds one (Redis's rule). */
  readonly writes: boolean;
  /** True for a `denyoom` command, and for EXEC when its queue holds one. */
  readonly denyOom: boolean;
  /**
   * The instant the command runs at. A gate that changes the store (eviction) must use it: its
   * forms join the command's record, which replays all of them at one instant.
   */
  readonly nowMs: number;
}

/**
 * Refuses a command before it runs or is queued in MULTI (out of memory, writes refused after a
 * disk error). Gates run for top-level commands only: EXEC's own intent covers its queue.
 */
export type CommandGate = (intent: CommandIntent) => CommandError | undefined;

/**
 * The one way into the engine for every door: resolves the spec, checks arity and auth once with
 * Redis's texts, reads the clock once, runs the handler and turns thrown `CommandError`s into
 * error replies. Doors only parse input and render the `Reply`.
 */
export class Dispatcher {
  private readonly stats = new Map<string, CommandStats>();
  private readonly writeObservers: WriteObserver[] = [];
  private readonly propagationObservers: PropagationObserver[] = [];
  private readonly commandEndHooks: Array<() => void> = [];
  private readonly gates: CommandGate[] = [];
  totalCommands = 0;
  rejectedCalls = 0;
  /** Commands in progress: 1 for a client's command, more while EXEC runs its queue. */
  private depth = 0;
  /** The clock read of the top-level command in progress; commands EXEC runs share it. */
  private unitNowMs = 0;

  constructor(
    readonly table: Table,
    readonly store: Store,
    readonly server: ServerServices,
  ) {}

  /** Runs one command to completion; blocking commands act as their non-blocking forms here. */
  dispatch(argv: string[], session: ClientSession): Reply {
    const reply = this.run(argv, session, false);
    // Unreachable: handlers only block when the context says they may.
    if (reply instanceof BlockedReply) throw new Error(`'${argv[0]}' blocked where blocking is not allowed`);
    return reply;
  }

  /**
   * The entry for doors that can park a client (RESP): a blocking command with nothing to serve
   * answers a `BlockedReply` for the door to wait on.
   *
   * `nowMs`: a clock reading the door took for a run of commands it executes back to back (one
   * pipeline batch), which then all see the same time, as the commands of an EXEC do in Redis.
   * Reading the clock costs ~0.1 µs in Node, a sixth of a pipelined SET; omitted, it is read here.
   */
  dispatchBlocking(argv: string[], session: ClientSession, nowMs?: number): Reply | BlockedReply {
    return this.run(argv, session, true, nowMs);
  }

  /**
   * Runs one command from the append-only log at the instant it first ran: the clock is pinned to
   * `nowMs`, so lazy expiry and "an expire time in the past deletes" decide as they did then.
   * Nothing a live client meets applies (gates, MULTI queueing, blocking, the key-size refusal:
   * the log holds only what was accepted), and nothing observes it (the log must not record its
   * own replay, and command stats count clients' commands). `session` picks the database; an
   * internal, authenticated one lets the REST door's `larder.*` commands replay too.
   */
  replay(argv: string[], session: ClientSession, nowMs: number): Reply {
    const resolved = this.resolve(argv, session);
    if (resolved instanceof CommandError) return resolved;
    const ctx = this.context(session, nowMs, false);
    try {
      const reply = resolved.handler(argv, ctx);
      if (reply instanceof BlockedReply) throw new Error(`'${argv[0]}' blocked during replay`);
      return reply;
    } catch (error) {
      if (error instanceof CommandError) return error;
      throw error;
    }
  }

  /**
   * Called after every top-level command, once all its writes are in, in registration order
   * (blocked clients are served there; the append log closes the command's record).
   */
  onCommandEnd(hook: () => void): void {
    this.commandEndHooks.push(hook);
  }

  addGate(gate: CommandGate): void {
    this.gates.push(gate);
  }

  private run(argv: string[], session: ClientSession, mayBlock: boolean, nowMs?: number): Reply | BlockedReply {
    const resolved = this.resolve(argv, session);
    // One instant for a whole EXEC, as Redis's execution unit: a key cannot expire halfway through a
    // transaction, and the append log records the unit with one time that replays every command in
    // it — evictions a gate makes before the command included.
    if (this.depth === 0) this.unitNowMs = nowMs ?? this.store.clock.nowMs();
    const refusal = this.depth === 0 && !(resolved instanceof CommandError) ? this.gateRefusal(resolved, argv, session) : undefined;
    if (refusal !== undefined) {
      const reply = this.refuse(resolved as CommandSpec, refusal, session);
      // Keys a gate evicted before refusing are a unit of their own (the log records them now).
      this.endUnit();
      return reply;
    }
    if (session.transaction !== undefined) {
      const queued = queueInTransaction(session.transaction, resolved, argv);
      if (queued !== undefined) {
        if (queued instanceof CommandError) this.rejectedCalls++;
        return this.endedEarly(queued);
      }
    }
    if (resolved instanceof CommandError) {
      this.rejectedCalls++;
      return this.endedEarly(resolved);
    }
    const oversized = this.oversizedKey(resolved, argv);
    if (oversized !== undefined) return this.endedEarly(oversized);
    // Commands run by EXEC (depth > 0) never block, as in Redis.
    const ctx = this.context(session, this.unitNowMs, mayBlock && this.depth === 0);
    this.totalCommands++;
    const stats = this.statsFor(resolved.name);
    stats.calls++;
    const dirtyBefore = this.store.dirty;
    const db = session.db;
    this.depth++;
    try {
      const reply = resolved.handler(argv, ctx);
      if (reply instanceof CommandError) stats.failedCalls++;
      else if (this.store.dirty !== dirtyBefore) this.notifyWrite(resolved, db, argv, reply, ctx);
      return reply;
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      stats.failedCalls++;
      return error;
    } finally {
      if (--this.depth === 0) this.endUnit();
    }
  }

  /**
   * A top-level command that stops before running (queued in MULTI, unknown, key too long) still
   * ends its unit: keys the gates evicted for it reach the log now, not with the next command.
   */
  private endedEarly(reply: Reply): Reply {
    if (this.depth === 0) this.endUnit();
    return reply;
  }

  private endUnit(): void {
    for (const hook of this.commandEndHooks) hook();
  }

  private context(session: ClientSession, nowMs: number, mayBlock: boolean): CommandContext {
    return { store: this.store, db: this.store.db(session.db), nowMs, session, server: this.server, table: this.table, mayBlock };
  }

  /**
   * Redis's rejectCommand: inside MULTI a refused command dooms the transaction, as any queueing
   * error does; a refused EXEC discards it and answers EXECABORT naming the reason.
   */
  private refuse(spec: CommandSpec, refusal: CommandError, session: ClientSession): CommandError {
    this.rejectedCalls++;
    if (session.transaction === undefined) return refusal;
    if (spec.name === 'exec') {
      this.server.transactions.forget(session);
      return Errors.execAbortBecause(refusal.message);
    }
    if (!runsInsideMulti(spec)) session.transaction.aborted = true;
    return refusal;
  }

  private gateRefusal(spec: CommandSpec, argv: readonly string[], session: ClientSession): CommandError | undefined {
    if (this.gates.length === 0) return undefined;
    // Gates run before every command once eviction or a disk error installs one: a few flag scans,
    // no Set per command. EXEC writes when its queue does (Redis's mstate.cmd_flags): the queue is
    // resolved once for both flags.
    let writes = spec.flags.includes('write');
    let denyOom = spec.flags.includes('denyoom');
    if (spec.name === 'exec' && session.transaction !== undefined) {
      for (const queued of session.transaction.queue) {
        const queuedSpec = this.resolve(queued, session);
        if (queuedSpec instanceof CommandError) continue;
        writes ||= queuedSpec.flags.includes('write');
        denyOom ||= queuedSpec.flags.includes('denyoom');
      }
    }
    const intent: CommandIntent = { spec, argv, session, writes, denyOom, nowMs: this.unitNowMs };
    for (const gate of this.gates) {
      const refusal = gate(intent);
      if (refusal !== undefined) return refusal;
    }
    return undefined;
  }

  /** Looks up the spec (descending into subcommands) and applies the checks every door shares. */
  resolve(argv: readonly string[], session: ClientSession): CommandSpec | CommandError {
    const name = argv[0] ?? '';
    const spec = this.table.get(name);
    if (spec === undefined || (spec.flags.includes('internal') && session.door !== 'internal')) {
      return Errors.unknownCommand(name, argv.slice(1));
    }
    if (!session.authenticated && !spec.flags.includes('no_auth')) return Errors.noAuth();
    if (!arityMatches(spec.arity, argv.length)) return Errors.wrongArity(spec.name);
    // COMMAND alone is a command of its own; CONFIG alone already failed the arity check.
    if (spec.subcommands === undefined || argv.length === 1) return spec;
    const subName = argv[1] ?? '';
    const sub = spec.subcommands[subName.toLowerCase()];
    if (sub === undefined) return Errors.unknownSubcommand(subName, spec.name);
    if (!arityMatches(sub.arity, argv.length)) return Errors.wrongArity(sub.name);
    return sub;
  }

  /** Write commands refuse keys over the configured limit before touching the store. */
  private oversizedKey(spec: CommandSpec, argv: readonly string[]): CommandError | undefined {
    const { first, last, step } = spec.keys;
    if (first === 0 || !spec.flags.includes('write')) return undefined;
    const maxKeyBytes = this.server.limits.maxKeyBytes;
    const end = last < 0 ? argv.length + last : Math.min(last, argv.length - 1);
    for (let i = first; i <= end; i += step) {
      if (argv[i]!.length > maxKeyBytes) return Errors.keyTooLarge(maxKeyBytes);
    }
    return undefined;
  }

  onWrite(observer: WriteObserver): void {
    this.writeObservers.push(observer);
  }

  onPropagate(observer: PropagationObserver): void {
    this.propagationObservers.push(observer);
  }

  /**
   * Hands a change made outside any command's own argv to the propagation observers (an evicted
   * key as `DEL key` before the command that needed the memory), within the current unit.
   */
  propagate(db: number, argv: readonly string[], nowMs: number): void {
    for (const observer of this.propagationObservers) observer(db, argv, nowMs);
  }

  commandStats(): ReadonlyMap<string, CommandStats> {
    return this.stats;
  }

  resetStats(): void {
    this.stats.clear();
    this.totalCommands = 0;
    this.rejectedCalls = 0;
  }

  private statsFor(name: string): CommandStats {
    let stats = this.stats.get(name);
    if (stats === undefined) {
      stats = { calls: 0, failedCalls: 0 };
      this.stats.set(name, stats);
    }
    return stats;
  }

  private notifyWrite(spec: CommandSpec, db: number, argv: readonly string[], reply: Reply, ctx: CommandContext): void {
    for (const observer of this.writeObservers) observer(db, argv, ctx.nowMs);
    // Reads that lazily expired a key changed the store too, but replay needs no record of them.
    if (this.propagationObservers.length === 0 || !spec.flags.includes('write')) return;
    const forms = spec.propagate === undefined ? [argv] : spec.propagate(argv, reply, ctx);
    for (const form of forms) this.propagate(db, form, ctx.nowMs);
  }
}

export function arityMatches(arity: number, argc: number): boolean {
  return arity >= 0 ? argc === arity : argc >= -arity;
}
