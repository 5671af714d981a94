/** Recognises a storage-quota failure however IndexedDB and Dexie wrap it. */

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
