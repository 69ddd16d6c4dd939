import { AofCorruptError } from './aof-reader.js';

/**
 * The manifest names the files that make up the append-only log, in the order they replay: at
 * most one base (a snapshot of the whole store) and then the incremental logs written after it.
 * It is a small text file, only ever replaced atomically (temp file → fsync → rename → fsync
 * directory), so switching to a rewritten log is one rename. Format 1:
 *
 * ```
 * larder-aof-manifest 1
 * file larder.aof.3.base.snapshot seq 3 type b
 * file larder.aof.7.incr.aof seq 7 type i
 * file larder.aof.8.incr.aof seq 8 type i
 * ```
 *
 * Every line ends with "\n". Parsing is strict: a name that does not follow from its sequence
 * number and type, a second base, a base after an incremental file, sequence numbers that do not
 * increase, or anything unknown is refused, naming the file and line. Being strict costs nothing
 * (only Larder writes manifests) and means a damaged one is never half-understood.
 */
export const MANIFEST_FILE_NAME = 'larder.aof.manifest';
export const MANIFEST_FIRST_LINE = 'larder-aof-manifest 1';

export interface AofFileRef {
  readonly file: string;
  readonly seq: number;
}

export interface AofManifest {
  readonly base: AofFileRef | undefined;
  readonly incrs: readonly AofFileRef[];
}

export function baseFileName(seq: number): string {
  return `larder.aof.${seq}.base.snapshot`;
}

export function incrFileName(seq: number): string {
  return `larder.aof.${seq}.incr.aof`;
}

/** A manifest that cannot be parsed; `offset` is where its bad line starts. */
export class AofManifestError extends AofCorruptError {
  constructor(
    file: string,
    offset: number,
    readonly line: number,
    reason: string,
  ) {
    super(file, offset, reason, `append-only log manifest ${file} is malformed at line ${line} (offset ${offset}): ${reason}`);
    this.name = 'AofManifestError';
  }
}

const FILE_LINE = /^file (\S+) seq (\d+) type ([bi])$/;
const SEQ = /^[1-9]\d*$/;

export function formatManifest(manifest: AofManifest): string {
  const lines = [MANIFEST_FIRST_LINE];
  if (manifest.base !== undefined) lines.push(`file ${manifest.base.file} seq ${manifest.base.seq} type b`);
  for (const incr of manifest.incrs) lines.push(`file ${incr.file} seq ${incr.seq} type i`);
  return `${lines.join('\n')}\n`;
}

/** Parses a manifest's text; `file` names it in errors. */
export function parseManifest(text: string, file: string): AofManifest {
  const lines = text.split('\n');
  // The text ends with "\n", so the last element is empty; anything else means a cut-off file.
  if (lines.pop() !== '') fail(file, text, lines.length + 1, 'the last line does not end with a newline (truncated?)');
  if (lines[0] !== MANIFEST_FIRST_LINE) fail(file, text, 1, `expected "${MANIFEST_FIRST_LINE}"`);
  let base: AofFileRef | undefined;
  const incrs: AofFileRef[] = [];
  for (let i = 1; i < lines.length; i++) {
    const [ref, type] = parseFileLine(lines[i]!, (reason) => fail(file, text, i + 1, reason));
    const problem = type === 'b' ? baseProblem(base, incrs) : incrProblem(ref, incrs);
    if (problem !== undefined) fail(file, text, i + 1, problem);
    if (type === 'b') base = ref;
    else incrs.push(ref);
  }
  return { base, incrs };
}

function parseFileLine(line: string, bad: (reason: string) => never): [AofFileRef, 'b' | 'i'] {
  const match = FILE_LINE.exec(line);
  if (match === null) bad(`expected "file <name> seq <n> type b|i", got "${line.slice(0, 80)}"`);
  const [, name, seqText, type] = match as unknown as [string, string, string, 'b' | 'i'];
  const seq = Number(seqText);
  if (!SEQ.test(seqText) || !Number.isSafeInteger(seq)) bad(`sequence number ${seqText} is not a positive integer`);
  const expected = type === 'b' ? baseFileName(seq) : incrFileName(seq);
  if (name !== expected) bad(`file name ${name} does not match seq ${seq} type ${type} (expected ${expected})`);
  return [{ file: name, seq }, type];
}

function baseProblem(base: AofFileRef | undefined, incrs: readonly AofFileRef[]): string | undefined {
  if (base !== undefined) return 'a second base file';
  if (incrs.length > 0) return 'the base file must come before the incremental files';
  return undefined;
}

function incrProblem(ref: AofFileRef, incrs: readonly AofFileRef[]): string | undefined {
  const last = incrs[incrs.length - 1];
  if (last !== undefined && ref.seq <= last.seq) return `sequence number ${ref.seq} does not follow ${last.seq}`;
  return undefined;
}

function fail(file: string, text: string, line: number, reason: string): never {
  let offset = 0;
  for (let i = 1; i < line; i++) offset = text.indexOf('\n', offset) + 1;
  throw new AofManifestError(file, offset, line, reason);
}
