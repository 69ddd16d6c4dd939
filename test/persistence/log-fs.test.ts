import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeLogFs } from '../../src/persistence/log-fs.js';

const dir = mkdtempSync(join(tmpdir(), 'larder-log-fs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The writer undoes a partial append (a short write before ENOSPC) with truncate and appends
 * again later: the retried bytes must follow the last complete record, never a hole.
 */
describe('nodeLogFs', () => {
  it.each(['openAppend', 'openTruncate'] as const)('after %s, an append following a truncate lands at the new end of the file', (open) => {
    const path = join(dir, `${open}.log`);
    const fd = nodeLogFs[open](path);
    try {
      const record = Buffer.from('record|');
      nodeLogFs.append(fd, record, 0, record.length);
      nodeLogFs.append(fd, Buffer.from('partial'), 0, 7);
      nodeLogFs.truncate(fd, record.length);
      nodeLogFs.append(fd, record, 0, record.length);
    } finally {
      nodeLogFs.close(fd);
    }
    expect(readFileSync(path, 'latin1')).toBe('record|record|');
  });

  it('appendAsync writes every chunk after the previous one, off the event loop', async () => {
    const path = join(dir, 'async.log');
    const fd = nodeLogFs.openTruncate(path);
    try {
      for (const chunk of ['base-', 'chunk-', 'end']) await nodeLogFs.appendAsync(fd, Buffer.from(chunk));
      await nodeLogFs.datasync(fd);
    } finally {
      nodeLogFs.close(fd);
    }
    expect(readFileSync(path, 'latin1')).toBe('base-chunk-end');
  });
});

