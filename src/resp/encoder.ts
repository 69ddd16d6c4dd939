import { CommandError } from '../errors.js';
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
} from '../commands/reply.js';
import { formatDouble } from '../commands/format.js';

/**
 * Renders a protocol-neutral `Reply` as RESP2 or RESP3 text. The output is a one-byte ("latin1")
 * JS string: values already are byte strings, so the connection writes the concatenation of a whole
 * pipeline's replies with a single `socket.write(text, 'latin1')` and no intermediate Buffers.
 */

export type Protocol = 2 | 3;

const CRLF = '\r\n';
const NULL_BULK = '$-1\r\n';
const NULL_ARRAY = '*-1\r\n';
const RESP3_NULL = '_\r\n';

/** Error texts are one line on the wire; Redis replaces line breaks in them with spaces. */
function errorLine(message: string): string {
  const text = message.includes('\r') || message.includes('\n') ? message.replace(/[\r\n]/g, ' ') : message;
  return `-${text}${CRLF}`;
}

export function bulk(value: string): string {
  return `$${value.length}${CRLF}${value}${CRLF}`;
}

function aggregate(marker: string, items: readonly Reply[], protocol: Protocol): string {
  let out = `${marker}${items.length}${CRLF}`;
  for (const item of items) out += encodeReply(item, protocol);
  return out;
}

function encodeMap(reply: MapReply, protocol: Protocol): string {
  let out = protocol === 3 ? `%${reply.entries.length}${CRLF}` : `*${reply.entries.length * 2}${CRLF}`;
  for (const [field, value] of reply.entries) out += encodeReply(field, protocol) + encodeReply(value, protocol);
  return out;
}

function encodeDouble(value: number, protocol: Protocol): string {
  const text = formatDouble(value);
  return protocol === 3 ? `,${text}${CRLF}` : bulk(text);
}

function encodeVerbatim(value: string, protocol: Protocol): string {
  // RESP3 verbatim: a three-letter format, a colon, then the text; the length counts all of it.
  return protocol === 3 ? `=${value.length + 4}${CRLF}txt:${value}${CRLF}` : bulk(value);
}

/** The wrapper classes: less common shapes, kept out of the hot path of `encodeReply`. */
function encodeObject(reply: Exclude<Reply, string | number | bigint | null>, protocol: Protocol): string {
  if (Array.isArray(reply)) return aggregate('*', reply, protocol);
  if (reply instanceof SimpleString) return `+${reply.value}${CRLF}`;
  if (reply instanceof CommandError) return errorLine(reply.message);
  if (reply instanceof MapReply) return encodeMap(reply, protocol);
  if (reply instanceof SetReply) return aggregate(protocol === 3 ? '~' : '*', reply.items, protocol);
  if (reply instanceof DoubleReply) return encodeDouble(reply.value, protocol);
  if (reply instanceof NullArray) return protocol === 3 ? RESP3_NULL : NULL_ARRAY;
  if (reply instanceof BooleanReply) {
    if (protocol === 3) return reply.value ? `#t${CRLF}` : `#f${CRLF}`;
    return reply.value ? `:1${CRLF}` : `:0${CRLF}`;
  }
  if (reply instanceof VerbatimString) return encodeVerbatim(reply.value, protocol);
  if (reply instanceof PushReply) return aggregate(protocol === 3 ? '>' : '*', reply.items, protocol);
  throw new TypeError('unknown reply shape');
}

export function encodeReply(reply: Reply, protocol: Protocol): string {
  switch (typeof reply) {
    case 'string':
      return `$${reply.length}${CRLF}${reply}${CRLF}`;
    case 'number':
    case 'bigint':
      return `:${reply}${CRLF}`;
    default:
      if (reply === null) return protocol === 3 ? RESP3_NULL : NULL_BULK;
      return encodeObject(reply, protocol);
  }
}

/** An error reply from raw text (protocol errors, connection-level refusals). */
export function encodeError(message: string): string {
  return errorLine(message);
}
