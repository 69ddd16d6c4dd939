/**
 * Protocol-neutral replies. Handlers return these; RESP and JSON each render them in one place.
 *
 * The common shapes are plain JS values so the hot path allocates nothing extra:
 * - `string`  → bulk string (bytes, held as a one-byte "latin1" string)
 * - `number`  → integer (always an integral value)
 * - `bigint`  → integer outside the float-safe range (INCR near the int64 edges)
 * - `null`    → null bulk string (RESP2 `$-1`, RESP3 `_`)
 * - `Reply[]` → array
 * The rarer shapes are small wrapper classes.
 */
import { CommandError } from '../errors.js';

export class SimpleString {
  constructor(readonly value: string) {}
}

/** A RESP3 double; rendered as a bulk string in RESP2 and by the Upstash JSON door. */
export class DoubleReply {
  constructor(readonly value: number) {}
}

/** An ordered field → value map; RESP2 and Upstash render it as a flat array. */
export class MapReply {
  constructor(readonly entries: ReadonlyArray<readonly [Reply, Reply]>) {}
}

/** A set-typed array (RESP3 `~`); an array everywhere else. */
export class SetReply {
  constructor(readonly items: readonly Reply[]) {}
}

/** A null array (RESP2 `*-1`), e.g. an aborted EXEC or a timed-out blocking pop. */
export class NullArray {
  static readonly instance = new NullArray();
  private constructor() {}
}

/** A RESP3 boolean; RESP2 and Upstash render it as the integer 1 or 0. */
export class BooleanReply {
  static readonly TRUE = new BooleanReply(true);
  static readonly FALSE = new BooleanReply(false);
  private constructor(readonly value: boolean) {}
}

/** Text meant for people (INFO, CLIENT LIST); RESP3 verbatim `=txt:`, a bulk string elsewhere. */
export class VerbatimString {
  constructor(readonly value: string) {}
}

/** An out-of-band message (pub/sub); RESP3 `>` push, a plain array in RESP2. */
export class PushReply {
  constructor(readonly items: readonly Reply[]) {}
}

export type Reply =
  | string
  | number
  | bigint
  | null
  | Reply[]
  | SimpleString
  | DoubleReply
  | MapReply
  | SetReply
  | NullArray
  | BooleanReply
  | VerbatimString
  | PushReply
  | CommandError;

export const OK = new SimpleString('OK');
export const PONG = new SimpleString('PONG');
export const QUEUED = new SimpleString('QUEUED');
