import { z } from 'zod';

/**
 * Bodies and replies of the Upstash-compatible `/commands` routes. Validation only checks the
 * JSON shape; the command table checks names and arity and answers with Redis's own texts.
 */

const ARGUMENT_SHAPE = 'each command argument must be a string, a number or a boolean';

export const CommandArgumentSchema = z
  .union([z.string(), z.number(), z.boolean()], { error: ARGUMENT_SHAPE })
  .describe(
    'A command name or argument. Strings are UTF-8 text and stored as their UTF-8 bytes; numbers as the text JavaScript prints (`100`, `1.5`); booleans as `true` / `false`.',
  );

export const CommandSchema = z
  .array(CommandArgumentSchema)
  .min(1, { error: 'a command needs at least its name' })
  .describe('One Redis command as a JSON array: the name, then its arguments in Redis order.')
  .meta({ examples: [['SET', 'greeting', 'hello', 'EX', 100]] });

export const CommandListSchema = z
  .array(CommandSchema)
  .min(1, { error: 'send at least one command' })
  .describe('Commands to run in order, one JSON array each.')
  .meta({
    examples: [
      [
        ['SET', 'greeting', 'hello'],
        ['INCR', 'visits'],
        ['GET', 'greeting'],
      ],
    ],
  });

const ResultValueSchema = z
  .unknown()
  .describe(
    'The Redis reply in RESP2 shapes: bulk and simple strings as strings (base64 of the bytes with `Upstash-Encoding: base64`, except a plain `OK`), integers as numbers, nil as `null`, arrays as arrays, maps flattened to `[field, value, …]`, doubles as strings, booleans as `1` / `0`.',
  );

export const CommandResultSchema = z
  .object({ result: ResultValueSchema })
  .describe('A successful reply; `result` is present even when it is `null`.')
  .meta({ examples: [{ result: 'OK' }, { result: null }, { result: 42 }] });

export const PipelineEntrySchema = z
  .object({
    result: ResultValueSchema.optional(),
    error: z.string().optional().describe('The command\'s error text, with Redis\'s prefix (`ERR …`, `WRONGTYPE …`).'),
  })
  .describe('The outcome of one command: `{"result": …}` or `{"error": …}`.');

export const PipelineResultSchema = z
  .array(PipelineEntrySchema)
  .describe('One entry per command, in request order.')
  .meta({ examples: [[{ result: 'OK' }, { result: 1 }, { result: 'hello' }]] });

export const EncodingHeadersSchema = z.object({
  'upstash-encoding': z
    .string()
    .optional()
    .describe('`base64`: every string in `result` is base64 of its bytes (binary-safe). Anything else or absent: UTF-8 text.'),
});

export type CommandArgument = z.infer<typeof CommandArgumentSchema>;
export type Command = z.infer<typeof CommandSchema>;
