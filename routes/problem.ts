import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CommandError } from '../src/errors.js';
import type { Problem } from '../schemas/problem.js';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  428: 'Precondition Required',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

/** An HTTP-level failure a route throws; the app's error handler renders it in the route's format. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

/** HTTP status for a Redis error prefix: client mistakes are 4xx, refusals of service are 5xx. */
export function statusForCommandError(error: CommandError): number {
  switch (error.prefix) {
    case 'WRONGTYPE':
      return 409;
    case 'NOAUTH':
    case 'WRONGPASS':
      return 401;
    case 'OOM':
      return 507;
    case 'MISCONF':
    case 'LOADING':
    case 'BUSY':
      return 503;
    default:
      return 400;
  }
}

export function problemBody(status: number, code: string, detail: string, instance?: string): Problem {
  return {
    type: 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(instance === undefined ? {} : { instance }),
  };
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, status: number, code: string, detail: string): FastifyReply {
  return reply
    .code(status)
    .type('application/problem+json')
    .send(problemBody(status, code, detail, request.url.split('?')[0]));
}
