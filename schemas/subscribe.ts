import { z } from 'zod';

/**
 * The event-stream routes `/commands/subscribe/:channel` and `/commands/psubscribe/:pattern`
 * (Upstash's pub/sub over HTTP). The response is `text/event-stream`, documented in the
 * `{ description, content }` form so OpenAPI shows the media type the route really sends.
 */

export const ChannelParamsSchema = z.object({
  channel: z.string().min(1).describe('The channel to listen to, as UTF-8 text (percent-encoded in the URL). Its UTF-8 bytes are the channel name RESP clients PUBLISH to.'),
});

export const PatternParamsSchema = z.object({
  pattern: z.string().min(1).describe('A Redis glob (`*`, `?`, `[a-z]`, `\\x`) matched against channel names, as in PSUBSCRIBE.'),
});

export const StreamQuerySchema = z.object({
  _token: z
    .string()
    .optional()
    .describe('The bearer token, for clients that cannot send an Authorization header (a browser `EventSource`). Prefer the header: URLs end up in proxy logs. Larder itself does not log it.'),
});

const EventStreamSchema = z
  .string()
  .describe(
    'Server-Sent Events, one per line group: `data: subscribe,<channel>,1` (or `psubscribe,<pattern>,1`) first, then `data: message,<channel>,<message>` for each PUBLISH (`data: pmessage,<pattern>,<channel>,<message>` on pattern streams). A message with line breaks spans several `data:` lines, which EventSource joins with `\\n`. Comment lines (`: keep-alive`) arrive every `pubsub.sseKeepAliveSeconds`. The stream stays open until the client leaves; a client that stops reading is disconnected once `pubsub.sseMaxBufferedBytes` of output is waiting for it.',
  )
  .meta({ examples: ['data: subscribe,news,1\n\ndata: message,news,hello\n\n'] });

export const EventStreamResponse = {
  description: 'An open event stream of the messages published to the channel (or to channels matching the pattern).',
  content: { 'text/event-stream': { schema: EventStreamSchema } },
};
