import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimpleString, VerbatimString, type Reply } from '../../src/commands/reply.js';
import { createEngine, DEFAULT_LIMITS } from '../../src/engine.js';
import { ManualClock } from '../../src/store/clock.js';
import { SnapshotPersistence } from '../../src/store/snapshot.js';
import { Store } from '../../src/store/store.js';

let dataDir: string | undefined;

afterEach(() => {
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

/** The wiring src/server.ts does: store → snapshot persistence → engine. */
function engineWithSnapshots(clock: ManualClock) {
  dataDir ??= mkdtempSync(join(tmpdir(), 'larder-snapshot-commands-'));
  const store = new Store({ clock });
  const snapshot = new SnapshotPersistence(store, { dataDir, fileName: 'larder.snapshot', saveRules: [], onCorrupt: 'refuse', log: () => {} });
  snapshot.load();
  const engine = createEngine({
    clock,
    store,
    limits: DEFAULT_LIMITS,
    persistence: snapshot,
    infoSections: () => ({ persistence: snapshot.infoSection() }),
  });
  const session = engine.newSession('resp', true);
  const run = (...argv: string[]): Reply => engine.dispatcher.dispatch(argv, session);
  return { run, snapshot };
}

function text(reply: Reply): string {
  if (reply instanceof VerbatimString) return reply.value;
  throw new Error(`expected INFO text, got ${String(reply)}`);
}

describe('SAVE, BGSAVE, LASTSAVE and INFO persistence over a real snapshot', () => {
  it('SAVE persists what a restarted engine then serves', () => {
    const clock = new ManualClock();
    const first = engineWithSnapshots(clock);
    first.run('SET', 'greeting', 'hello');
    first.run('SET', 'session', 'abc', 'PX', '5000');
    clock.advance(2_000);
    expect(first.run('SAVE')).toEqual(new SimpleString('OK'));
    expect(first.run('LASTSAVE')).toBe(Math.floor(clock.nowMs() / 1000));

    const restarted = engineWithSnapshots(clock);
    expect(restarted.run('GET', 'greeting')).toBe('hello');
    expect(restarted.run('PTTL', 'session')).toBe(3_000);
  });

  it('BGSAVE reports started, then already in progress, and INFO shows it', async () => {
    const clock = new ManualClock();
    const { run, snapshot } = engineWithSnapshots(clock);
    run('SET', 'k', 'v');
    expect(run('BGSAVE')).toEqual(new SimpleString('Background saving started'));
    expect((run('BGSAVE') as Error).message).toBe('ERR Background save already in progress');
    expect(run('BGSAVE', 'SCHEDULE')).toEqual(new SimpleString('Background saving scheduled'));
    expect(text(run('INFO', 'persistence'))).toContain('rdb_bgsave_in_progress:1');
    await snapshot.close();
    const info = text(run('INFO', 'persistence'));
    expect(info).toContain('rdb_bgsave_in_progress:0');
    expect(info).toContain('rdb_last_bgsave_status:ok');
    expect(info).toContain('rdb_changes_since_last_save:0');
  });
});
