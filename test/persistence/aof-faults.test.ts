import { describe, expect, it } from 'vitest';
import { readAofFile } from '../../src/persistence/aof-reader.js';
import { errorText } from '../support/engine.js';
import { SimulatedDisk } from '../support/simulated-disk.js';
import { AOF_DIR, replyAfterPowerLoss, settled, startProcess, turns, type LogProcess } from './aof-writer-harness.js';

const INCR1 = `${AOF_DIR}/larder.aof.1.incr.aof`;

/** Waits (in real time, for the log's own retry timers) until `condition` holds; fails after 3 s. */
async function eventually(condition: () => boolean): Promise<void> {
  for (let waitedMs = 0; !condition(); waitedMs += 20) {
    if (waitedMs > 3000) throw new Error('condition not reached within 3 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function completeRecords(disk: SimulatedDisk, path: string): number {
  let count = 0;
  const result = readAofFile(path, () => count++, disk);
  expect(result.truncatedAt).toBeUndefined();
  return count;
}

function refusal(p: LogProcess): string {
  return errorText(p.send(p.client(), 'SET', 'probe', 'x').reply);
}

describe('disk faults in the append-only log', () => {
  it('a failed write (ENOSPC after a partial write) is cut back, refuses writes with MISCONF, keeps reads, and resumes by itself', async () => {
    const disk = new SimulatedDisk();
    const p = await startProcess(disk, { policy: 'always' });
    const c = p.client();
    await settled(p.send(c, 'SET', 'a', '1').released);
    disk.inject({ op: 'append', code: 'ENOSPC', partialBytes: 7 });
    const held = p.send(c, 'SET', 'b', '2');
    await turns();
    // No partial record in a file that will be appended to again.
    expect(completeRecords(disk, INCR1)).toBe(1);
    expect(refusal(p)).toBe('MISCONF Errors writing to the AOF file: No space left on device');
    expect(p.send(p.client(), 'GET', 'a').reply).toBe('1');
    expect(p.send(p.client(), 'PING').reply).toBeInstanceOf(Error);
    expect(await settled(held.released)).toBe(false);
    disk.clearFaults();
    await eventually(() => !p.runtime.log!.writer.refusing);
    expect(await settled(held.released)).toBe(true);
    expect(completeRecords(disk, INCR1)).toBe(2);
    expect(p.send(c, 'SET', 'c', '3').reply).not.toBeInstanceOf(Error);
    p.runtime.halt();
  });

  it('EIO on write: the same refusal text with its strerror', async () => {
    const disk = new SimulatedDisk();
    const p = await startProcess(disk, { policy: 'everysec' });
    disk.inject({ op: 'append', code: 'EIO' });
    p.send(p.client(), 'SET', 'a', '1');
    await turns();
    expect(refusal(p)).toBe('MISCONF Errors writing to the AOF file: Input/output error');
    p.runtime.halt();
  });

  it('a failed fdatasync is never retried and trusted: writes are refused until a rewrite from memory is durable, then held replies go', async () => {
    const disk = new SimulatedDisk();
    const p = await startProcess(disk, { policy: 'always' });
    const c = p.client();
    await settled(p.send(c, 'SET', 'a', '1').released);
    // Every fdatasync of the incremental file fails; the rewrite must not use that file.
    disk.inject({ op: 'datasync', code: 'EIO', pathIncludes: '.1.incr.aof' });
    const held = p.send(c, 'SET', 'b', '2');
    const writer = p.runtime.log!.writer;
    await eventually(() => writer.failures > 0);
    expect(p.messages).toContain('error: fsync of the append-only log failed; refusing writes until the log is rewritten from memory');
    await eventually(() => !writer.refusing);
    expect(await settled(held.released)).toBe(true);
    expect(disk.files()).toContain(`${AOF_DIR}/larder.aof.2.base.snapshot`);
    // What was acknowledged survives a power loss: it is in the new base, not the untrusted file.
    p.runtime.halt();
    disk.crash();
    expect(disk.files()).not.toContain(INCR1);
    const q = await startProcess(disk);
    expect(q.send(q.client(), 'MGET', 'a', 'b').reply).toEqual(['1', '2']);
    q.runtime.halt();
  });

  it('while the disk stays broken, held replies stay held, writes stay refused and reads are served', async () => {
    const disk = new SimulatedDisk();
    const p = await startProcess(disk, { policy: 'always' });
    const c = p.client();
    disk.inject({ op: 'datasync', code: 'EIO' });
    const held = p.send(c, 'SET', 'k', 'v');
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await settled(held.released)).toBe(false);
    expect(p.runtime.log!.rewriteStatus().lastOk).toBe(false);
    expect(refusal(p)).toMatch(/^MISCONF /);
    expect(p.send(p.client(), 'GET', 'k').reply).toBe('v');
    disk.clearFaults();
    await eventually(() => !p.runtime.log!.writer.refusing);
    expect(await settled(held.released)).toBe(true);
    p.runtime.halt();
    expect(await replyAfterPowerLoss(disk, ['GET', 'k'])).toBe('v');
  });

  it('a failed manifest switch during a rewrite refuses writes and recovers by a later rewrite', async () => {
    const disk = new SimulatedDisk();
    const p = await startProcess(disk, { policy: 'always' });
    const c = p.client();
    await settled(p.send(c, 'SET', 'a', '1').released);
    disk.inject({ op: 'rename', code: 'ENOSPC', pathIncludes: 'manifest', times: 1 });
    p.send(c, 'BGREWRITEAOF');
    const held = p.send(c, 'SET', 'b', '2');
    const writer = p.runtime.log!.writer;
    await eventually(() => writer.failures > 0 && p.runtime.log!.rewriteStatus().lastOk && !writer.refusing);
    expect(await settled(held.released)).toBe(true);
    p.runtime.halt();
    expect(await replyAfterPowerLoss(disk, ['MGET', 'a', 'b'])).toEqual(['1', '2']);
  });

  it('a write error, then a rewrite whose base fails: the records only memory held keep writes refused until a later rewrite saves them', async () => {
    const disk = new SimulatedDisk();
    const p = await startProcess(disk, { policy: 'always' });
    const c = p.client();
    await settled(p.send(c, 'SET', 'a', '1').released);
    disk.inject({ op: 'append', code: 'ENOSPC', pathIncludes: '.1.incr.aof' });
    const held = p.send(c, 'SET', 'b', '2');
    await turns();
    expect(refusal(p)).toBe('MISCONF Errors writing to the AOF file: No space left on device');
    // The rewrite takes b out of memory (its base will hold it), but that base cannot be written.
    disk.inject({ op: 'appendAsync', code: 'ENOSPC', pathIncludes: 'base.snapshot', times: 1 });
    p.send(c, 'BGREWRITEAOF');
    const writer = p.runtime.log!.writer;
    await eventually(() => !p.runtime.log!.rewriteStatus().lastOk);
    expect(writer.refusing).toBe(true);
    expect(await settled(held.released)).toBe(false);
    // The retry (a rewrite from memory) succeeds: b is in its base, and the reply goes.
    await eventually(() => !writer.refusing);
    expect(await settled(held.released)).toBe(true);
    p.runtime.halt();
    expect(await replyAfterPowerLoss(disk, ['MGET', 'a', 'b'])).toEqual(['1', '2']);
  });

  it('a write error is logged once per run of failures, not on every retry', async () => {
    const disk = new SimulatedDisk();
    const p = await startProcess(disk, { policy: 'everysec' });
    disk.inject({ op: 'append', code: 'ENOSPC' });
    p.send(p.client(), 'SET', 'a', '1');
    await eventually(() => disk.calls.append >= 4);
    expect(p.messages.filter((message) => message.startsWith('error: writing the append-only log failed'))).toHaveLength(1);
    disk.clearFaults();
    await eventually(() => !p.runtime.log!.writer.refusing);
    expect(p.messages).toContain('info: append-only log write error looks solved; writes accepted again');
    p.runtime.halt();
  });

  it('a last incremental file that kept no whole header is started over with one: the next start-up loads it', async () => {
    const disk = new SimulatedDisk();
    const p = await startProcess(disk, { policy: 'always' });
    await settled(p.send(p.client(), 'SET', 'a', '1').released);
    p.runtime.halt();
    // As a crash on a file system that had not written the header would leave it: empty, but listed.
    const fs = disk.process();
    fs.truncate(fs.openAppend(INCR1), 0);
    const q = await startProcess(disk);
    expect(q.messages).toContain('warn: cut the incomplete last record off the append-only log');
    await settled(q.send(q.client(), 'SET', 'b', '2').released);
    q.runtime.halt();
    expect(await replyAfterPowerLoss(disk, ['MGET', 'a', 'b'])).toEqual([null, '2']);
  });
});

