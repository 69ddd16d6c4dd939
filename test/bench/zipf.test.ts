import { describe, expect, it } from 'vitest';
import { zipfCdf, zipfSequence } from '../../bench/lib/zipf.js';

describe('Zipf request sequence', () => {
  it('replays the same sequence for the same seed, so every server sees the same requests', () => {
    const options = { keys: 1000, requests: 500, exponent: 0.99, seed: 7 };
    expect(zipfSequence(options)).toEqual(zipfSequence(options));
    expect(zipfSequence({ ...options, seed: 8 })).not.toEqual(zipfSequence(options));
  });

  it('draws rank r about 1/r^s as often as rank 1, within the key range', () => {
    const sequence = zipfSequence({ keys: 10_000, requests: 200_000, exponent: 0.99, seed: 1 });
    const counts = new Map<number, number>();
    for (const index of sequence) counts.set(index, (counts.get(index) ?? 0) + 1);
    expect(sequence.every((index) => index >= 0 && index < 10_000)).toBe(true);
    const first = counts.get(0) ?? 0;
    // Expected ratio for rank 10 vs rank 1: 10^-0.99 ~ 0.102.
    expect((counts.get(9) ?? 0) / first).toBeGreaterThan(0.08);
    expect((counts.get(9) ?? 0) / first).toBeLessThan(0.13);
  });

  it('accumulates to exactly 1 over the whole key range', () => {
    const cdf = zipfCdf(100, 0.99);
    expect(cdf[99]).toBeCloseTo(1, 12);
    expect(cdf[0]).toBeGreaterThan(0.18);
  });
});
