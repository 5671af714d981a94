import Dexie from 'dexie';
import { RelaisError, type ErrorCode } from '../shared/errors.ts';

/**
 * What a thrown error means for the user, by its type (never by its message): an expected failure
 * carries its own code (`RelaisError`); a full disk is `storage_full`; the browser's store failing
 * is `storage_error`; anything else is a bug in this code, `internal` — never passed off as a
 * storage failure the user could fix by freeing space.
 */

/**
 * Dexie errors that say this code misused the store (a table outside the transaction, a promise
 * that let it commit early, a key or value IndexedDB cannot take), not that the store failed.
 */
const MISUSE_ERRORS: ReadonlySet<string> = new Set([
  'SchemaError',
  'InvalidTableError',
  'SubTransactionError',
  'PrematureCommitError',
  'InvalidArgumentError',
  'ReadOnlyError',
  'DataError',
  'DataCloneError',
]);

interface MaybeWrapped {
  name?: unknown;
  inner?: unknown;
  cause?: unknown;
  failures?: unknown;
}

/**
 * True when `error` is (or wraps) a `QuotaExceededError`: Dexie reports it as itself, or as an
 * `AbortError` of the transaction with the quota error as `inner`.
 */
export function isQuotaError(error: unknown, depth = 0): boolean {
  if (depth > 4 || typeof error !== 'object' || error === null) return false;
  const e = error as MaybeWrapped;
  if (e.name === 'QuotaExceededError') return true;
  if (isQuotaError(e.inner, depth + 1) || isQuotaError(e.cause, depth + 1)) return true;
  return Array.isArray(e.failures) && e.failures.some((failure) => isQuotaError(failure, depth + 1));
}

/** The code a request or a sync run that threw `error` reports (see the header). */
export function errorCodeFor(error: unknown): ErrorCode {
  if (error instanceof RelaisError) return error.code;
  if (isQuotaError(error)) return 'storage_full';
  if (error instanceof Dexie.DexieError && !MISUSE_ERRORS.has(error.name)) return 'storage_error';
  return 'internal';
}
