import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ListQuerySchema } from '../schemas/keys.js';
import { decodeScan } from '../src/commands/rest-replies.js';
import { bytesToBase64, bytesToText, textToBytes } from './keys-codec.js';
import type { KeyDoor } from './keys-door.js';

type ListRequest = FastifyRequest<{ Querystring: z.infer<typeof ListQuerySchema> }>;

/** The page's keys as text, or undefined when one of them is not valid UTF-8. */
function keysAsText(keys: readonly string[]): string[] | undefined {
  const texts: string[] = [];
  for (const key of keys) {
    const text = bytesToText(key);
    if (text === undefined) return undefined;
    texts.push(text);
  }
  return texts;
}

/**
 * `GET /keys`: one SCAN step, so the guarantees are SCAN's (a key present for the whole iteration
 * is returned; keys added or removed meanwhile may or may not be). A page is either all text or,
 * when asked for or when some key is not UTF-8, all base64 with `encoding` saying so — one flag
 * per page keeps `keys` a plain string array.
 */
export function listKeysHandler(door: KeyDoor) {
  return function listKeys(request: ListRequest, reply: FastifyReply): void {
    const { cursor, match, count, type, keyEncoding } = request.query;
    const argv = ['scan', cursor, 'MATCH', textToBytes(match), 'COUNT', String(count)];
    if (type !== undefined) argv.push('TYPE', type);
    const page = decodeScan(door.dispatch(argv));
    const texts = keyEncoding === 'utf8' ? keysAsText(page.keys) : undefined;
    if (texts !== undefined) return void reply.send({ keys: texts, cursor: page.cursor });
    return void reply.send({ keys: page.keys.map(bytesToBase64), cursor: page.cursor, encoding: 'base64' as const });
  };
}
