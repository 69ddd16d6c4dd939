/**
 * A seeded Zipf(s) request sequence over N keys: key rank r (1-based) is drawn with probability
 * proportional to 1 / r^s. The sequence is generated once and replayed to every server, so their
 * hit rates differ only by what they chose to keep.
 */
import { seededRandom } from '../../test/support/seeded-random.js';

export { seededRandom };

/** Cumulative probabilities of ranks 1..keys. */
export function zipfCdf(keys: number, exponent: number): Float64Array {
  const cdf = new Float64Array(keys);
  let total = 0;
  for (let rank = 1; rank <= keys; rank++) {
    total += 1 / rank ** exponent;
    cdf[rank - 1] = total;
  }
  for (let index = 0; index < keys; index++) cdf[index] = (cdf[index] ?? 0) / total;
  return cdf;
}

/** The first index whose cumulative probability reaches `u`. */
function rankIndexOf(cdf: Float64Array, u: number): number {
  let [low, high] = [0, cdf.length - 1];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((cdf[middle] ?? 1) < u) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** `requests` key indexes in [0, keys), index 0 the most popular. */
export function zipfSequence(options: { keys: number; requests: number; exponent: number; seed: number }): Int32Array {
  const cdf = zipfCdf(options.keys, options.exponent);
  const random = seededRandom(options.seed);
  const sequence = new Int32Array(options.requests);
  for (let index = 0; index < options.requests; index++) sequence[index] = rankIndexOf(cdf, random());
  return sequence;
}
