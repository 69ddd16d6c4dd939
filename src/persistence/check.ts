/**
 * `larder check <file|dir> [--fix]`: verifies a snapshot, an incremental append-only log, a
 * manifest, or a whole log directory, recognizing each by its content, and prints what it found.
 *
 * Exit status: 0 sound (or repaired by --fix), 1 damaged, 2 usage error (no such file, bad option).
 *
 * `--fix` only ever removes an incomplete last record of a log (what a crash mid-append leaves,
 * also zeros left by a file system that grew the file before the data landed), like
 * `redis-check-aof --fix`. Damage in the middle of a log is never "fixed": cutting there would drop
 * every acknowledged write after it, which is the operator's call, not a tool's default. The check
 * prints where the damage starts and how much follows it, and the exact `truncate` command that
 * would cut there. A damaged snapshot cannot be repaired; restore it from a backup.
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decodeSnapshot, fileSource } from '../store/snapshot-decoder.js';
import { MAGIC as SNAPSHOT_MAGIC, SnapshotCorruptError, SnapshotVersionError } from '../store/snapshot-format.js';
import { nodeAofReadFs } from './aof-fs.js';
import { MANIFEST_FILE_NAME, MANIFEST_FIRST_LINE, parseManifest, type AofManifest } from './aof-manifest.js';
import { AofCorruptError, readAofFile } from './aof-reader.js';
import { AOF_HEADER_BYTES, AOF_MAGIC, encodeAofHeader } from './aof-record.js';

export interface CheckIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export const CHECK_USAGE = 'usage: larder check <snapshot | log file | manifest | log directory> [--fix]\n';

type Verdict = 'ok' | 'damaged';

/** Runs the subcommand; returns the exit status. */
export function checkCommand(args: readonly string[], io: CheckIo): number {
  const fix = args.includes('--fix');
  const paths = args.filter((arg) => arg !== '--fix');
  const unknown = paths.find((arg) => arg.startsWith('-'));
  if (unknown !== undefined || paths.length !== 1) {
    io.stderr.write(unknown === undefined ? CHECK_USAGE : `larder check: unknown option ${unknown}\n${CHECK_USAGE}`);
    return 2;
  }
  const path = paths[0]!;
  if (!existsSync(path)) {
    io.stderr.write(`larder check: ${path}: no such file or directory\n`);
    return 2;
  }
  const print = (line: string) => io.stdout.write(`${line}\n`);
  return checkPath(path, fix, print) === 'ok' ? 0 : 1;
}

function checkPath(path: string, fix: boolean, print: (line: string) => void): Verdict {
  if (statSync(path).isDirectory()) {
    const manifest = join(path, MANIFEST_FILE_NAME);
    if (existsSync(manifest)) return checkManifest(manifest, path, fix, print);
    print(`${path}: a directory without ${MANIFEST_FILE_NAME}, so not an append-only log directory`);
    return 'damaged';
  }
  const head = readHead(path, 32);
  if (head.subarray(0, SNAPSHOT_MAGIC.length).equals(SNAPSHOT_MAGIC)) return checkSnapshot(path, print);
  if (head.toString('latin1', 0, MANIFEST_FIRST_LINE.length) === MANIFEST_FIRST_LINE) return checkManifest(path, undefined, fix, print);
  const magicPart = head.subarray(0, AOF_MAGIC.length);
  if (head.length > 0 && magicPart.equals(AOF_MAGIC.subarray(0, magicPart.length))) return checkLog(path, true, fix, print);
  print(`${path}: not a Larder snapshot, append-only log or manifest (unrecognized first bytes)`);
  return 'damaged';
}

function readHead(path: string, bytes: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(bytes);
    return head.subarray(0, readSync(fd, head, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

function checkSnapshot(path: string, print: (line: string) => void): Verdict {
  const fd = openSync(path, 'r');
  try {
    const summary = decodeSnapshot(fileSource(fd), path, () => undefined);
    const created = new Date(summary.createdAtMs).toISOString();
    print(`${path}: snapshot, created ${created}: ${summary.records} keys in ${summary.sizeBytes} bytes, checksums OK`);
    return 'ok';
  } catch (error) {
    if (error instanceof SnapshotCorruptError) {
      print(`${path}: snapshot, CORRUPT at offset ${error.offset ?? 0}: ${error.reason}`);
      print('  a snapshot cannot be repaired: restore it from a backup');
    } else if (error instanceof SnapshotVersionError) {
      print(`${path}: snapshot this build cannot read: ${error.detail}`);
    } else {
      throw error;
    }
    return 'damaged';
  } finally {
    closeSync(fd);
  }
}

/**
 * One incremental log. `isLast`: whether a truncated tail is what a crash leaves (the last file
 * of a log, or a file checked on its own) rather than damage.
 */
function checkLog(path: string, isLast: boolean, fix: boolean, print: (line: string) => void): Verdict {
  const sizeBytes = statSync(path).size;
  let records = 0;
  let commands = 0;
  try {
    const { validBytes, truncatedAt } = readAofFile(path, (record) => {
      records++;
      commands += record.ops.length;
    });
    print(`${path}: append-only log: ${records} records (${commands} commands), last valid offset ${validBytes} of ${sizeBytes} bytes`);
    if (truncatedAt === undefined) return 'ok';
    const dropped = sizeBytes - truncatedAt;
    if (!isLast) {
      print(`  CORRUPT: the file ends inside a record at offset ${truncatedAt}, and it is not the last file of the log`);
      return 'damaged';
    }
    print(`  TRUNCATED: the last record, at offset ${truncatedAt}, is incomplete (${dropped} bytes)`);
    if (!fix) {
      print('  a server loads the records before it (with a warning) unless configured to refuse; --fix removes it');
      return 'damaged';
    }
    truncateLog(path, validBytes);
    print(`  fixed: truncated to ${Math.max(validBytes, AOF_HEADER_BYTES)} bytes, dropping the incomplete record (${dropped} bytes)`);
    return 'ok';
  } catch (error) {
    if (!(error instanceof AofCorruptError)) throw error;
    print(`${path}: append-only log, CORRUPT at offset ${error.offset}: ${error.reason}`);
    print(`  ${records} valid records (${commands} commands) before it; ${sizeBytes - error.offset} bytes from there to the end are not trusted`);
    print(`  not repaired${fix ? ' by --fix' : ''}: cutting here drops every write after it. To accept that loss: truncate -s ${error.offset} ${path}`);
    return 'damaged';
  }
}

/** Cuts the file to its valid prefix; a file whose header never landed gets a fresh header. */
function truncateLog(path: string, validBytes: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, validBytes);
    if (validBytes === 0) {
      const header = encodeAofHeader();
      writeSync(fd, header, 0, header.length, 0);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function checkManifest(manifestPath: string, dir: string | undefined, fix: boolean, print: (line: string) => void): Verdict {
  const logDir = dir ?? dirname(manifestPath);
  let manifest: AofManifest;
  try {
    manifest = parseManifest(nodeAofReadFs.readFileSync(manifestPath).toString('utf8'), manifestPath);
  } catch (error) {
    if (!(error instanceof AofCorruptError)) throw error;
    print(`${manifestPath}: ${error.message}`);
    return 'damaged';
  }
  print(`${manifestPath}: manifest: ${manifest.base === undefined ? 'no base' : `base ${manifest.base.file}`}, ${manifest.incrs.length} incremental files`);
  let verdict: Verdict = 'ok';
  const files = [...(manifest.base ? [manifest.base] : []), ...manifest.incrs];
  files.forEach((ref, index) => {
    const path = join(logDir, ref.file);
    if (!existsSync(path)) {
      print(`${path}: MISSING (listed in the manifest)`);
      verdict = 'damaged';
      return;
    }
    const isBase = ref === manifest.base;
    const result = isBase ? checkSnapshot(path, print) : checkLog(path, index === files.length - 1, fix, print);
    if (result === 'damaged') verdict = 'damaged';
  });
  return verdict;
}
