/**
 * Sorted-set arguments and reply shapes: scores, score ranges (`1.5`, `(1.5`, `-inf`, `+inf`),
 * lexicographic ranges (`[a`, `(a`, `-`, `+`), Redis's `%.17g` score text, and the
 * member/score pairs RESP2 flattens and RESP3 nests.
 */
import { Errors } from '../errors.js';
import type { LexBound, LexRange, ScoreRange } from '../store/types/ranges.js';
import type { SkipNode } from '../store/types/skip-list.js';
import { parseFloatStrict } from './args.js';
import { DoubleReply, type Reply } from './reply.js';
import type { CommandContext } from './types.js';

const INFINITY_TEXT = /^[+-]?inf(inity)?$/i;

/** Redis's getDoubleFromObject: a float or ±inf; NaN and out-of-range values (1e400) refused. */
export function parseScore(text: string): number | undefined {
  const value = parseFloatStrict(text);
  if (value === undefined || Number.isNaN(value)) return undefined;
  if (!Number.isFinite(value) && !INFINITY_TEXT.test(text)) return undefined;
  return value;
}

export function scoreArg(text: string): number {
  const score = parseScore(text);
  if (score === undefined) throw Errors.notFloat();
  return score;
}

function scoreBound(text: string): { value: number; exclusive: boolean } {
  const exclusive = text.startsWith('(');
  const value = parseScore(exclusive ? text.slice(1) : text);
  if (value === undefined) throw Errors.minMaxNotFloat();
  return { value, exclusive };
}

export function scoreRangeArg(minText: string, maxText: string): ScoreRange {
  const min = scoreBound(minText);
  const max = scoreBound(maxText);
  return { min: min.value, max: max.value, minExclusive: min.exclusive, maxExclusive: max.exclusive };
}

function lexBound(text: string): LexBound {
  if (text === '-' || text === '+') return text;
  if (text.startsWith('[')) return { value: text.slice(1), exclusive: false };
  if (text.startsWith('(')) return { value: text.slice(1), exclusive: true };
  throw Errors.minMaxNotLex();
}

export function lexRangeArg(minText: string, maxText: string): LexRange {
  return { min: lexBound(minText), max: lexBound(maxText) };
}

/** Members, optionally each followed by its score: flat in RESP2, [member, score] pairs in RESP3. */
export function membersReply(nodes: readonly SkipNode[], withScores: boolean, ctx: CommandContext): Reply {
  if (!withScores) return nodes.map((node) => node.member);
  if (ctx.session.protocol === 3) return pairsReply(nodes);
  return nodes.flatMap((node) => [node.member, new DoubleReply(node.score)]);
}

/** [[member, score], …] whatever the protocol (ZMPOP, and RESP3 WITHSCORES). */
export function pairsReply(nodes: readonly SkipNode[]): Reply {
  return nodes.map((node) => [node.member, new DoubleReply(node.score)]);
}
