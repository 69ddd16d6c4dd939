import { describe, expect, it } from 'vitest';
import { globMatch } from '../../src/store/glob.js';

describe('globMatch (Redis stringmatch semantics)', () => {
  it.each([
    ['*', 'anything', true],
    ['h?llo', 'hello', true],
    ['h?llo', 'hllo', false],
    ['h*llo', 'heeeello', true],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-b]llo', 'hbllo', true],
    ['h[b-a]llo', 'hallo', true],
    ['h\\*llo', 'h*llo', true],
    ['h\\*llo', 'hello', false],
    ['*a*b*c*', 'xxaxxbxxcxx', true],
    ['foo*', 'fo', false],
    ['a[', 'a', false],
  ])('%s matches %s: %s', (pattern, subject, expected) => {
    expect(globMatch(pattern, subject)).toBe(expected);
  });

  it('stays fast on patterns that explode naive recursive matchers', () => {
    const subject = 'a'.repeat(5000);
    expect(globMatch(`${'*a'.repeat(50)}b`, subject)).toBe(false);
  });

  it('matches case-insensitively when asked', () => {
    expect(globMatch('GET*', 'getrange', true)).toBe(true);
  });
});
