/**
 * `POST /commands`, `/commands/pipeline`, `/commands/multi-exec`: Redis commands over HTTP,
 * wire-compatible with the Upstash REST protocol, so `@upstash/redis` works with
 * `url: "http://host:port/commands"`. Upstash's path-style GET calls (`/set/k/v`) are not served:
 * GET must be safe to repeat, and a path segment cannot carry arbitrary bytes as plainly as JSON.
 *
 * Each handler converts JSON arguments to bytes, dispatches through the one dispatcher and renders
 * the `Reply` in one pass (`upstash-json.ts`). Every request gets a fresh session on database 0.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { CommandError, Errors } from '../src/errors.js';
import { runTransaction } from '../src/commands/transaction.js';
import type { ClientSession } from '../src/commands/types.js';
import type { Reply } from '../src/commands/reply.js';
import {
  CommandListSchema,
  CommandResultSchema,
  CommandSchema,
  EncodingHeadersSchema,
  PipelineResultSchema,
  type Command,
} from '../schemas/commands.js';
import { upstashErrorResponses } from '../schemas/responses.js';
import type { RouteDeps } from './context.js';
import { HttpProblem } from './problem.js';
import { httpRefusal } from './http-refusals.js';
import { commandArgv, envelopeJson, errorJson, type StringEncoding } from './upstash-json.js';
import { sendWhenDurable, WRITES_REFUSED_RETRY_AFTER } from './durable-reply.js';

const ROUTE_CONFIG = { errorFormat: 'upstash' } as const;

export function commandRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const { dispatcher, durability } = deps.engine;
  const session = (): ClientSession => deps.engine.newSession('http', true);

  /** One command: refused by the HTTP door, or dispatched. */
  const runOne = (argv: string[], client: ClientSession): Reply => httpRefusal(argv) ?? dispatcher.dispatch(argv, client);

  typed.post('/commands', {
    config: ROUTE_CONFIG,
    preValidation: parseRawJsonBody,
    schema: {
      tags: ['commands'],
      summary: 'Run one Redis command (Upstash REST protocol).',
      description:
        'The body is the command as a JSON array, e.g. `["SET","greeting","hello","EX",100]`. Answers `{"result": …}`, or 400 `{"error": "<Redis error text>"}` when the command fails, ' +
        'or 503 `{"error": "MISCONF …"}` with `Retry-After` when a write is refused after a disk error. Under `appendfsync always` a write answers once it is durable.',
      headers: EncodingHeadersSchema,
      body: CommandSchema,
      response: { 200: CommandResultSchema, ...upstashErrorResponses(400, 401, 413, 503) },
    },
    handler: (request, reply) => {
      const mark = durability.sealedRecords;
      const result = runOne(commandArgv(request.body), session());
      const body = envelopeJson(result, encodingOf(request));
      const status = result instanceof CommandError ? commandErrorStatus(result) : 200;
      if (status === 503) reply.header('retry-after', WRITES_REFUSED_RETRY_AFTER);
      sendWhenDurable(durability, mark, () => sendJson(reply, status, body));
    },
  });

  typed.post('/commands/pipeline', {
    config: ROUTE_CONFIG,
    preValidation: parseRawJsonBody,
    schema: {
      tags: ['commands'],
      summary: 'Run several commands in one request, in order (not atomic).',
      description:
        'The body is an array of commands. Answers 200 with one `{"result"}` or `{"error"}` per command: a failing command does not stop the others (a write refused after a disk error is its entry\'s `{"error": "MISCONF …"}`). Other clients\' commands may run in between.',
      headers: EncodingHeadersSchema,
      body: CommandListSchema,
      response: { 200: PipelineResultSchema, ...upstashErrorResponses(400, 401, 413) },
    },
    handler: (request, reply) => {
      const commands = checkLength(request.body, deps.limits.maxPipelineCommands);
      const client = session();
      const encoding = encodingOf(request);
      const mark = durability.sealedRecords;
      let body = '[';
      for (let i = 0; i < commands.length; i++) {
        body += (i === 0 ? '' : ',') + envelopeJson(runOne(commandArgv(commands[i]!), client), encoding);
      }
      sendWhenDurable(durability, mark, () => sendJson(reply, 200, `${body}]`));
    },
  });

  typed.post('/commands/multi-exec', {
    config: ROUTE_CONFIG,
    preValidation: parseRawJsonBody,
    schema: {
      tags: ['commands'],
      summary: 'Run several commands as one transaction (MULTI … EXEC).',
      description:
        'All commands run back to back with nothing interleaved, as one MULTI … EXEC (the append-only log records them as one unit). If any command cannot be queued (unknown command, wrong number of arguments, not allowed in a transaction or over HTTP) nothing runs and the answer is 400 `{"error": "EXECABORT …"}` naming the command; ' +
        'while writes are refused after a disk error a transaction with a write answers 503 `{"error": "EXECABORT … MISCONF …"}` with `Retry-After`. Errors while running (e.g. `WRONGTYPE`) are that command\'s entry; the others still run, and nothing is rolled back, as in Redis.',
      headers: EncodingHeadersSchema,
      body: CommandListSchema,
      response: { 200: PipelineResultSchema, ...upstashErrorResponses(400, 401, 413, 503) },
    },
    handler: (request, reply) => {
      const argvs = checkLength(request.body, deps.limits.maxPipelineCommands).map(commandArgv);
      const mark = durability.sealedRecords;
      const outcome = runTransaction(dispatcher, argvs, session(), httpRefusal);
      if (!outcome.executed) {
        sendTransactionRefusal(reply, outcome.position, outcome.cause);
        return;
      }
      const encoding = encodingOf(request);
      const body = `[${outcome.replies.map((result) => envelopeJson(result, encoding)).join(',')}]`;
      sendWhenDurable(durability, mark, () => sendJson(reply, 200, body));
    },
  });
}

/**
 * A transaction that did not run: a command that cannot be queued (named), or EXEC refused as a
 * whole. A client's mistake (400), except writes refused after a disk error (503, as for one command).
 */
function sendTransactionRefusal(reply: FastifyReply, position: number | undefined, cause: CommandError): void {
  const detail = position === undefined ? cause.message : `${Errors.execAbort().message} Command ${position + 1}: ${cause.message}`;
  const writesRefused = cause.prefix === 'MISCONF' || cause.message.startsWith(Errors.execAbortBecause('MISCONF').message);
  if (writesRefused) reply.header('retry-after', WRITES_REFUSED_RETRY_AFTER);
  sendJson(reply, writesRefused ? 503 : 400, errorJson(detail));
}

/** A failed command is the client's mistake (400), except a refusal of service: writes refused after a disk error (503). */
function commandErrorStatus(error: CommandError): number {
  return error.prefix === 'MISCONF' ? 503 : 400;
}

function encodingOf(request: FastifyRequest): StringEncoding {
  const header = request.headers['upstash-encoding'];
  return typeof header === 'string' && header.toLowerCase() === 'base64' ? 'base64' : 'utf8';
}

/** The body is already JSON text; Fastify sends a string with a JSON content type as is. */
function sendJson(reply: FastifyReply, status: number, json: string): void {
  void reply.code(status).type('application/json; charset=utf-8').send(json);
}

function checkLength(commands: Command[], maxCommands: number): Command[] {
  if (commands.length > maxCommands) {
    throw new HttpProblem(
      400,
      'pipeline_too_long',
      `ERR ${commands.length} commands in one request exceed the limit of ${maxCommands} (limits.maxPipelineCommands)`,
    );
  }
  return commands;
}

/**
 * `curl -d '["PING"]'` sends `application/x-www-form-urlencoded`, which the app keeps as raw
 * bytes; the Upstash protocol reads every body as JSON, so these routes parse it here.
 */
async function parseRawJsonBody(request: FastifyRequest): Promise<void> {
  if (!Buffer.isBuffer(request.body)) return;
  try {
    request.body = JSON.parse(request.body.toString('utf8')) as unknown;
  } catch {
    throw new HttpProblem(400, 'invalid_json', 'ERR the request body is not valid JSON');
  }
}
