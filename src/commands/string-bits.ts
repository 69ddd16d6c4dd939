import { Errors } from '../errors.js';
import { readString, storeString, writableString } from './access.js';
import { integerArg, isOption, parseInt64 } from './args.js';
import { family } from './define.js';
import { MapReply, type Reply } from './reply.js';
import { ONE_KEY, type CommandContext } from './types.js';

/**
 * SETBIT / GETBIT and LCS: string commands that read a value as bits or as a sequence.
 * Values are immutable one-byte JS strings, so SETBIT rebuilds the string (O(length)); bitmaps of
 * many megabytes are better kept elsewhere.
 */

/** Redis's getBitOffsetFromArgument: an int64 ≥ 0 whose byte stays under proto-max-bulk-len. */
function bitOffsetArg(ctx: CommandContext, text: string): number {
  const offset = parseInt64(text);
  if (offset === undefined || offset < 0n || offset >> 3n >= BigInt(ctx.server.limits.maxValueBytes)) {
    throw Errors.bitOffset();
  }
  return Number(offset);
}

function setBit(argv: string[], ctx: CommandContext): Reply {
  const offset = bitOffsetArg(ctx, argv[2]!);
  const bitText = argv[3]!;
  if (bitText !== '0' && bitText !== '1') throw Errors.bitValue();
  const { entry, value } = writableString(ctx, argv[1]!);
  const byteIndex = offset >> 3;
  const mask = 0x80 >> (offset & 7);
  const current = value ?? '';
  const padded = current.length > byteIndex ? current : current + '\0'.repeat(byteIndex + 1 - current.length);
  const byte = padded.charCodeAt(byteIndex);
  const next = bitText === '1' ? byte | mask : byte & ~mask;
  const updated = padded.slice(0, byteIndex) + String.fromCharCode(next) + padded.slice(byteIndex + 1);
  storeString(ctx, argv[1]!, entry, updated);
  return (byte & mask) === 0 ? 0 : 1;
}

function getBit(argv: string[], ctx: CommandContext): Reply {
  const offset = bitOffsetArg(ctx, argv[2]!);
  const value = readString(ctx, argv[1]!) ?? '';
  const byteIndex = offset >> 3;
  if (byteIndex >= value.length) return 0;
  return (value.charCodeAt(byteIndex) & (0x80 >> (offset & 7))) === 0 ? 0 : 1;
}

interface LcsOptions {
  len: boolean;
  idx: boolean;
  withMatchLen: boolean;
  minMatchLen: number;
}

function lcsOptions(argv: readonly string[]): LcsOptions {
  const options: LcsOptions = { len: false, idx: false, withMatchLen: false, minMatchLen: 0 };
  for (let i = 3; i < argv.length; i++) {
    if (isOption(argv[i], 'IDX')) options.idx = true;
    else if (isOption(argv[i], 'LEN')) options.len = true;
    else if (isOption(argv[i], 'WITHMATCHLEN')) options.withMatchLen = true;
    else if (isOption(argv[i], 'MINMATCHLEN') && i + 1 < argv.length) options.minMatchLen = Math.max(0, integerArg(argv[++i]!));
    else throw Errors.syntax();
  }
  if (options.len && options.idx) throw Errors.lcsLenAndIdx();
  return options;
}

/** The classic dynamic-programming table: cell (i, j) is the LCS length of a[0..i) and b[0..j). */
function lcsTable(a: string, b: string): Uint32Array {
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      table[i * width + j] = a.charCodeAt(i - 1) === b.charCodeAt(j - 1)
        ? table[(i - 1) * width + j - 1]! + 1
        : Math.max(table[(i - 1) * width + j]!, table[i * width + j - 1]!);
    }
  }
  return table;
}

type Match = [number, number, number, number];

/** Walks the table back from the end, as Redis does, so ranges come out last-first with Redis's tie-breaks. */
function lcsBacktrack(a: string, b: string, table: Uint32Array): { text: string; matches: Match[] } {
  const width = b.length + 1;
  const chars: string[] = [];
  const matches: Match[] = [];
  let range: Match | undefined;
  let i = a.length;
  let j = b.length;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars.push(a[i - 1]!);
      if (range === undefined) range = [i - 1, i - 1, j - 1, j - 1];
      else if (range[0] === i && range[2] === j) {
        range[0]--;
        range[2]--;
      } else emit = true;
      if (range[0] === 0 || range[2] === 0) emit = true;
      i--;
      j--;
    } else {
      if (table[(i - 1) * width + j]! > table[i * width + j - 1]!) i--;
      else j--;
      if (range !== undefined) emit = true;
    }
    if (emit && range !== undefined) {
      matches.push(range);
      range = undefined;
    }
  }
  return { text: chars.reverse().join(''), matches };
}

function lcsCommand(argv: string[], ctx: CommandContext): Reply {
  const read = (key: string): string => {
    const entry = ctx.db.lookup(key, ctx.nowMs);
    if (entry !== undefined && typeof entry.value !== 'string') throw Errors.lcsNotStrings();
    return entry === undefined ? '' : (entry.value as string);
  };
  const [a, b] = [read(argv[1]!), read(argv[2]!)];
  const options = lcsOptions(argv);
  if ((a.length + 1) * (b.length + 1) * 4 > ctx.server.limits.maxValueBytes) throw Errors.lcsTooLarge();
  const table = lcsTable(a, b);
  const length = table[table.length - 1]!;
  if (options.len) return length;
  const { text, matches } = lcsBacktrack(a, b, table);
  if (!options.idx) return text;
  const shown = matches
    .filter(([aStart, aEnd]) => options.minMatchLen === 0 || aEnd - aStart + 1 >= options.minMatchLen)
    .map(([aStart, aEnd, bStart, bEnd]): Reply => {
      const match: Reply[] = [[aStart, aEnd], [bStart, bEnd]];
      if (options.withMatchLen) match.push(aEnd - aStart + 1);
      return match;
    });
  return new MapReply([['matches', shown], ['len', length]]);
}

export const stringBitCommands = family('string', {
  setbit: {
    summary: 'Sets or clears the bit at offset of the string value. Creates the key if it doesn\'t exist.',
    arity: 4, flags: ['write', 'denyoom'], keys: ONE_KEY, since: '2.2.0', syntax: 'key offset value',
    handler: setBit,
  },
  getbit: {
    summary: 'Returns a bit value by offset.',
    arity: 3, flags: ['readonly', 'fast'], keys: ONE_KEY, since: '2.2.0', syntax: 'key offset',
    handler: getBit,
  },
  lcs: {
    summary: 'Finds the longest common substring.',
    arity: -3, flags: ['readonly'], keys: { first: 1, last: 2, step: 1 }, since: '7.0.0',
    syntax: 'key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]',
    handler: lcsCommand,
  },
});
