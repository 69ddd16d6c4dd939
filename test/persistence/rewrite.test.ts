import { describe, expect, it } from 'vitest';
import { readAofFile } from '../../src/persistence/aof-reader.js';
import type { AofRecord } from '../../src/persistence/aof-record.js';
import { errorText } from '../support/engine.js';
import { SimulatedDisk } from '../support/simulated-disk.js';
import { AOF_DIR, replyAfterPowerLoss, startProcess, turns, type LogProcess } from './aof-writer-harness.js';

function records(disk: SimulatedDisk, file: string): AofRecord[] {
  const out: AofRecord[] = [];
  readAofFile(`${AOF_DIR}/${file}`, (record) => out.push(record), disk);
  return out;
}

/** Turns the event loop until the running rewrite ended; returns how many turns it took. */
async function untilRewritten(p: LogProcess): Promise<number> {
  let count = 0;
  while (p.runtime.log!.rewriteStatus().inProgress) {
    if (++count > 10_000) throw new Error('rewrite did not end within 10,000 turns');
    await turns(1);
  }
  return count;
}

/** Every key of database 0 with its string value (or list), for comparing two processes. */
function contents(p: LogProcess): Record<string, unknown> {
  const c = p.client();
  const out: Record<string, unknown> = {};
  for (const key of (p.send(c, 'KEYS', '*').reply as string[]).sort()) {
    out[key] = key.startsWith('list') ? p.send(c, 'LRANGE', key, '0', '-1').reply : p.send(c, 'GET', key).reply;
  }
  return out;
}

async function filled(disk: SimulatedDisk, keys: number): Promise<LogProcess> {
  const p = await startProcess(disk, { policy: 'always', captureSliceMs: 0 });
  const c = p.client();
  for (let i = 0; i < keys; i++) p.send(c, 'SET', `k${i}`, `v${i}`);
  await p.e.durability.durable(0);
  return p;
}

describe('append-only log rewrite in the background', () => {
  it('captures the base over many turns while writes go on; each write replays exactly once after a restart', async () => {
    const disk = new SimulatedDisk();
    const p = await filled(disk, 3000);
    const c = p.client();
    expect(p.runtime.rewrite()).toBe('started');
    // Writes during the walk: to keys ahead of it, behind it, new keys, deletions, counters, lists.
    let turnsTaken = 0;
    for (let i = 0; p.runtime.log!.rewriteStatus().inProgress; i++) {
      p.send(c, 'INCR', 'counter');
      p.send(c, 'RPUSH', 'list', `item${i}`);
      p.send(c, 'SET', `k${(i * 997) % 3000}`, `changed${i}`);
      p.send(c, 'DEL', `k${(i * 389 + 7) % 3000}`);
      p.send(c, 'SET', `new${i}`, 'x');
      await turns(1);
      turnsTaken++;
    }
    expect(turnsTaken).toBeGreaterThan(20);
    expect(disk.files()).toEqual([`${AOF_DIR}/larder.aof.2.base.snapshot`, `${AOF_DIR}/larder.aof.2.incr.aof`, `${AOF_DIR}/larder.aof.manifest`]);
    await p.e.durability.durable(0);
    const expected = contents(p);
    p.runtime.halt();
    disk.crash();
    const q = await startProcess(disk);
    expect(contents(q)).toEqual(expected);
    expect(q.send(q.client(), 'GET', 'counter').reply).toBe(String(turnsTaken));
    q.runtime.halt();
  });

  it('a second BGREWRITEAOF while one runs is refused with Redis text, and the running one completes', async () => {
    const disk = new SimulatedDisk();
    const p = await filled(disk, 1000);
    const c = p.client();
    p.send(c, 'BGREWRITEAOF');
    expect(errorText(p.send(c, 'BGREWRITEAOF').reply)).toBe('ERR Background append only file rewriting already in progress');
    await untilRewritten(p);
    expect(p.runtime.log!.rewriteStatus().lastOk).toBe(true);
    expect(p.send(c, 'BGREWRITEAOF').reply).toEqual(expect.objectContaining({ value: 'Background append only file rewriting started' }));
    await untilRewritten(p);
    expect(disk.files()).toContain(`${AOF_DIR}/larder.aof.3.base.snapshot`);
    p.runtime.halt();
  });

  it('BGREWRITEAOF inside MULTI/EXEC: the transaction is replayed once, not also taken into the base', async () => {
    const disk = new SimulatedDisk();
    const p = await startProcess(disk, { policy: 'always' });
    const c = p.client();
    for (const argv of [['MULTI'], ['INCR', 'n'], ['BGREWRITEAOF'], ['INCR', 'n'], ['EXEC']]) p.send(c, ...argv);
    await untilRewritten(p);
    await p.e.durability.durable(0);
    expect(p.send(c, 'GET', 'n').reply).toBe('2');
    p.runtime.halt();
    expect(await replyAfterPowerLoss(disk, ['GET', 'n'])).toBe('2');
  });

  it('a key whose TTL passed after the clock reading of the command running the rewrite stays in the base for the records after it', async () => {
    const disk = new SimulatedDisk();
    const p = await startProcess(disk, { policy: 'always' });
    const c = p.client();
    const t = p.e.clock.nowMs();
    p.send(c, 'SET', 'k', '5', 'PXAT', String(t + 5));
    // A RESP batch runs on the clock reading it took at its start; the engine's clock moved on.
    p.e.clock.advance(10);
    p.e.dispatcher.dispatchBlocking(['BGREWRITEAOF'], c, t);
    expect(p.e.dispatcher.dispatchBlocking(['INCR', 'k'], c, t)).toBe(6);
    await untilRewritten(p);
    await p.e.durability.durable(0);
    expect(p.send(c, 'GET', 'k').reply).toBeNull();
    p.runtime.halt();
    disk.crash();
    const q = await startProcess(disk, { startMs: t + 10 });
    // Replayed at t the INCR must find the key of the base (expiring at t + 5), not create one without a TTL.
    expect(q.send(q.client(), 'GET', 'k').reply).toBeNull();
    q.runtime.halt();
  });

  it('a base write that fails (ENOSPC) fails the rewrite, leaves no temp file and the old log in force; writes go on', async () => {
    const disk = new SimulatedDisk();
    const p = await filled(disk, 500);
    const c = p.client();
    disk.inject({ op: 'appendAsync', code: 'ENOSPC', pathIncludes: 'base.snapshot' });
    expect(p.runtime.rewrite()).toBe('started');
    p.send(c, 'SET', 'during', '1');
    await untilRewritten(p);
    expect(p.runtime.log!.rewriteStatus().lastOk).toBe(false);
    expect(p.messages).toContain('error: append-only log rewrite failed');
    expect(disk.files().filter((file) => file.endsWith('.tmp'))).toEqual([]);
    expect(p.runtime.log!.writer.refusing).toBe(false);
    const after = p.send(c, 'SET', 'after', '2');
    await after.released;
    // The record written during the failed rewrite sits in the incremental file the manifest listed at its start.
    expect(records(disk, 'larder.aof.2.incr.aof').map((record) => record.ops[0]!.argv[1])).toEqual(['during', 'after']);
    p.runtime.halt();
    expect(await replyAfterPowerLoss(disk, ['MGET', 'k499', 'during', 'after'])).toEqual(['v499', '1', '2']);
  });

  it('appendonly no then yes while a rewrite runs: the old log finishes first, the new one keeps every write after it', async () => {
    const disk = new SimulatedDisk();
    const p = await filled(disk, 2000);
    const c = p.client();
    p.runtime.rewrite();
    void p.runtime.disable();
    p.runtime.enable();
    // Recorded by the new log, which waits for the old one to finish before it writes its first base.
    const held = p.send(c, 'SET', 'after', 'yes');
    await turns(3);
    expect(p.runtime.log!.writer.refusing).toBe(false);
    await held.released;
    await p.runtime.close();
    expect(disk.files()).toEqual([`${AOF_DIR}/larder.aof.3.base.snapshot`, `${AOF_DIR}/larder.aof.3.incr.aof`, `${AOF_DIR}/larder.aof.manifest`]);
    expect(await replyAfterPowerLoss(disk, ['MGET', 'k1999', 'after'])).toEqual(['v1999', 'yes']);
  });

  it('automatic rewrites back off after 3 failures in a row (1 minute, then 2 …), as Redis does; BGREWRITEAOF is never held back', async () => {
    const disk = new SimulatedDisk();
    const p = await startProcess(disk, { policy: 'everysec', rewritePercentage: 100, rewriteMinBytes: 1 });
    const c = p.client();
    for (let i = 0; i < 50; i++) p.send(c, 'SET', `key${i}`, 'x'.repeat(20));
    await turns();
    disk.inject({ op: 'appendAsync', code: 'ENOSPC' });
    const failures = (): number => p.messages.filter((message) => message === 'error: append-only log rewrite failed').length;
    let nowMs = 0;
    const tick = async (advanceMs: number): Promise<void> => {
      nowMs += advanceMs;
      p.runtime.tick(nowMs);
      await untilRewritten(p);
    };
    for (let second = 0; second < 3; second++) await tick(1000);
    expect(failures()).toBe(3);
    await tick(1000);
    await tick(59_000);
    expect(failures()).toBe(3);
    expect(p.messages).toContain('warn: append-only log rewrite failed 3 times in a row; the next automatic rewrite waits 1 minute(s)');
    await tick(1000);
    expect(failures()).toBe(4);
    await tick(1000);
    await tick(60_000);
    expect(failures()).toBe(4);
    expect(p.runtime.rewrite()).toBe('started');
    await untilRewritten(p);
    expect(failures()).toBe(5);
    p.runtime.halt();
  });
});

