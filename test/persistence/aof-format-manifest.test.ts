import { describe, expect, it } from 'vitest';
import {
  AofManifestError,
  baseFileName,
  formatManifest,
  incrFileName,
  MANIFEST_FILE_NAME,
  parseManifest,
  type AofManifest,
} from '../../src/persistence/aof-manifest.js';
import { AofCorruptError } from '../../src/persistence/aof-reader.js';

function manifestError(text: string): AofManifestError {
  try {
    parseManifest(text, '/data/aof/larder.aof.manifest');
  } catch (error) {
    if (error instanceof AofManifestError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

describe('append-only log manifest', () => {
  it('formats and parses a base with incremental files', () => {
    const manifest: AofManifest = {
      base: { file: baseFileName(3), seq: 3 },
      incrs: [{ file: incrFileName(7), seq: 7 }, { file: incrFileName(8), seq: 8 }],
    };
    const text = formatManifest(manifest);
    expect(text).toBe(
      'larder-aof-manifest 1\n' +
        'file larder.aof.3.base.snapshot seq 3 type b\n' +
        'file larder.aof.7.incr.aof seq 7 type i\n' +
        'file larder.aof.8.incr.aof seq 8 type i\n',
    );
    expect(parseManifest(text, MANIFEST_FILE_NAME)).toEqual(manifest);
  });

  it('allows a log without a base and a log with nothing in it yet', () => {
    for (const manifest of [{ base: undefined, incrs: [{ file: incrFileName(1), seq: 1 }] }, { base: undefined, incrs: [] }]) {
      expect(parseManifest(formatManifest(manifest), MANIFEST_FILE_NAME)).toEqual(manifest);
    }
  });

  it.each([
    ['', 1, 'expected "larder-aof-manifest 1"'],
    ['larder-aof-manifest 1\nfile larder.aof.1.incr.aof seq 1 type i', 2, 'the last line does not end with a newline (truncated?)'],
    ['larder-aof-manifest 2\n', 1, 'expected "larder-aof-manifest 1"'],
    ['larder-aof-manifest 1\nfile larder.aof.1.incr.aof seq 1 type h\n', 2, 'expected "file <name> seq <n> type b|i", got "file larder.aof.1.incr.aof seq 1 type h"'],
    ['larder-aof-manifest 1\nfile larder.aof.2.incr.aof seq 1 type i\n', 2, 'file name larder.aof.2.incr.aof does not match seq 1 type i (expected larder.aof.1.incr.aof)'],
    ['larder-aof-manifest 1\nfile ../etc/passwd seq 1 type i\n', 2, 'file name ../etc/passwd does not match seq 1 type i (expected larder.aof.1.incr.aof)'],
    ['larder-aof-manifest 1\nfile larder.aof.01.incr.aof seq 01 type i\n', 2, 'sequence number 01 is not a positive integer'],
    ['larder-aof-manifest 1\nfile larder.aof.1.incr.aof seq 1 type i\nfile larder.aof.1.base.snapshot seq 1 type b\n', 3, 'the base file must come before the incremental files'],
    ['larder-aof-manifest 1\nfile larder.aof.1.base.snapshot seq 1 type b\nfile larder.aof.2.base.snapshot seq 2 type b\n', 3, 'a second base file'],
    ['larder-aof-manifest 1\nfile larder.aof.2.incr.aof seq 2 type i\nfile larder.aof.2.incr.aof seq 2 type i\n', 3, 'sequence number 2 does not follow 2'],
    ['larder-aof-manifest 1\n\n', 2, 'expected "file <name> seq <n> type b|i", got ""'],
  ])('refuses %j at line %i', (text, line, reason) => {
    const error = manifestError(text);
    expect(error).toBeInstanceOf(AofCorruptError);
    expect(error).toMatchObject({ file: '/data/aof/larder.aof.manifest', line, reason });
    expect(error.message).toContain(`/data/aof/larder.aof.manifest is malformed at line ${line}`);
  });

  it('names the byte offset of the bad line', () => {
    expect(manifestError('larder-aof-manifest 1\nfile x seq 1 type i\n').offset).toBe('larder-aof-manifest 1\n'.length);
  });
});
