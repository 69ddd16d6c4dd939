import { Errors } from '../errors.js';
import { globMatch } from '../store/glob.js';
import type { ConfigParameter, ConfigRegistry } from './types.js';

/**
 * The parameters CONFIG GET / SET reach. Each door or subsystem defines the parameters it really
 * has (the RESP listener defines maxclients, timeout …) with live getters and setters, so a
 * CONFIG SET changes behaviour at once and CONFIG GET never reports a value nobody reads.
 */
export class ParameterRegistry implements ConfigRegistry {
  private readonly byName = new Map<string, ConfigParameter>();

  define(parameter: ConfigParameter): void {
    this.byName.set(parameter.name.toLowerCase(), parameter);
  }

  /** Redis 7: exact names are looked up directly, patterns are matched against every name. */
  get(patterns: readonly string[]): Array<[string, string]> {
    const matches = new Map<string, ConfigParameter>();
    for (const pattern of patterns) {
      if (!/[*?[]/.test(pattern)) {
        const parameter = this.byName.get(pattern.toLowerCase());
        if (parameter !== undefined && !matches.has(parameter.name)) matches.set(parameter.name, parameter);
        continue;
      }
      for (const parameter of this.byName.values()) {
        if (!matches.has(parameter.name) && globMatch(pattern, parameter.name, true)) matches.set(parameter.name, parameter);
      }
    }
    return [...matches.values()].map((parameter) => [parameter.name, parameter.get()]);
  }

  /** All or nothing, with Redis 7.0's checks in its order: unknown, read-only, duplicate, then values. */
  set(pairs: ReadonlyArray<readonly [string, string]>): void {
    const chosen: ConfigParameter[] = [];
    for (const [name] of pairs) {
      const parameter = this.byName.get(name.toLowerCase());
      if (parameter === undefined) {
        throw Errors.configUnknownOption(name);
      }
      if (parameter.set === undefined) throw setFailed(name, "can't set immutable config");
      if (chosen.includes(parameter)) throw setFailed(name, 'duplicate parameter');
      chosen.push(parameter);
    }
    const previous = chosen.map((parameter) => parameter.get());
    chosen.forEach((parameter, i) => {
      try {
        parameter.set!(pairs[i]![1]);
      } catch (error) {
        // Roll back what was already applied so a failed CONFIG SET changes nothing.
        for (let j = i - 1; j >= 0; j--) chosen[j]!.set!(previous[j]!);
        throw setFailed(parameter.name, error instanceof Error ? error.message : String(error));
      }
    });
  }
}

const setFailed = Errors.configSetFailed;

const MEMORY_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1000, kb: 1024, m: 1000 ** 2, mb: 1024 ** 2, g: 1000 ** 3, gb: 1024 ** 3,
};

/** Redis's memtoull: `100`, `10mb`, `1gb`, `5k` (k = 1000, kb = 1024), case-insensitive. */
export function parseMemory(text: string): number | undefined {
  const match = /^(\d+)([a-z]*)$/i.exec(text);
  if (match === null) return undefined;
  const unit = MEMORY_UNITS[match[2]!.toLowerCase()];
  return unit === undefined ? undefined : Number(match[1]) * unit;
}

interface Range {
  min: number;
  max: number;
}

/** An integer parameter backed by a getter/setter pair, with Redis's refusal texts. */
export function integerParameter(name: string, range: Range, get: () => number, set: (value: number) => void): ConfigParameter {
  return {
    name,
    get: () => String(get()),
    set: (text) => {
      if (!/^-?\d+$/.test(text)) throw new Error("argument couldn't be parsed into an integer");
      const value = Number(text);
      if (value < range.min || value > range.max) {
        throw new Error(`argument must be between ${range.min} and ${range.max} inclusive`);
      }
      set(value);
    },
  };
}

/** A byte-size parameter accepting Redis's memory units (`64mb`); reported in bytes as Redis does. */
export function memoryParameter(name: string, range: Range, get: () => number, set: (bytes: number) => void): ConfigParameter {
  return {
    name,
    get: () => String(get()),
    set: (text) => {
      const bytes = parseMemory(text);
      if (bytes === undefined) throw new Error('argument must be a memory value');
      if (bytes < range.min || bytes > range.max) {
        throw new Error(`argument must be between ${range.min} and ${range.max} inclusive`);
      }
      set(bytes);
    },
  };
}

export function readOnlyParameter(name: string, get: () => string): ConfigParameter {
  return { name, get };
}
