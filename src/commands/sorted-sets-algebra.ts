/**
 * ZUNION / ZINTER / ZDIFF (+STORE) and ZINTERCARD. Inputs may be sorted sets or plain sets (whose
 * members score 1, as in Redis); a missing key is an empty input. Results come back in
 * (score, member) order, as Redis replies from the sorted set it builds.
 */
import { Errors } from '../errors.js';
import { SetValue } from '../store/types/set-value.js';
import { SortedSetValue } from '../store/types/sorted-set-value.js';
import { readEntry } from './access.js';
import { nonNegativeCount } from './aggregate-access.js';
import { integerArg, isOption } from './args.js';
import { family } from './define.js';
import type { Reply } from './reply.js';
import { membersReply, parseScore } from './sorted-sets-args.js';
import type { CommandContext } from './types.js';

type Operation = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** One input: member → score lookups plus iteration, whatever the underlying type. */
interface Input {
  readonly size: number;
  score(member: string): number | undefined;
  entries(): Iterable<readonly [string, number]>;
}

const EMPTY: Input = { size: 0, score: () => undefined, entries: () => [] };

function inputAt(ctx: CommandContext, key: string): Input {
  const value = readEntry(ctx, key)?.value;
  if (value === undefined) return EMPTY;
  if (value instanceof SortedSetValue) {
    return { size: value.size, score: (m) => value.score(m), entries: () => [...value.ascending()].map((n) => [n.member, n.score] as const) };
  }
  if (value instanceof SetValue) {
    return { size: value.size, score: (m) => (value.has(m) ? 1 : undefined), entries: () => [...value].map((m) => [m, 1] as const) };
  }
  throw Errors.wrongType();
}

interface Options {
  weights: number[];
  aggregate: Aggregate;
  withScores: boolean;
  limit: number;
}

/** Redis's option loop; which options a command accepts depends on its operation and form. */
function parseOptions(argv: readonly string[], start: number, inputs: number, accepts: { weights: boolean; withScores: boolean; limit: boolean }): Options {
  const options: Options = { weights: new Array<number>(inputs).fill(1), aggregate: 'sum', withScores: false, limit: 0 };
  for (let j = start; j < argv.length; j++) {
    const remaining = argv.length - j;
    if (accepts.weights && remaining >= inputs + 1 && isOption(argv[j], 'WEIGHTS')) {
      for (let i = 0; i < inputs; i++) {
        const weight = parseScore(argv[++j]!);
        if (weight === undefined) throw Errors.weightNotFloat();
        options.weights[i] = weight;
      }
    } else if (accepts.weights && remaining >= 2 && isOption(argv[j], 'AGGREGATE')) {
      const name = argv[++j]!.toLowerCase();
      if (name !== 'sum' && name !== 'min' && name !== 'max') throw Errors.syntax();
      options.aggregate = name;
    } else if (accepts.withScores && isOption(argv[j], 'WITHSCORES')) {
      options.withScores = true;
    } else if (accepts.limit && remaining >= 2 && isOption(argv[j], 'LIMIT')) {
      options.limit = nonNegativeCount(argv[++j]!, "LIMIT can't be negative");
    } else {
      throw Errors.syntax();
    }
  }
  return options;
}

/** Redis turns NaN (inf × 0, inf + -inf) into 0 when weighting and summing. */
function noNaN(value: number): number {
  return Number.isNaN(value) ? 0 : value;
}

function combine(aggregate: Aggregate, a: number, b: number): number {
  if (aggregate === 'sum') return noNaN(a + b);
  return aggregate === 'min' ? Math.min(a, b) : Math.max(a, b);
}

function compute(operation: Operation, inputs: readonly Input[], options: Options): SortedSetValue {
  const result = new SortedSetValue();
  const weighted = inputs.map((input, i) => ({ input, weight: options.weights[i]! }));
  if (operation === 'diff') {
    const [first, ...others] = inputs;
    for (const [member, score] of first!.entries()) {
      if (others.every((other) => other.score(member) === undefined)) result.set(member, score);
    }
    return result;
  }
  if (operation === 'inter') {
    // Walk the smallest input and probe the others, as Redis does.
    const [smallest, ...others] = weighted.slice().sort((a, b) => a.input.size - b.input.size);
    for (const [member, score] of smallest!.input.entries()) {
      let total = noNaN(score * smallest!.weight);
      const found = others.every(({ input, weight }) => {
        const other = input.score(member);
        if (other !== undefined) total = combine(options.aggregate, total, noNaN(other * weight));
        return other !== undefined;
      });
      if (found) result.set(member, total);
    }
    return result;
  }
  const totals = new Map<string, number>();
  for (const { input, weight } of weighted) {
    for (const [member, score] of input.entries()) {
      const value = noNaN(score * weight);
      const previous = totals.get(member);
      totals.set(member, previous === undefined ? value : combine(options.aggregate, previous, value));
    }
  }
  for (const [member, score] of totals) result.set(member, score);
  return result;
}

/** numkeys for these commands: any integer, at least 1, not more than the arguments left. */
function inputKeys(argv: readonly string[], index: number): string[] {
  const count = integerArg(argv[index]!);
  if (count < 1) throw Errors.atLeastOneKey(argv[0]!.toLowerCase());
  if (count > argv.length - index - 1) throw Errors.syntax();
  return argv.slice(index + 1, index + 1 + count);
}

function algebra(argv: string[], ctx: CommandContext, operation: Operation, store: boolean): Reply {
  const numKeysIndex = store ? 2 : 1;
  const keys = inputKeys(argv, numKeysIndex);
  const inputs = keys.map((key) => inputAt(ctx, key));
  const options = parseOptions(argv, numKeysIndex + 1 + keys.length, keys.length, {
    weights: operation !== 'diff',
    withScores: !store,
    limit: false,
  });
  const result = compute(operation, inputs, options);
  if (!store) return membersReply([...result.ascending()], options.withScores, ctx);
  if (result.size === 0) ctx.db.delete(argv[1]!);
  else ctx.db.set(argv[1]!, result);
  return result.size;
}

function intersectCardinality(argv: string[], ctx: CommandContext): number {
  const keys = inputKeys(argv, 1);
  const inputs = keys.map((key) => inputAt(ctx, key));
  const { limit } = parseOptions(argv, 2 + keys.length, keys.length, { weights: false, withScores: false, limit: true });
  const [smallest, ...others] = inputs.slice().sort((a, b) => a.size - b.size);
  let count = 0;
  for (const [member] of smallest!.entries()) {
    if (others.every((input) => input.score(member) !== undefined)) count++;
    if (limit > 0 && count >= limit) break;
  }
  return count;
}

/** These commands name their keys through numkeys; the spec over-approximates to every argument. */
const MOVABLE = { first: 1, last: -1, step: 1 };
const combineSyntax = 'numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX]';

export const sortedSetAlgebraCommands = family('sorted_set', {
  zunion: {
    summary: 'Returns the union of multiple sorted sets.',
    arity: -3, flags: ['readonly'], keys: MOVABLE, since: '6.2.0', syntax: `${combineSyntax} [WITHSCORES]`,
    handler: (argv, ctx) => algebra(argv, ctx, 'union', false),
  },
  zinter: {
    summary: 'Returns the intersect of multiple sorted sets.',
    arity: -3, flags: ['readonly'], keys: MOVABLE, since: '6.2.0', syntax: `${combineSyntax} [WITHSCORES]`,
    handler: (argv, ctx) => algebra(argv, ctx, 'inter', false),
  },
  zdiff: {
    summary: 'Returns the difference between multiple sorted sets.',
    arity: -3, flags: ['readonly'], keys: MOVABLE, since: '6.2.0', syntax: 'numkeys key [key ...] [WITHSCORES]',
    handler: (argv, ctx) => algebra(argv, ctx, 'diff', false),
  },
  zunionstore: {
    summary: 'Stores the union of multiple sorted sets in a key.',
    arity: -4, flags: ['write', 'denyoom'], keys: MOVABLE, since: '2.0.0', syntax: `destination ${combineSyntax}`,
    handler: (argv, ctx) => algebra(argv, ctx, 'union', true),
  },
  zinterstore: {
    summary: 'Stores the intersect of multiple sorted sets in a key.',
    arity: -4, flags: ['write', 'denyoom'], keys: MOVABLE, since: '2.0.0', syntax: `destination ${combineSyntax}`,
    handler: (argv, ctx) => algebra(argv, ctx, 'inter', true),
  },
  zdiffstore: {
    summary: 'Stores the difference of multiple sorted sets in a key.',
    arity: -4, flags: ['write', 'denyoom'], keys: MOVABLE, since: '6.2.0', syntax: 'destination numkeys key [key ...]',
    handler: (argv, ctx) => algebra(argv, ctx, 'diff', true),
  },
  zintercard: {
    summary: 'Returns the number of members of the intersect of multiple sorted sets.',
    arity: -3, flags: ['readonly'], keys: MOVABLE, since: '7.0.0', syntax: 'numkeys key [key ...] [LIMIT limit]',
    handler: intersectCardinality,
  },
});
