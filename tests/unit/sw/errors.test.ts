import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { RelaisError } from '../../../src/shared/errors.ts';
import { errorCodeFor, isQuotaError } from '../../../src/sw/errors.ts';

describe('errorCodeFor()', () => {
  it('keeps the code of an expected failure', () => {
    expect(errorCodeFor(new RelaisError('no_session'))).toBe('no_session');
    expect(errorCodeFor(new RelaisError('offline'))).toBe('offline');
  });

  it('answers storage_full for a quota failure, however Dexie wraps it', () => {
    const quota = new DOMException('quota', 'QuotaExceededError');
    expect(errorCodeFor(quota)).toBe('storage_full');
    expect(errorCodeFor(new Dexie.QuotaExceededError(quota))).toBe('storage_full');
    expect(errorCodeFor(new Dexie.AbortError('transaction aborted', quota))).toBe('storage_full');
    expect(isQuotaError({ failures: [new Error('other'), quota] })).toBe(true);
  });

  it('answers storage_error when the browser’s store fails', () => {
    expect(errorCodeFor(new Dexie.DatabaseClosedError())).toBe('storage_error');
    expect(errorCodeFor(new Dexie.AbortError('transaction aborted'))).toBe('storage_error');
    expect(errorCodeFor(new Dexie.OpenFailedError('blocked'))).toBe('storage_error');
    expect(errorCodeFor(new Dexie.UnknownError('disk'))).toBe('storage_error');
  });

  it('answers internal for a bug, also when the bug is a misuse of the store', () => {
    expect(errorCodeFor(new TypeError('Cannot read properties of undefined'))).toBe('internal');
    expect(errorCodeFor(new RangeError('Invalid array length'))).toBe('internal');
    expect(errorCodeFor('thrown string')).toBe('internal');
    expect(errorCodeFor(new Dexie.InvalidTableError('Table outbox not part of transaction'))).toBe('internal');
    expect(errorCodeFor(new Dexie.PrematureCommitError('Transaction committed too early'))).toBe('internal');
    expect(errorCodeFor(new Dexie.SchemaError('KeyPath conversationId is not indexed'))).toBe('internal');
    expect(errorCodeFor(new Dexie.DataError('Invalid key'))).toBe('internal');
  });
});
