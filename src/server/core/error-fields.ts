/** An unexpected error as a log may show it: ids and types only. */
export interface LoggedError {
  type: string;
  code?: string;
  /** The stack frames, without the first line: the message may quote data (a body, a name). */
  at?: string;
}

/**
 * What a log line may say of an unexpected error: its type, its code and where it was thrown, never
 * its message (which may quote message text or patient data).
 */
export function errorFields(err: unknown): LoggedError {
  if (!(err instanceof Error)) return { type: typeof err };
  const code = (err as Error & { code?: unknown }).code;
  const at = err.stack?.split('\n').slice(1).join('\n');
  return { type: err.name, ...(typeof code === 'string' ? { code } : {}), ...(at ? { at } : {}) };
}
