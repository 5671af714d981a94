import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { RelaisError, statusForCode, type ErrorCode } from '../../shared/errors.ts';

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
  conversation_not_found: 'Conversation not found',
  unavailable: 'Service unavailable',
  internal: 'Internal error',
};

/** Sends `{error: {code, message}}` with the status that goes with the code. */
export function sendError(reply: FastifyReply, code: ErrorCode, message?: string): FastifyReply {
  return reply.code(statusForCode(code)).send({ error: { code, message: message ?? MESSAGES[code] ?? code } });
}

/** Maps Fastify's own errors (body parsing, limits) to stable codes. */
function codeOf(err: FastifyError): ErrorCode {
  if (err instanceof RelaisError) return err.code;
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'invalid_json';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'payload_too_large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported_media_type';
  }
  if (err instanceof SyntaxError) return 'invalid_json';
  const status = err.statusCode ?? 500;
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 404) return 'not_found';
  if (status >= 400 && status < 500) return 'bad_request';
  return 'internal';
}

/** Installs the error handler: every failure answers `{error: {code, message}}`, bad input never a 500. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const code = codeOf(err);
    if (code === 'internal') request.log.error({ err }, 'request failed');
    else request.log.debug({ code }, 'request refused');
    if (code === 'internal' && /ECONNREFUSED|Connection is closed|MaxRetriesPerRequest/i.test(err.message)) {
      return sendError(reply, 'unavailable');
    }
    return sendError(reply, code);
  });
}
