/**
 * Score and lexicographic intervals, as ZRANGEBYSCORE / ZRANGEBYLEX take them. Parsing lives in
 * the command layer; these are the plain predicates the skip list searches with.
 */
export interface ScoreRange {
  readonly min: number;
  readonly max: number;
  readonly minExclusive: boolean;
  readonly maxExclusive: boolean;
}

/** `-` and `+` are the open ends; otherwise a member with `[` (inclusive) or `(` (exclusive). */
export type LexBound = '-' | '+' | { readonly value: string; readonly exclusive: boolean };

export interface LexRange {
  readonly min: LexBound;
  readonly max: LexBound;
}

export function scoreAboveMin(score: number, range: ScoreRange): boolean {
  return range.minExclusive ? score > range.min : score >= range.min;
}

export function scoreBelowMax(score: number, range: ScoreRange): boolean {
  return range.maxExclusive ? score < range.max : score <= range.max;
}

/** False when no score can satisfy the range (min > max, or min = max with an open end). */
export function scoreRangeCanMatch(range: ScoreRange): boolean {
  return range.min < range.max || (range.min === range.max && !range.minExclusive && !range.maxExclusive);
}

export function lexAboveMin(member: string, range: LexRange): boolean {
  const { min } = range;
  if (min === '-') return true;
  if (min === '+') return false;
  return min.exclusive ? member > min.value : member >= min.value;
}

export function lexBelowMax(member: string, range: LexRange): boolean {
  const { max } = range;
  if (max === '+') return true;
  if (max === '-') return false;
  return max.exclusive ? member < max.value : member <= max.value;
}

/** False when no member can satisfy the range (Redis's zslIsInLexRange precheck). */
export function lexRangeCanMatch(range: LexRange): boolean {
  const { min, max } = range;
  if (min === '+' || max === '-') return false;
  if (min === '-' || max === '+') return true;
  return min.value < max.value || (min.value === max.value && !min.exclusive && !max.exclusive);
}
