import { connect, type Socket } from 'node:net';

/** A reply as the durability tests need it: RESP2 shapes, errors as values (never thrown). */
export type RespValue = string | number | null | RespError | RespValue[];

export class RespError {
  constructor(readonly message: string) {}
}

/** Thrown to every command still waiting when the connection goes away (a kill -9, a reset). */
export class ConnectionLost extends Error {}

function frame(argv: readonly string[]): Buffer {
  let text = `*${argv.length}\r\n`;
  for (const arg of argv) text += `$${Buffer.byteLength(arg, 'latin1')}\r\n${arg}\r\n`;
  return Buffer.from(text, 'latin1');
}

/** Parses one reply at `at`; undefined when the buffer does not hold all of it yet. */
function parseReply(text: string, at: number): { value: RespValue; next: number } | undefined {
  const lineEnd = text.indexOf('\r\n', at);
  if (lineEnd < 0) return undefined;
  const line = text.slice(at + 1, lineEnd);
  const afterLine = lineEnd + 2;
  switch (text[at]) {
    case '+': return { value: line, next: afterLine };
    case '-': return { value: new RespError(line), next: afterLine };
    case ':': return { value: Number(line), next: afterLine };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, next: afterLine };
      if (text.length < afterLine + length + 2) return undefined;
      return { value: text.slice(afterLine, afterLine + length), next: afterLine + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, next: afterLine };
      const items: RespValue[] = [];
      let next = afterLine;
      for (let index = 0; index < count; index++) {
        const item = parseReply(text, next);
        if (item === undefined) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default: throw new Error(`unexpected RESP type byte ${JSON.stringify(text[at])}`);
  }
}

/**
 * A RESP client with nothing between the test and the socket: no reconnects, no offline queue, no
 * retries. A reply that arrived was sent by the server; a command whose reply did not arrive was
 * never acknowledged, and that is exactly the line the crash tests draw.
 */
export class RespConnection {
  private buffered = '';
  private readonly waiting: Array<{ resolve: (value: RespValue) => void; reject: (error: Error) => void }> = [];
  private lost = false;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => this.fail());
  }

  static open(port: number): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve(new RespConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Sends one command; resolves with its reply (errors included), rejects with ConnectionLost. */
  call(...argv: string[]): Promise<RespValue> {
    if (this.lost) return Promise.reject(new ConnectionLost('connection closed'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(frame(argv));
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(text: string): void {
    this.buffered += text;
    let at = 0;
    for (;;) {
      const parsed = at < this.buffered.length ? parseReply(this.buffered, at) : undefined;
      if (parsed === undefined) break;
      at = parsed.next;
      this.waiting.shift()?.resolve(parsed.value);
    }
    this.buffered = this.buffered.slice(at);
  }

  private fail(): void {
    this.lost = true;
    for (const waiter of this.waiting.splice(0)) waiter.reject(new ConnectionLost('connection closed before the reply'));
  }
}
