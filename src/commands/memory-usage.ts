/**
 * MEMORY USAGE: an estimate of the heap bytes one key costs, from a simple model of V8's layout
 * (pointer compression on): a one-byte string is a 12-byte header plus its bytes rounded up to 8;
 * every stored key pays for its Entry record and its Map slot; each member of an aggregate pays
 * for its strings plus the per-member structure of its type (Map slot, array slot, skip-list node).
 * Like Redis, large aggregates are sampled: SAMPLES members (5 by default, 0 = all) are measured
 * and the average is multiplied by the size. It is a planning figure, not an allocator count.
 */
import { Errors } from '../errors.js';
import type { StoredValue } from '../store/entry.js';
import { HashValue } from '../store/types/hash-value.js';
import { ListValue } from '../store/types/list-value.js';
import { SetValue } from '../store/types/set-value.js';
import { SortedSetValue } from '../store/types/sorted-set-value.js';
import { integerArg, isOption } from './args.js';
import { command } from './define.js';
import { OK } from './reply.js';
import type { CommandSpec } from './types.js';

/** Entry object + Map slot + slot-array entry per key. */
const KEY_OVERHEAD_BYTES = 64;
/** Map slot + dense array slot(s) per hash field or set member. */
const DENSE_MEMBER_BYTES = 32;
/** Skip-list node with its two small level arrays (average 1.33 levels) + index entry. */
const SKIPLIST_MEMBER_BYTES = 120;
/** One ring-buffer slot, with the buffer's up-to-4× slack averaged in. */
const LIST_ITEM_BYTES = 8;
const AGGREGATE_HEADER_BYTES = 64;

export function stringBytes(text: string): number {
  return 12 + Math.ceil(text.length / 8) * 8;
}

/** Average per-member bytes of `size` members, measuring `samples` of them (0 = all). */
function sampled(size: number, samples: number, measure: (position: number) => number): number {
  const wanted = samples === 0 ? size : Math.min(samples, size);
  if (wanted === 0) return 0;
  let total = 0;
  for (let i = 0; i < wanted; i++) total += measure(Math.floor((i * size) / wanted));
  return (total / wanted) * size;
}

export function valueBytes(value: StoredValue, samples: number): number {
  if (typeof value === 'string') return stringBytes(value);
  if (value instanceof HashValue) {
    return AGGREGATE_HEADER_BYTES + sampled(value.size, samples, (p) => DENSE_MEMBER_BYTES + stringBytes(value.memberAt(p)) + stringBytes(value.valueAt(p)));
  }
  if (value instanceof SetValue) {
    return AGGREGATE_HEADER_BYTES + sampled(value.size, samples, (p) => DENSE_MEMBER_BYTES + stringBytes(value.memberAt(p)));
  }
  if (value instanceof SortedSetValue) {
    return AGGREGATE_HEADER_BYTES + sampled(value.size, samples, (p) => SKIPLIST_MEMBER_BYTES + stringBytes(value.nodeAtPosition(p).member));
  }
  if (value instanceof ListValue) {
    return AGGREGATE_HEADER_BYTES + sampled(value.length, samples, (p) => LIST_ITEM_BYTES + stringBytes(value.at(p)!));
  }
  return AGGREGATE_HEADER_BYTES;
}

const usage = command('server', 'memory|usage', {
  summary: 'Estimates the memory usage of a key.',
  arity: -3, flags: ['readonly'], keys: { first: 2, last: 2, step: 1 }, since: '4.0.0', syntax: 'key [SAMPLES count]',
  handler: (argv, ctx) => {
    let samples = 5;
    for (let i = 3; i < argv.length; i += 2) {
      if (!isOption(argv[i], 'SAMPLES') || argv[i + 1] === undefined) throw Errors.syntax();
      samples = integerArg(argv[i + 1]!);
      if (samples < 0) throw Errors.syntax();
    }
    const entry = ctx.db.lookup(argv[2]!, ctx.nowMs);
    if (entry === undefined) return null;
    return Math.round(KEY_OVERHEAD_BYTES + stringBytes(argv[2]!) + valueBytes(entry.value, samples));
  },
});

export const memoryCommand: CommandSpec = command('server', 'memory', {
  summary: 'A container for memory diagnostics commands.',
  arity: -2, since: '4.0.0', syntax: 'subcommand [argument ...]',
  subcommands: { usage },
  handler: () => OK,
});
