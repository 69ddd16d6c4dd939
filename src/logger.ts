import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from '../config/schema.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: LogLevel;
  /** Human-readable lines instead of JSON; the CLI turns it on only when stdout is a terminal. */
  pretty: boolean;
  /** Where lines go; stdout unless a test captures them. */
  destination?: DestinationStream;
}

/**
 * pino JSON for machines (one object per line, piped to a collector), pino-pretty for people at a
 * terminal. Request lines (from Fastify) carry reqId, method, url, statusCode and responseTime; no
 * body is ever logged, so values never reach the log. Authorization headers are redacted in case a
 * caller logs a request object with headers.
 */
export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    base: { service: 'larder', pid: process.pid },
    redact: { paths: ['req.headers.authorization', 'headers.authorization'], censor: '[redacted]' },
  };
  if (options.pretty) {
    // sync: lines written just before process.exit must not be lost in a buffer.
    return pino(settings, pretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', destination: 1 }));
  }
  // Asynchronous writes keep logging off the request path; `flushLogs` drains them before exit.
  return pino(settings, options.destination ?? pino.destination({ dest: 1, sync: false }));
}

/** Waits until buffered log lines are written (called just before the process exits). */
export async function flushLogs(logger: Logger): Promise<void> {
  await new Promise<void>((resolve) => {
    try {
      logger.flush(() => resolve());
    } catch {
      // A destination without flush support has nothing buffered.
      resolve();
    }
  });
}
