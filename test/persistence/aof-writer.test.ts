import { describe, expect, it } from 'vitest';
import { readAofFile } from '../../src/persistence/aof-reader.js';
import type { AofRecord } from '../../src/persistence/aof-record.js';
import { SimulatedDisk } from '../support/simulated-disk.js';
import { AOF_DIR, replyAfterPowerLoss, settled, startProcess, turns } from './aof-writer-harness.js';

function records(disk: SimulatedDisk, file: string): AofRecord[] {
  const out: AofRecord[] = [];
  readAofFile(`${AOF_DIR}/${file}`, (record) => out.push(record), disk);
  return out;
}

describe('append-only log writer', () => {
  it('creates base, incremental file and manifest on a first start, all durable', async () => {
    const disk = new SimulatedDisk();
    const p = await startProcess(disk);
    expect(disk.files()).toEqual([`${AOF_DIR}/larder.aof.1.base.snapshot`, `${AOF_DIR}/larder.aof.1.incr.aof`, `${AOF_DIR}/larder.aof.manifest`]);
    disk.crash();
    expect(disk.files()).toHaveLength(3);
    p.runtime.halt();
  });

  it('writes one record per command, an EXEC as one record, and reads nothing in', async () => {
    const disk = new SimulatedDisk();
    const p = await startProcess(disk, { policy: 'no' });
    const c = p.client();
    p.send(c, 'SET', 'a', '1');
    p.send(c, 'GET', 'a');
    p.send(c, 'MULTI');
    p.send(c, 'INCR', 'a');
    p.send(c, 'SELECT', '2');
    p.send(c, 'SET', 'b', 'x');
    p.send(c, 'EXEC');
    await turns();
    const written = records(disk, 'larder.aof.1.incr.aof');
    expect(written.map((record) => record.ops.map((op) => [op.db, ...op.argv]))).toEqual([
      [[0, 'SET', 'a', '1']],
      [[0, 'INCR', 'a'], [2, 'SET', 'b', 'x']],
    ]);
    p.runtime.halt();
  });

  it('group commit: every record of one event-loop turn goes out in one write and one fdatasync', async () => {
    const disk = new SimulatedDisk();
    const p = await startProcess(disk, { policy: 'always' });
    const before = { ...disk.calls };
    const clients = [p.client(), p.client(), p.client()];
    const sent = clients.map((c, i) => p.send(c, 'SET', `k${i}`, 'v'));
    expect(await settled(sent[2]!.released)).toBe(true);
    expect(disk.calls.append - before.append).toBe(1);
    expect(disk.calls.datasync - before.datasync).toBe(1);
    expect(records(disk, 'larder.aof.1.incr.aof')).toHaveLength(3);
    p.runtime.halt();
  });

  it('always: a reply is held until the fdatasync that covers its write, reads are not held', async () => {
    const disk = new SimulatedDisk();
    const p = await startProcess(disk, { policy: 'always' });
    const c = p.client();
    const write = p.send(c, 'SET', 'k', 'v');
    expect(write.released).toBeInstanceOf(Promise);
    // Before the end of the turn nothing was written, so nothing may be acknowledged.
    disk.crash(1);
    expect(disk.readFile(`${AOF_DIR}/larder.aof.1.incr.aof`)!.length).toBeLessThan(20);
    p.runtime.halt();
    const q = await startProcess(disk, { policy: 'always' });
    const reader = q.client();
    const read = q.send(reader, 'GET', 'k');
    expect(read.released).toBeUndefined();
    const acked = q.send(reader, 'SET', 'k', 'v2');
    expect(await settled(acked.released)).toBe(true);
    disk.crash();
    const r = await startProcess(disk);
    expect(r.send(r.client(), 'GET', 'k').reply).toBe('v2');
    q.runtime.halt();
    r.runtime.halt();
  });

  it('everysec and no: replies never wait', async () => {
    for (const policy of ['everysec', 'no'] as const) {
      const p = await startProcess(new SimulatedDisk(), { policy });
      expect(p.send(p.client(), 'SET', 'k', 'v').released).toBeUndefined();
      p.runtime.halt();
    }
  });

  it('a restart appends to the last incremental file and replays everything in order', async () => {
    const disk = new SimulatedDisk();
    const p = await startProcess(disk);
    const c = p.client();
    for (let i = 0; i < 5; i++) p.send(c, 'RPUSH', 'list', String(i));
    await turns();
    await p.runtime.close();
    const q = await startProcess(disk);
    q.send(q.client(), 'RPUSH', 'list', '5');
    await turns();
    q.runtime.halt();
    expect(await replyAfterPowerLoss(disk, ['LRANGE', 'list', '0', '-1'])).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('BGREWRITEAOF replaces base and incremental files; the old ones are removed', async () => {
    const disk = new SimulatedDisk();
    const p = await startProcess(disk);
    const c = p.client();
    for (let i = 0; i < 20; i++) p.send(c, 'INCR', 'n');
    await turns();
    expect(p.send(c, 'BGREWRITEAOF').reply).toEqual(expect.objectContaining({ value: 'Background append only file rewriting started' }));
    p.send(c, 'INCR', 'n');
    await turns(10);
    expect(disk.files()).toEqual([`${AOF_DIR}/larder.aof.2.base.snapshot`, `${AOF_DIR}/larder.aof.2.incr.aof`, `${AOF_DIR}/larder.aof.manifest`]);
    expect(records(disk, 'larder.aof.2.incr.aof')).toHaveLength(1);
    p.runtime.halt();
    expect(await replyAfterPowerLoss(disk, ['GET', 'n'])).toBe('21');
  });

  it('rewrites automatically once the log outgrew its size after the last rewrite by the percentage', async () => {
    const disk = new SimulatedDisk();
    const p = await startProcess(disk, { rewritePercentage: 100, rewriteMinBytes: 1 });
    const c = p.client();
    p.runtime.tick();
    await turns(10);
    expect(disk.files()).toContain(`${AOF_DIR}/larder.aof.1.incr.aof`);
    for (let i = 0; i < 50; i++) p.send(c, 'SET', `key${i}`, 'x'.repeat(20));
    await turns();
    p.runtime.tick();
    await turns(10);
    expect(disk.files()).toContain(`${AOF_DIR}/larder.aof.2.base.snapshot`);
    p.runtime.halt();
  });

  it('CONFIG SET appendfsync always after no: what `no` wrote and nobody synced is fsynced at once', async () => {
    const disk = new SimulatedDisk();
    const p = await startProcess(disk, { policy: 'no' });
    p.send(p.client(), 'SET', 'a', '1');
    await turns();
    p.runtime.setPolicy('always');
    await turns();
    p.runtime.halt();
    expect(await replyAfterPowerLoss(disk, ['GET', 'a'])).toBe('1');
  });

  it('shutdown writes and fsyncs what is pending under everysec, retrying a write that failed before', async () => {
    const disk = new SimulatedDisk();
    const p = await startProcess(disk, { policy: 'everysec' });
    disk.inject({ op: 'append', code: 'ENOSPC', times: 1 });
    p.send(p.client(), 'SET', 'a', '1');
    await turns();
    expect(p.runtime.log!.writer.refusing).toBe(true);
    await p.runtime.close();
    expect(await replyAfterPowerLoss(disk, ['GET', 'a'])).toBe('1');
  });
});

