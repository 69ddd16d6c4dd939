import type { CommandSpec, CommandTable } from './types.js';

/** A name → spec map built once from the family files. */
export class Table implements CommandTable {
  private readonly byName = new Map<string, CommandSpec>();
  /** Most clients (redis-benchmark, redis-cli, node-redis) send upper-case names: one lookup, no toLowerCase. */
  private readonly byUpperName = new Map<string, CommandSpec>();

  constructor(specs: Iterable<CommandSpec>) {
    for (const spec of specs) {
      if (this.byName.has(spec.name)) throw new Error(`command ${spec.name} is declared twice`);
      this.byName.set(spec.name, spec);
      this.byUpperName.set(spec.name.toUpperCase(), spec);
    }
  }

  get(name: string): CommandSpec | undefined {
    return this.byUpperName.get(name) ?? this.byName.get(name) ?? this.byName.get(name.toLowerCase());
  }

  all(): Iterable<CommandSpec> {
    return this.byName.values();
  }

  /** Commands a client may call: everything but Larder's internal REST helpers. */
  public(): CommandSpec[] {
    return [...this.byName.values()].filter((spec) => !spec.flags.includes('internal'));
  }
}
