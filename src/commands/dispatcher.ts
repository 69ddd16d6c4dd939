import { CommandError, Errors } from '../errors.js';
import type { Store } from '../store/store.js';
import type { Reply } from './reply.js';
import type { Table } from './table.js';
import type { ClientSession, CommandContext, CommandSpec, ServerServices } from './types.js';

export interface CommandStats {
  calls: number;
  failedCalls: number;
}

/** Observes every write command that succeeded (the append log and replication feed hook here). */
export type WriteObserver = (db: number, argv: readonly string[], nowMs: number) => void;

/**
 * The one way into the engine for every door: resolves the spec, checks arity and auth once with
 * Redis's texts, reads the clock once, runs the handler and turns thrown `CommandError`s into
 * error replies. Doors only parse input and render the `Reply`.
 */
export class Dispatcher {
  private readonly stats = new Map<string, CommandStats>();
  private readonly writeObservers: WriteObserver[] = [];
  totalCommands = 0;
  rejectedCalls = 0;

  constructor(
    readonly table: Table,
    readonly store: Store,
    readonly server: ServerServices,
  ) {}

  dispatch(argv: string[], session: ClientSession): Reply {
    const resolved = this.resolve(argv, session);
    if (resolved instanceof CommandError) {
      this.rejectedCalls++;
      return resolved;
    }
    const oversized = this.oversizedKey(resolved, argv);
    if (oversized !== undefined) return oversized;
    const ctx: CommandContext = {
      store: this.store,
      db: this.store.db(session.db),
      nowMs: this.store.clock.nowMs(),
      session,
      server: this.server,
      table: this.table,
    };
    this.totalCommands++;
    const stats = this.statsFor(resolved.name);
    stats.calls++;
    const dirtyBefore = this.store.dirty;
    try {
      const reply = resolved.handler(argv, ctx);
      if (reply instanceof CommandError) stats.failedCalls++;
      else if (this.store.dirty !== dirtyBefore) this.notifyWrite(session.db, argv, ctx.nowMs);
      return reply;
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      stats.failedCalls++;
      return error;
    }
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

  private notifyWrite(db: number, argv: readonly string[], nowMs: number): void {
    for (const observer of this.writeObservers) observer(db, argv, nowMs);
  }
}

export function arityMatches(arity: number, argc: number): boolean {
  return arity >= 0 ? argc === arity : argc >= -arity;
}
