/**
 * Redis glob matching (KEYS, SCAN MATCH, PSUBSCRIBE): `*`, `?`, `[abc]`, `[^a-z]`, `\x` escapes,
 * over byte strings. Iterative with single-star backtracking, so hostile patterns stay linear-ish
 * instead of exploding like a naive recursive matcher.
 */
export function globMatch(pattern: string, subject: string, noCase = false): boolean {
  const p = noCase ? pattern.toLowerCase() : pattern;
  const s = noCase ? subject.toLowerCase() : subject;
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    if (pi < p.length && p[pi] === '*') {
      while (pi < p.length && p[pi] === '*') pi++;
      if (pi === p.length) return true;
      starP = pi;
      starS = si;
      continue;
    }
    const step = pi < p.length ? matchOne(p, pi, s[si]!) : -1;
    if (step !== -1) {
      pi = step;
      si++;
    } else if (starP !== -1) {
      pi = starP;
      si = ++starS;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/** Matches one subject char at pattern index `pi`; returns the next pattern index or -1. */
function matchOne(p: string, pi: number, c: string): number {
  const token = p[pi];
  if (token === '?') return pi + 1;
  if (token === '[') return matchClass(p, pi + 1, c);
  if (token === '\\' && pi + 1 < p.length) return p[pi + 1] === c ? pi + 2 : -1;
  return token === c ? pi + 1 : -1;
}

function matchClass(p: string, start: number, c: string): number {
  let i = start;
  const negate = p[i] === '^';
  if (negate) i++;
  let matched = false;
  while (i < p.length && p[i] !== ']') {
    if (p[i] === '\\' && i + 1 < p.length) {
      if (p[i + 1] === c) matched = true;
      i += 2;
    } else if (i + 2 < p.length && p[i + 1] === '-' && p[i + 2] !== ']') {
      let lo = p[i]!;
      let hi = p[i + 2]!;
      if (lo > hi) [lo, hi] = [hi, lo];
      if (c >= lo && c <= hi) matched = true;
      i += 3;
    } else {
      if (p[i] === c) matched = true;
      i++;
    }
  }
  // Redis treats an unterminated class as ending at the pattern's end.
  const next = i < p.length ? i + 1 : i;
  return matched !== negate ? next : -1;
}
