/**
 * Sorted-set cost curve: µs per operation at 1k, 10k, 100k and 1M members, through the real
 * command path (Dispatcher.dispatch: table lookup, arity, stats, skip list) in one process, so
 * the figures show the data structure's growth rather than network noise.
 *
 * What to look for: a skip list gives O(log n) inserts, score updates, rank lookups and range
 * starts, so from 1k to 1M members (log2 n from 10 to 20) each column should grow about 2×, not
 * 1000× as a sorted array rebuilt on every write would. The `log2 n` column is the yardstick.
 *
 *   taskset -c 0 node --import tsx bench/zset-curve.ts            # all sizes
 *   taskset -c 0 node --import tsx bench/zset-curve.ts 1000 10000  # chosen sizes
 */
import type { Reply } from '../src/commands/reply.js';
import { createEngine, DEFAULT_LIMITS } from '../src/engine.js';
import { ManualClock } from '../src/store/clock.js';

const DEFAULT_SIZES = [1_000, 10_000, 100_000, 1_000_000];
/** Operations timed per batch, and batches per figure (the median is reported). */
const OPS_PER_BATCH = 20_000;
const BATCHES = 5;

const noPersistence = { saveNow() {}, saveInBackground: () => 'started' as const, lastSaveUnixSeconds: () => 0 };

type Run = (argv: string[]) => Reply;

function newRunner(): Run {
  const engine = createEngine({ clock: new ManualClock(), limits: DEFAULT_LIMITS, persistence: noPersistence });
  const session = engine.newSession('resp', true);
  return (argv) => engine.dispatcher.dispatch(argv, session);
}

const randomScore = (size: number) => String(Math.floor(Math.random() * size * 10));
const member = (i: number) => `member:${i}`;

/** Fills `z` with `size` members whose scores are spread over [0, 10 × size). */
function fill(run: Run, size: number): void {
  for (let start = 0; start < size; start += 1000) {
    const argv = ['ZADD', 'z'];
    for (let i = start; i < Math.min(size, start + 1000); i++) argv.push(randomScore(size), member(i));
    run(argv);
  }
}

/** Median µs per command over BATCHES batches; argument lists are built before the clock starts. */
function timeCommands(run: Run, makeArgv: (i: number) => string[], after?: (batch: string[][]) => void): number {
  const perOpUs: number[] = [];
  // Batch -1 is a warm-up (JIT, inline caches), not reported.
  for (let batch = -1; batch < BATCHES; batch++) {
    const commands = Array.from({ length: OPS_PER_BATCH }, (_, i) => makeArgv((batch + 1) * OPS_PER_BATCH + i));
    const started = process.hrtime.bigint();
    for (const argv of commands) run(argv);
    if (batch >= 0) perOpUs.push(Number(process.hrtime.bigint() - started) / 1000 / OPS_PER_BATCH);
    after?.(commands);
  }
  return perOpUs.sort((a, b) => a - b)[Math.floor(BATCHES / 2)]!;
}

interface Row {
  size: number;
  figures: Record<string, number>;
}

function measure(size: number): Row {
  const run = newRunner();
  fill(run, size);
  const randomMember = () => member(Math.floor(Math.random() * size));
  const figures: Record<string, number> = {
    // New members, removed again untimed after each batch so the size stays put.
    'ZADD new': timeCommands(run, (i) => ['ZADD', 'z', randomScore(size), `new:${i}`], (batch) => run(['ZREM', 'z', ...batch.map((argv) => argv[3]!)])),
    'ZADD update': timeCommands(run, () => ['ZADD', 'z', randomScore(size), randomMember()]),
    ZRANK: timeCommands(run, () => ['ZRANK', 'z', randomMember()]),
    'ZRANGE 10 by rank': timeCommands(run, () => {
      const start = Math.floor(Math.random() * (size - 10));
      return ['ZRANGE', 'z', String(start), String(start + 9)];
    }),
    'ZRANGE BYSCORE LIMIT 10': timeCommands(run, () => ['ZRANGE', 'z', randomScore(size), '+inf', 'BYSCORE', 'LIMIT', '0', '10']),
  };
  const card = run(['ZCARD', 'z']);
  if (card !== size) throw new Error(`ZCARD is ${String(card)}, expected ${size}`);
  return { size, figures };
}

function printTable(rows: readonly Row[]): void {
  const columns = Object.keys(rows[0]!.figures);
  const base = rows[0]!;
  console.log(`| members | log2 n | ${columns.map((name) => `${name} µs (× first row)`).join(' | ')} |`);
  console.log(`|---:|---:|${columns.map(() => '---:').join('|')}|`);
  for (const row of rows) {
    const cells = columns.map((name) => `${row.figures[name]!.toFixed(2)} (${(row.figures[name]! / base.figures[name]!).toFixed(1)}×)`);
    console.log(`| ${row.size.toLocaleString('en')} | ${Math.log2(row.size).toFixed(1)} | ${cells.join(' | ')} |`);
  }
}

function main(): void {
  const sizes = process.argv.slice(2).map(Number);
  const rows: Row[] = [];
  for (const size of sizes.length > 0 ? sizes : DEFAULT_SIZES) {
    process.stderr.write(`zset-curve: ${size} members…\n`);
    rows.push(measure(size));
  }
  printTable(rows);
}

main();
