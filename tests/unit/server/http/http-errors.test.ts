import { describe, expect, it } from 'vitest';
import { RelaisError } from '../../../../src/shared/errors.ts';
import { errorFields } from '../../../../src/server/core/error-fields.ts';
import { errorCodeOf } from '../../../../src/server/http/http-errors.ts';

const up = { storeAvailable: () => true };
const down = { storeAvailable: () => false };
const fastifyError = (code: string, statusCode: number, message = 'whatever it says'): Error =>
  Object.assign(new Error(message), { code, statusCode });

describe('errorCodeOf()', () => {
  it("keeps a RelaisError's own code", () => {
    expect(errorCodeOf(new RelaisError('conversation_not_found'), up)).toBe('conversation_not_found');
  });

  it("maps Fastify's body errors by their code, whatever their message", () => {
    expect(errorCodeOf(fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400), up)).toBe('invalid_json');
    expect(errorCodeOf(fastifyError('FST_ERR_CTP_EMPTY_JSON_BODY', 400), up)).toBe('invalid_json');
    expect(errorCodeOf(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413), up)).toBe('payload_too_large');
    expect(errorCodeOf(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415), up)).toBe('unsupported_media_type');
  });

  it('falls back on the status code, a 4xx never becoming a 500', () => {
    expect(errorCodeOf(fastifyError('FST_SOMETHING', 413), up)).toBe('payload_too_large');
    expect(errorCodeOf(fastifyError('FST_SOMETHING', 404), up)).toBe('not_found');
    expect(errorCodeOf(fastifyError('FST_SOMETHING', 422), up)).toBe('bad_request');
    expect(errorCodeOf(new SyntaxError('Unexpected token'), up)).toBe('invalid_json');
  });

  it('answers unavailable when the store is away, by its state or the error type, not by the message', () => {
    expect(errorCodeOf(new Error('Connection is closed.'), down)).toBe('unavailable');
    expect(errorCodeOf(Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' }), up)).toBe('unavailable');
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), up)).toBe('unavailable');
    // The same words from a store that answers are a bug, not an outage.
    expect(errorCodeOf(new Error('Connection is closed.'), up)).toBe('internal');
    expect(errorCodeOf(new TypeError('cannot read properties of undefined'), up)).toBe('internal');
  });
});

describe('errorFields()', () => {
  it('gives the type, code and stack frames of an error, never its message', () => {
    const err = Object.assign(new Error('Bonjour Mme Moreau, votre résultat'), { code: 'E_TEST' });
    const fields = errorFields(err);
    expect(fields).toMatchObject({ type: 'Error', code: 'E_TEST' });
    expect(fields.at).toContain('http-errors.test.ts');
    expect(JSON.stringify(fields)).not.toContain('Moreau');
  });
});
