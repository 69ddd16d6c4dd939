import { splitInlineArgs } from './inline.js';
import { latin1Slice } from '../latin1.js';

/**
 * Incremental request parser for RESP (multibulk) and inline commands.
 *
 * Bytes arrive in socket chunks that may split a frame anywhere. The parser keeps a cursor into the
 * current chunk and pulls one command at a time (`next()`), so the connection can apply per-command
 * state (authentication changes the limits) between commands of one pipeline, as Redis does.
 *
 * Copying is kept to what is unavoidable: arguments are decoded straight from the receive buffer
 * into one-byte (latin1) strings; only an incomplete header line is carried over by concatenation
 * (at most 64 KiB), and a bulk string that spans chunks is collected as per-chunk pieces and joined
 * once. Declared lengths are checked against the limits before anything is collected.
 *
 * Error texts and the order of checks follow Redis 7.0's processInlineBuffer and
 * processMultibulkBuffer, because Redis's own test suite and clients compare them literally.
 */

export class ProtocolError {
  constructor(
    /** The full error reply text, e.g. `ERR Protocol error: invalid bulk length`. */
    readonly message: string,
  ) {}
}

export interface ParserLimits {
  /** Largest bulk argument accepted (Redis `proto-max-bulk-len`). */
  maxBulkBytes: number;
}

/** Redis's PROTO_INLINE_MAX_SIZE: the longest inline command or header line it waits for. */
export const MAX_INLINE_BYTES = 64 * 1024;
/** Redis's limits while a client that must authenticate has not yet done so. */
export const UNAUTHENTICATED_MAX_ARGS = 10;
export const UNAUTHENTICATED_MAX_BULK_BYTES = 16 * 1024;
const INT32_MAX = 2_147_483_647;
/** What one collected argument costs beyond its bytes (string header + array slot), for the query-buffer limit. */
const ARGUMENT_OVERHEAD_BYTES = 16;
/** Argument lists up to this count are allocated at their declared size. */
const PRESIZED_ARGS_MAX = 64;
/** Longer first arguments are not commands anyone pipelines; they are not remembered. */
const MAX_REMEMBERED_NAME = 32;

const CR = 13;
const LF = 10;
const STAR = 42;
const DOLLAR = 36;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;

const EMPTY = Buffer.alloc(0);

/**
 * Redis's string2ll for a length header: optional '-', then digits with no leading zero (a lone
 * "0" is fine). Returns NaN when the text is not such a number; 19+ digits count as too large.
 */
export function parseLength(buf: Buffer, start: number, end: number): number {
  let i = start;
  const negative = i < end && buf[i] === MINUS;
  if (negative) i++;
  if (i >= end || end - i > 18) return Number.NaN;
  if (buf[i] === ZERO && end - i > 1) return Number.NaN;
  let value = 0;
  for (; i < end; i++) {
    const code = buf[i]!;
    if (code < ZERO || code > NINE) return Number.NaN;
    value = value * 10 + (code - ZERO);
  }
  return negative ? (value === 0 ? Number.NaN : -value) : value;
}

/**
 * Bytes → one-byte string. The native decoder has a fixed cost of ~80 ns per call, several times
 * what building a 1–4 character string in JS costs, and command names and small numbers are
 * that short; longer ranges go to the native decoder.
 */
function latin1(buf: Buffer, start: number, end: number): string {
  switch (end - start) {
    case 0:
      return '';
    case 1:
      return String.fromCharCode(buf[start]!);
    case 2:
      return String.fromCharCode(buf[start]!, buf[start + 1]!);
    case 3:
      return String.fromCharCode(buf[start]!, buf[start + 1]!, buf[start + 2]!);
    case 4:
      return String.fromCharCode(buf[start]!, buf[start + 1]!, buf[start + 2]!, buf[start + 3]!);
    default:
      return latin1Slice(buf, start, end);
  }
}

/**
 * The common header, `<digits>\r` right after a `*` or `$`, parsed in one pass without a native
 * search. Returns the value, or -1 for anything else (incomplete, negative, malformed), which the
 * general path then handles with Redis's exact semantics. The CR is at `start + quickHeaderDigits`.
 * Two results without an object: this runs twice per argument, and a `{value, cr}` per call was
 * the parser's largest allocation.
 */
let quickHeaderDigits = 0;
function quickHeader(buf: Buffer, start: number): number {
  let value = 0;
  const limit = Math.min(buf.length - 1, start + 16);
  for (let i = start; i < limit; i++) {
    const code = buf[i]!;
    if (code === CR) {
      quickHeaderDigits = i - start;
      return i === start || (buf[start] === ZERO && i - start > 1) ? -1 : value;
    }
    if (code < ZERO || code > NINE) return -1;
    value = value * 10 + (code - ZERO);
  }
  return -1;
}

/** Whether `buf[start, end)` holds exactly the bytes of the one-byte string `text`. */
function bytesEqual(buf: Buffer, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let i = start; i < end; i++) if (buf[i] !== text.charCodeAt(i - start)) return false;
  return true;
}

export class RespParser {
  /** Set by the connection before each `next()`: Redis tightens limits until AUTH succeeds. */
  authRequired = false;

  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Arguments of the multibulk command being read; null between commands. */
  private args: string[] | null = null;
  /** Arguments collected into `args` so far, and how many are still to come. */
  private argCount = 0;
  private argsLeft = 0;
  /** The last command name read (see `commandName`). */
  private lastName = '';
  /** Declared length of the bulk being read, or -1 while waiting for a `$` header. */
  private bulkBytes = -1;
  /** Pieces of a bulk that spans chunks, and how many of its bytes (plus CRLF) they hold. */
  private pieces: string[] = [];
  private pieceBytes = 0;
  private failed: ProtocolError | null = null;
  /** Chunks received since the last `next()`, joined lazily (see `push`). */
  private queued: Buffer[] = [];
  private queuedBytes = 0;

  constructor(private readonly limits: ParserLimits) {}

  /**
   * Appends a chunk read from the socket. Chunks queue up and are joined once, when `next()` runs:
   * a client parked by a blocking command keeps sending while nothing is parsed, and joining on
   * every chunk would copy its backlog again and again (quadratic, on the event loop).
   */
  push(chunk: Buffer): void {
    if (this.buf.length - this.pos === 0 && this.queued.length === 0) {
      this.buf = chunk;
      this.pos = 0;
    } else {
      this.queued.push(chunk);
      this.queuedBytes += chunk.length;
    }
  }

  /** Bytes held for commands not yet complete (Redis's query buffer, for its limit). */
  pendingBytes(): number {
    let held = this.buf.length - this.pos + this.queuedBytes + this.pieceBytes;
    // Each collected argument also costs a string header and an array slot, whatever its length:
    // without this, `*2000000000` followed by endless `$0` arguments would never reach the limit.
    if (this.args !== null) for (let i = 0; i < this.argCount; i++) held += this.args[i]!.length + ARGUMENT_OVERHEAD_BYTES;
    return held;
  }

  /** Joins queued chunks after the unread part of the buffer. */
  private joinQueued(): void {
    const rest = this.pos === 0 ? this.buf : this.buf.subarray(this.pos);
    this.buf = Buffer.concat([rest, ...this.queued]);
    this.pos = 0;
    this.queued = [];
    this.queuedBytes = 0;
  }

  /** The next complete command, `undefined` when more bytes are needed, or a fatal protocol error. */
  next(): string[] | undefined | ProtocolError {
    if (this.failed !== null) return this.failed;
    if (this.queued.length > 0) this.joinQueued();
    for (;;) {
      if (this.args === null) {
        if (this.pos >= this.buf.length) return this.release();
        const started = this.buf[this.pos] === STAR ? this.startMultibulk() : this.readInline();
        if (started === undefined) return this.release();
        if (started !== null) return started;
        // null: an empty command (blank line, `*0`, `*-1`): Redis skips it silently.
        continue;
      }
      const argv = this.readArguments();
      return argv === undefined ? this.release() : argv;
    }
  }

  /**
   * Waiting for more bytes: drop the reference to the socket's chunk (each pins a 64 KiB read
   * buffer, which idle connections would otherwise hold), keeping only the unread tail: a partial
   * bulk as a decoded piece, a partial line as a small copy.
   */
  private release(): undefined {
    if (this.bulkBytes >= 0) {
      if (this.pos < this.buf.length) this.collectBulkPiece();
      this.buf = EMPTY;
    } else {
      this.buf = this.pos >= this.buf.length ? EMPTY : Buffer.from(this.buf.subarray(this.pos));
    }
    this.pos = 0;
    return undefined;
  }

  private fail(text: string): ProtocolError {
    this.failed = new ProtocolError(`ERR Protocol error: ${text}`);
    this.buf = EMPTY;
    this.pos = 0;
    this.args = null;
    this.pieces = [];
    return this.failed;
  }

  /** Reads `*<count>\r\n`; returns null after setting up the argument list or for an empty command. */
  private startMultibulk(): undefined | ProtocolError | null {
    const quick = quickHeader(this.buf, this.pos + 1);
    if (quick > 0 && quick <= INT32_MAX && (quick <= UNAUTHENTICATED_MAX_ARGS || !this.authRequired)) {
      this.pos += quickHeaderDigits + 3;
      this.startArguments(quick);
      return null;
    }
    const cr = this.buf.indexOf(CR, this.pos);
    if (cr === -1) {
      return this.buf.length - this.pos > MAX_INLINE_BYTES ? this.fail('too big mbulk count string') : undefined;
    }
    // Redis only requires one more byte after the CR and skips it without looking.
    if (cr + 1 >= this.buf.length) return undefined;
    const count = parseLength(this.buf, this.pos + 1, cr);
    if (Number.isNaN(count) || count > INT32_MAX) return this.fail('invalid multibulk length');
    if (count > UNAUTHENTICATED_MAX_ARGS && this.authRequired) return this.fail('unauthenticated multibulk length');
    this.pos = cr + 2;
    if (count > 0) this.startArguments(count);
    return null;
  }

  private startArguments(count: number): void {
    // Pre-sized when the count is plausible: growing from [] reallocates on the first push. A
    // declared count is only a promise (`*1000000` may never be followed), so large ones grow.
    this.args = count <= PRESIZED_ARGS_MAX ? new Array<string>(count) : [];
    this.argCount = 0;
    this.argsLeft = count;
    this.bulkBytes = -1;
  }

  /** Reads one inline line; returns null for a blank line or once arguments are ready in `args`. */
  private readInline(): string[] | undefined | ProtocolError | null {
    const lf = this.buf.indexOf(LF, this.pos);
    if (lf === -1) {
      return this.buf.length - this.pos > MAX_INLINE_BYTES ? this.fail('too big inline request') : undefined;
    }
    const end = lf > this.pos && this.buf[lf - 1] === CR ? lf - 1 : lf;
    const argv = splitInlineArgs(this.buf.toString('latin1', this.pos, end));
    if (argv === null) return this.fail('unbalanced quotes in request');
    this.pos = lf + 1;
    return argv.length === 0 ? null : argv;
  }

  /** Collects bulk arguments until the command is complete. */
  private readArguments(): string[] | undefined | ProtocolError {
    while (this.argsLeft > 0) {
      if (this.bulkBytes === -1) {
        const header = this.readBulkHeader();
        if (header !== null) return header;
      }
      const arg = this.readBulk();
      if (arg === undefined) return undefined;
      this.args![this.argCount++] = arg;
      this.argsLeft--;
      this.bulkBytes = -1;
    }
    const argv = this.args!;
    this.args = null;
    return argv;
  }

  /** Reads `$<length>\r\n` into `bulkBytes`; returns null on success. */
  private readBulkHeader(): undefined | ProtocolError | null {
    const quick = this.buf[this.pos] === DOLLAR ? quickHeader(this.buf, this.pos + 1) : -1;
    if (quick >= 0 && quick <= this.limits.maxBulkBytes && (quick <= UNAUTHENTICATED_MAX_BULK_BYTES || !this.authRequired)) {
      this.pos += quickHeaderDigits + 3;
      this.bulkBytes = quick;
      return null;
    }
    const cr = this.buf.indexOf(CR, this.pos);
    if (cr === -1) {
      return this.buf.length - this.pos > MAX_INLINE_BYTES ? this.fail('too big bulk count string') : undefined;
    }
    if (cr + 1 >= this.buf.length) return undefined;
    const first = this.buf[this.pos]!;
    if (first !== DOLLAR) return this.fail(`expected '$', got '${String.fromCharCode(first)}'`);
    const length = parseLength(this.buf, this.pos + 1, cr);
    if (Number.isNaN(length) || length < 0 || length > this.limits.maxBulkBytes) return this.fail('invalid bulk length');
    if (length > UNAUTHENTICATED_MAX_BULK_BYTES && this.authRequired) return this.fail('unauthenticated bulk length');
    this.pos = cr + 2;
    this.bulkBytes = length;
    return null;
  }

  /** The bulk payload once all of it and its CRLF have arrived (the CRLF is skipped unchecked, as Redis does). */
  private readBulk(): string | undefined {
    const needed = this.bulkBytes + 2 - this.pieceBytes;
    const available = this.buf.length - this.pos;
    if (available < needed) return undefined;
    const payloadEnd = this.pos + Math.max(0, this.bulkBytes - this.pieceBytes);
    let value: string;
    if (this.pieces.length === 0) {
      value = this.argCount === 0 ? this.commandName(payloadEnd) : latin1(this.buf, this.pos, payloadEnd);
    } else {
      this.pieces.push(this.buf.toString('latin1', this.pos, payloadEnd));
      value = this.pieces.join('');
      this.pieces = [];
    }
    this.pieceBytes = 0;
    this.pos += needed;
    return value;
  }

  /**
   * A command name: the previous command's string when the bytes are the same, as they are in
   * most pipelines. The reused string has its hash computed already, so the command-table lookup
   * skips hashing and nothing is allocated.
   */
  private commandName(end: number): string {
    if (bytesEqual(this.buf, this.pos, end, this.lastName)) return this.lastName;
    const name = latin1(this.buf, this.pos, end);
    if (name.length <= MAX_REMEMBERED_NAME) this.lastName = name;
    return name;
  }

  /** Moves the unread part of the current buffer (a partial bulk) into `pieces`. */
  private collectBulkPiece(): void {
    const payloadLeft = Math.max(0, this.bulkBytes - this.pieceBytes);
    const take = Math.min(this.buf.length - this.pos, payloadLeft);
    if (take > 0) this.pieces.push(this.buf.toString('latin1', this.pos, this.pos + take));
    // Bytes past the payload are (part of) the trailing CRLF: counted, not kept.
    this.pieceBytes += this.buf.length - this.pos;
  }
}
