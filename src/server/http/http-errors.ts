import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { statusForCode } from '../../shared/error-status.ts';
import { RelaisError, type ErrorCode } from '../../shared/errors.ts';
import { errorFields } from '../core/error-fields.ts';

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  bad_request: 'Invalid request',
  invalid_json: 'Body is not valid JSON',
  payload_too_large: 'Body too large',
  unsupported_media_type: 'Unsupported content type',
  not_found: 'Not found',
  unauthenticated: 'Sign in first',
  invalid_credentials: 'Wrong username or password',
  rate_limited: 'Too many attempts, retry later',
  origin_forbidden: 'Origin not allowed',
  host_forbidden: 'Host not served here',
  conversation_not_found: 'Conversation not found',
  unavailable: 'Service unavailable',
  internal: 'Internal error',
};

/** The body of an error answer: `{error: {code, message}}` (also what a push over the socket answers, realtime `pushed`). */
export function errorBody(code: ErrorCode, message?: string): { error: { code: ErrorCode; message: string } } {
  return { error: { code, message: message ?? MESSAGES[code] ?? code } };
}

/** Sends `{error: {code, message}}` with the status that goes with the code. */
export function sendError(reply: FastifyReply, code: ErrorCode, message?: string): FastifyReply {
  return reply.code(statusForCode(code)).send(errorBody(code, message));
}

/** Types of the errors ioredis raises when Redis cannot be reached (its "Connection is closed." has none). */
const STORE_DOWN_ERRORS = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError']);

/**
 * The stable code for an error a route threw: a RelaisError's own code, Fastify's errors (body
 * parsing, limits) by their `code` and `statusCode`, and `unavailable` rather than `internal` when
 * the store is away (by the error's type or system code, or the connection's state). Never by message.
 */
export function errorCodeOf(err: FastifyError | Error, options: { storeAvailable: () => boolean }): ErrorCode {
  if (err instanceof RelaisError) return err.code;
  const code = (err as FastifyError).code;
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'invalid_json';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'payload_too_large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported_media_type';
  }
  if (err instanceof SyntaxError) return 'invalid_json';
  const status = (err as FastifyError).statusCode ?? 500;
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 404) return 'not_found';
  if (status >= 400 && status < 500) return 'bad_request';
  if (STORE_DOWN_ERRORS.has(err.name) || code === 'ECONNREFUSED' || !options.storeAvailable()) {
    return 'unavailable';
  }
  return 'internal';
}

/**
 * Installs the error handler: every failure answers `{error: {code, message}}`, bad input never a
 * 500. An unexpected error is logged (its type and stack, never its message) before `internal`.
 */
export function installErrorHandler(app: FastifyInstance, options: { storeAvailable: () => boolean }): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const code = errorCodeOf(err, options);
    if (code === 'internal') {
      request.log.error({ err: errorFields(err), userId: request.userId }, 'request failed');
    } else if (code === 'unavailable') {
      request.log.warn({ err: errorFields(err), userId: request.userId }, 'request failed: store unavailable');
    } else {
      request.log.debug({ code }, 'request refused');
    }
    return sendError(reply, code);
  });
}
