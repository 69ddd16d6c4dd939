/**
 * A small pipelining RESP2 client for the harness's own work: loading millions of keys, polling
 * DBSIZE / INFO, driving the eviction workload. Commands are encoded once into latin1 frames and
 * written in batches; replies are matched to requests in order, as RESP guarantees on one
 * connection. It parses only what our commands answer (simple, error, integer, bulk, array).
 */
import { createConnection, type Socket } from 'node:net';

export type RespReply = string | number | null | RespError | RespReply[];

export class RespError extends Error {}

/** `*N\r\n$len\r\narg\r\n…` for latin1 (byte) strings. */
export function encodeCommand(argv: readonly string[]): string {
  let frame = `*${argv.length}\r\n`;
  for (const arg of argv) frame += `$${arg.length}\r\n${arg}\r\n`;
  return frame;
}

/** Parses one reply starting at `offset`; undefined when the buffer ends before the reply does. */
export function parseReply(text: string, offset: number): { reply: RespReply; next: number } | undefined {
  const lineEnd = text.indexOf('\r\n', offset);
  if (lineEnd < 0) return undefined;
  const line = text.slice(offset + 1, lineEnd);
  const afterLine = lineEnd + 2;
  switch (text[offset]) {
    case '+':
      return { reply: line, next: afterLine };
    case '-':
      return { reply: new RespError(line), next: afterLine };
    case ':':
      return { reply: Number(line), next: afterLine };
    case '$': {
      const length = Number(line);
      if (length < 0) return { reply: null, next: afterLine };
      if (text.length < afterLine + length + 2) return undefined;
      return { reply: text.slice(afterLine, afterLine + length), next: afterLine + length + 2 };
    }
    case '*':
      return parseArray(text, Number(line), afterLine);
    default:
      throw new Error(`unexpected RESP reply type ${JSON.stringify(text[offset])}`);
  }
}

function parseArray(text: string, count: number, offset: number): { reply: RespReply; next: number } | undefined {
  if (count < 0) return { reply: null, next: offset };
  const items: RespReply[] = [];
  let next = offset;
  for (let index = 0; index < count; index++) {
    const parsed = parseReply(text, next);
    if (parsed === undefined) return undefined;
    items.push(parsed.reply);
    next = parsed.next;
  }
  return { reply: items, next };
}

/** One write's worth of commands: replies fill `replies` in order, then `resolve` fires once. */
interface PendingBatch {
  count: number;
  replies: RespReply[];
  resolve(replies: RespReply[]): void;
}

export class RespClient {
  private buffered = '';
  private readonly pending: PendingBatch[] = [];
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk.toString('latin1')));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host, port });
      socket.once('connect', () => resolve(new RespClient(socket)));
      socket.once('error', reject);
    });
  }

  /** One command; rejects on an error reply. */
  async call(...argv: string[]): Promise<RespReply> {
    const [reply] = await this.pipeline([argv]);
    if (reply instanceof RespError) throw reply;
    return reply ?? null;
  }

  /** Writes every command in one go and resolves with their replies, in order (errors as values). */
  async pipeline(commands: ReadonlyArray<readonly string[]>): Promise<RespReply[]> {
    return this.sendFrames(commands.map(encodeCommand).join(''), commands.length);
  }

  /** Writes pre-encoded frames holding `count` commands; resolves with their replies in order. */
  async sendFrames(frames: string, count: number): Promise<RespReply[]> {
    if (this.failure !== undefined) throw this.failure;
    // One promise per write, not per command: the eviction driver sends millions of commands.
    const replies = new Promise<RespReply[]>((resolve) => this.pending.push({ count, replies: [], resolve }));
    this.socket.write(frames, 'latin1');
    return replies;
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(text: string): void {
    this.buffered += text;
    let offset = 0;
    for (;;) {
      const parsed = offset < this.buffered.length ? parseReply(this.buffered, offset) : undefined;
      if (parsed === undefined) break;
      offset = parsed.next;
      const batch = this.pending[0];
      if (batch === undefined) throw new Error('RESP reply with no command waiting for it');
      batch.replies.push(parsed.reply);
      if (batch.replies.length === batch.count) this.pending.shift()?.resolve(batch.replies);
    }
    this.buffered = this.buffered.slice(offset);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const batch of this.pending.splice(0)) {
      while (batch.replies.length < batch.count) batch.replies.push(new RespError(`connection failed: ${error.message}`));
      batch.resolve(batch.replies);
    }
  }
}

/** INFO's `field:value` lines as numbers where they are numbers. */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** One numeric INFO field, failing loudly when the server does not report it. */
export async function infoNumber(client: RespClient, section: string, field: string): Promise<number> {
  const reply = await client.call('INFO', section);
  const value = Number(parseInfo(typeof reply === 'string' ? reply : '').get(field));
  if (!Number.isFinite(value)) throw new Error(`INFO ${section} has no numeric ${field}`);
  return value;
}

/**
 * `SET <prefix><n> <value>` for n in [from, to), `batch` commands per write and a few batches in
 * flight, so loading millions of keys is limited by the server, not by round trips.
 */
export interface LoadOptions {
  prefix: string;
  /** Keys n in [from, to). */
  from: number;
  to: number;
  value: string;
  /** Zero-pad n to this many digits (redis-benchmark's `-r` keys are `key:%012d`). */
  digits?: number;
  /** Appended to every SET, e.g. `['PXAT', '<ms>']`. */
  extraArgs?: readonly string[];
  batch?: number;
}

export async function loadKeys(client: RespClient, options: LoadOptions): Promise<void> {
  const batch = options.batch ?? 1000;
  const inFlight: Promise<RespReply[]>[] = [];
  const tail = (options.extraArgs ?? []).map((arg) => `$${arg.length}\r\n${arg}\r\n`).join('');
  const head = `*${3 + (options.extraArgs?.length ?? 0)}\r\n$3\r\nSET\r\n`;
  const valuePart = `$${options.value.length}\r\n${options.value}\r\n${tail}`;
  for (let start = options.from; start < options.to; start += batch) {
    const end = Math.min(options.to, start + batch);
    let frames = '';
    for (let n = start; n < end; n++) {
      const key = `${options.prefix}${options.digits === undefined ? n : String(n).padStart(options.digits, '0')}`;
      frames += `${head}$${key.length}\r\n${key}\r\n${valuePart}`;
    }
    inFlight.push(client.sendFrames(frames, end - start));
    const oldest = inFlight.length >= 8 ? inFlight.shift() : undefined;
    if (oldest !== undefined) assertNoErrors(await oldest);
  }
  for (const replies of await Promise.all(inFlight)) assertNoErrors(replies);
}

function assertNoErrors(replies: readonly RespReply[]): void {
  const error = replies.find((reply) => reply instanceof RespError);
  if (error !== undefined) throw new Error(`load failed: ${String(error)}`);
}
