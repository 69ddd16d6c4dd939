/**
 * The Upstash REST protocol's JSON mapping, both ways:
 * - in:  JSON command arguments → the engine's byte strings (one-byte "latin1" JS strings);
 * - out: a protocol-neutral `Reply` → JSON text in RESP2 shapes, rendered in one pass straight
 *   to a string (no intermediate tree, and integers beyond 2^53 keep every digit).
 *
 * Strings in replies are bytes. With `Upstash-Encoding: base64` every one of them, at any depth,
 * is sent as base64 of the exact bytes, except the simple-string reply `OK`, which Upstash sends
 * as is (its docs say so and `@upstash/redis` special-cases it). Without that header the bytes are
 * decoded as UTF-8; invalid sequences become U+FFFD, so binary values need base64 to round-trip.
 */
import { CommandError } from '../src/errors.js';
import { textToBytes } from './keys-codec.js';
import {
  BooleanReply,
  DoubleReply,
  MapReply,
  NullArray,
  PushReply,
  SetReply,
  SimpleString,
  VerbatimString,
  type Reply,
} from '../src/commands/reply.js';

/** How strings inside `result` are written. */
export type StringEncoding = 'utf8' | 'base64';

/** A JSON command argument as the schema admits it. */
export type JsonArgument = string | number | boolean;

const NON_ASCII = /[^\x00-\x7f]/;


/**
 * One argument's bytes. Numbers are written as JavaScript prints them (`100`, `1.5`, `1e+21`);
 * booleans as `true` / `false`, the text `@upstash/redis` reads back as the same boolean.
 */
export function argumentBytes(argument: JsonArgument): string {
  return typeof argument === 'string' ? textToBytes(argument) : String(argument);
}

export function commandArgv(command: readonly JsonArgument[]): string[] {
  const argv = new Array<string>(command.length);
  for (let i = 0; i < command.length; i++) argv[i] = argumentBytes(command[i]!);
  return argv;
}

/** `{"result": …}` or, for an error reply, `{"error": "<Redis text>"}`. */
export function envelopeJson(reply: Reply, encoding: StringEncoding): string {
  if (reply instanceof CommandError) return errorJson(reply.message);
  return `{"result":${valueJson(reply, encoding)}}`;
}

export function errorJson(message: string): string {
  return `{"error":${JSON.stringify(message)}}`;
}

/** One reply as a JSON value in RESP2 shapes. */
export function valueJson(reply: Reply, encoding: StringEncoding): string {
  if (typeof reply === 'string') return bytesJson(reply, encoding);
  if (typeof reply === 'number' || typeof reply === 'bigint') return reply.toString();
  if (reply === null) return 'null';
  if (Array.isArray(reply)) return listJson(reply, encoding);
  return wrappedJson(reply, encoding);
}

function wrappedJson(reply: Exclude<Reply, string | number | bigint | null | Reply[]>, encoding: StringEncoding): string {
  if (reply instanceof SimpleString) {
    return encoding === 'base64' && reply.value === 'OK' ? '"OK"' : bytesJson(reply.value, encoding);
  }
  if (reply instanceof DoubleReply) return bytesJson(doubleText(reply.value), encoding);
  if (reply instanceof BooleanReply) return reply.value ? '1' : '0';
  if (reply instanceof VerbatimString) return bytesJson(reply.value, encoding);
  if (reply instanceof MapReply) return listJson(reply.entries.flat(), encoding);
  if (reply instanceof SetReply || reply instanceof PushReply) return listJson(reply.items, encoding);
  if (reply instanceof NullArray) return 'null';
  // An error nested in an array (RESP2 would write `-ERR …` in place) keeps Upstash's error shape.
  return errorJson(reply.message);
}

function listJson(items: readonly Reply[], encoding: StringEncoding): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    out += valueJson(items[i]!, encoding);
  }
  return `${out}]`;
}

function bytesJson(bytes: string, encoding: StringEncoding): string {
  if (encoding === 'base64') return `"${Buffer.from(bytes, 'latin1').toString('base64')}"`;
  return JSON.stringify(NON_ASCII.test(bytes) ? Buffer.from(bytes, 'latin1').toString('utf8') : bytes);
}

/** Redis writes doubles in RESP2 as bulk strings: shortest round-trip digits, `inf`, `-inf`, `nan`. */
function doubleText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}
