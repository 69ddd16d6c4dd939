/**
 * Snapshot load time inside one process, without server start-up around it: the figure to
 * compare before and after a change to the load path (bench/snapshot.ts gives the end-to-end one).
 *
 *   npx tsx bench/snapshot-load.ts make <file> [keys]     # once: N keys × 100 B, as bench/snapshot.ts
 *   npx tsx bench/snapshot-load.ts load <file> [srcRoot]  # one load in a fresh heap; wall and CPU ms
 *
 * `srcRoot` (default: this checkout) lets the same file be loaded by another checkout's code, so
 * before and after can be alternated in one sitting on a shared machine.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type StoreModule = typeof import('../src/store/store.js');
type ClockModule = typeof import('../src/store/clock.js');
type LoaderModule = typeof import('../src/store/snapshot-loader.js');
type WriterModule = typeof import('../src/store/snapshot-writer.js');

const [mode, file, arg] = process.argv.slice(2);
const VALUE_BYTES = 100;

async function modules(root: string): Promise<{ store: StoreModule; clock: ClockModule; loader: LoaderModule; writer: WriterModule }> {
  const at = (path: string): string => pathToFileURL(resolve(root, 'src/store', path)).href;
  return {
    store: (await import(at('store.js'))) as StoreModule,
    clock: (await import(at('clock.js'))) as ClockModule,
    loader: (await import(at('snapshot-loader.js'))) as LoaderModule,
    writer: (await import(at('snapshot-writer.js'))) as WriterModule,
  };
}

/** Printable pseudo-random bytes (a fixed LCG), so values do not compress to a pattern. */
function valueBytes(seed: number): string {
  let state = seed * 2654435761 + 1;
  let text = '';
  for (let i = 0; i < VALUE_BYTES; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    text += String.fromCharCode(33 + (state % 94));
  }
  return text;
}

if (file === undefined || (mode !== 'make' && mode !== 'load')) {
  process.stderr.write('usage: snapshot-load.ts make <file> [keys] | load <file> [srcRoot]\n');
  process.exit(2);
}
if (mode === 'make') {
  const { store, clock, writer } = await modules(resolve(import.meta.dirname, '..'));
  const filled = new store.Store({ clock: clock.systemClock });
  const db = filled.db(0);
  const keys = Number(arg ?? 1_000_000);
  for (let i = 0; i < keys; i++) db.set(`key:${i}`, valueBytes(i));
  writer.writeSnapshotSync(filled, file, { nowMs: Date.now() });
} else {
  const { store, clock, loader } = await modules(arg ?? resolve(import.meta.dirname, '..'));
  const empty = new store.Store({ clock: clock.systemClock });
  const startMs = performance.now();
  const startCpu = process.cpuUsage();
  const counts = loader.loadSnapshotFile(empty, file);
  const cpu = process.cpuUsage(startCpu);
  const elapsedMs = performance.now() - startMs;
  // On-CPU time (all threads: GC helpers included) is steadier than wall time on a shared machine.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(`wall ${elapsedMs.toFixed(0)} ms cpu ${cpuMs.toFixed(0)} ms, ${counts?.keysLoaded} keys, used_memory ${empty.usedMemoryBytes()}\n`);
}
