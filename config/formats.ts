import convict from 'convict';
import { parseMemory } from '../src/commands/config-registry.js';
import type { SaveRule } from '../src/store/snapshot.js';

const DIGITS = /^\d+$/;

/**
 * Parses Redis's `save` syntax ("3600 1 300 100"): pairs of seconds and change counts.
 * "" disables periodic snapshots, as `save ""` does in redis.conf.
 */
export function parseSaveRules(text: string): SaveRule[] {
  const words = text.trim().split(/\s+/).filter((word) => word !== '');
  if (words.length % 2 !== 0) throw new Error('expects pairs of "<seconds> <changes>", e.g. "3600 1 300 100"');
  const rules: SaveRule[] = [];
  for (let i = 0; i < words.length; i += 2) {
    const [seconds, changes] = [words[i] ?? '', words[i + 1] ?? ''];
    if (!DIGITS.test(seconds) || !DIGITS.test(changes) || Number(seconds) < 1 || Number(changes) < 1) {
      throw new Error(`"${seconds} ${changes}" is not a pair of positive integers`);
    }
    rules.push({ afterSeconds: Number(seconds), minChanges: Number(changes) });
  }
  return rules;
}

/** Strings of digits become numbers; anything else stays a string so validation names it. */
function coerceInteger(value: string): number | string {
  return DIGITS.test(value.trim()) ? Number(value.trim()) : value;
}

function integerFormat(name: string, min: number, max: number, description: string): convict.Format {
  return {
    name,
    coerce: coerceInteger,
    validate(value: unknown): void {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
        throw new Error(`must be ${description}`);
      }
    },
  };
}

const listFormat: convict.Format = {
  name: 'string-list',
  // Environment variables and flags carry lists comma-separated ("a,b"); files use JSON arrays.
  coerce: (value: string): string[] => value.split(',').map((item) => item.trim()).filter((item) => item !== ''),
  validate(value: unknown): void {
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) {
      throw new Error('must be a list of non-empty strings (comma-separated in env and flags)');
    }
  },
};

const hostFormat: convict.Format = {
  name: 'host',
  validate(value: unknown): void {
    if (typeof value !== 'string' || !/^[^\s/]+$/.test(value)) throw new Error('must be a host name or IP address');
  },
};

const flagFormat: convict.Format = {
  name: 'flag',
  // convict's own Boolean turns any text but "false" into true; a typo must not mean "yes".
  coerce: (value: string): boolean | string => (value === 'true' ? true : value === 'false' ? false : value),
  validate(value: unknown): void {
    if (typeof value !== 'boolean') throw new Error('must be true or false');
  },
};

const saveRulesFormat: convict.Format = {
  name: 'save-rules',
  validate(value: unknown): void {
    if (typeof value !== 'string') throw new Error('must be a string like "3600 1 300 100"');
    parseSaveRules(value);
  },
};

const memorySizeFormat: convict.Format = {
  name: 'memory-size',
  // Redis's units (`256mb`, `1gb`, `5k` = 5000, `5kb` = 5120); a plain number is bytes. convict
  // coerces strings from files, env and flags alike, so the value checked is always a number.
  coerce: (value: string): number | string => parseMemory(value.trim()) ?? value,
  validate(value: unknown): void {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new Error('must be a byte count or a size such as "256mb" or "1gb"');
    }
  },
};

/** Registers Larder's strict formats with convict (idempotent: convict keys them by name). */
export function registerFormats(): void {
  convict.addFormats({
    'non-negative-int': integerFormat('non-negative-int', 0, Number.MAX_SAFE_INTEGER, 'an integer >= 0'),
    'positive-int': integerFormat('positive-int', 1, Number.MAX_SAFE_INTEGER, 'an integer >= 1'),
    'tcp-port': integerFormat('tcp-port', 0, 65535, 'a TCP port number (0-65535)'),
    'string-list': listFormat,
    host: hostFormat,
    flag: flagFormat,
    'save-rules': saveRulesFormat,
    'memory-size': memorySizeFormat,
    'eviction-samples': integerFormat('eviction-samples', 1, 64, 'an integer from 1 to 64 (Redis maxmemory-samples)'),
  } as unknown as Record<string, convict.Format>);
}
