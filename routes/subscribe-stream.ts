import type { ServerResponse } from 'node:http';
import type { PubSubHub, PubSubMessage, Subscriber } from '../src/commands/pubsub-hub.js';

/**
 * One HTTP event stream (Server-Sent Events) as a pub/sub subscriber, in the Upstash wire format
 * so `@upstash/redis`'s `redis.subscribe()` and a browser `EventSource` both read it:
 *
 *     data: subscribe,<channel>,1
 *     data: message,<channel>,<message>
 *     data: pmessage,<pattern>,<channel>,<message>
 *
 * each followed by a blank line. Channel and message bytes go out unchanged (EventSource decodes
 * them as UTF-8). SSE cannot carry a line break inside a `data:` line, so a message with line
 * breaks becomes several `data:` lines, which EventSource joins back with `\n`.
 *
 * Memory stays bounded: when the client stops reading, unsent output piles up in the response;
 * past `maxBufferedBytes` the stream is cut and unsubscribed (Redis's client-output-buffer-limit
 * for pub/sub clients does the same).
 */
export interface EventStreamOptions {
  maxBufferedBytes: number;
  keepAliveMs: number;
  /** Told why the stream ended early (`slow-consumer`), for the log. */
  onDropped(reason: 'slow-consumer', bufferedBytes: number): void;
}

const LINE_BREAK = /\r\n|\r|\n/;

/** One SSE event whose data is `text`; line breaks inside it become extra `data:` lines. */
export function sseEvent(text: string): string {
  if (!text.includes('\n') && !text.includes('\r')) return `data: ${text}\n\n`;
  return `${text.split(LINE_BREAK).map((line) => `data: ${line}`).join('\n')}\n\n`;
}

export function sseMessage(message: PubSubMessage): string {
  return message.pattern === undefined
    ? sseEvent(`message,${message.channel},${message.message}`)
    : sseEvent(`pmessage,${message.pattern},${message.channel},${message.message}`);
}

export class EventStream implements Subscriber {
  private closed = false;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(
    readonly id: number,
    private readonly response: ServerResponse,
    private readonly hub: PubSubHub,
    private readonly options: EventStreamOptions,
  ) {
    this.keepAlive = setInterval(() => this.write(': keep-alive\n\n'), options.keepAliveMs);
    this.keepAlive.unref();
    response.once('close', () => this.release());
  }

  /** Subscribes to a channel or a pattern and sends the confirmation event. */
  start(kind: 'subscribe' | 'psubscribe', name: string): void {
    const count = kind === 'subscribe' ? this.hub.subscribe(this, name) : this.hub.psubscribe(this, name);
    this.write(sseEvent(`${kind},${name},${count}`));
  }

  deliver(message: PubSubMessage): void {
    this.write(sseMessage(message));
  }

  /** Ends the stream politely (server shutdown): the client sees the response finish. */
  end(): void {
    this.release();
    this.response.end();
  }

  private write(text: string): void {
    if (this.closed) return;
    this.response.write(text, 'latin1');
    const bufferedBytes = this.response.writableLength;
    if (bufferedBytes > this.options.maxBufferedBytes) {
      this.release();
      this.options.onDropped('slow-consumer', bufferedBytes);
      // Destroy rather than end: ending would wait for the very buffer we are giving up on.
      this.response.destroy();
    }
  }

  private release(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepAlive);
    this.hub.unsubscribeAll(this.id);
  }
}
