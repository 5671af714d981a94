import { isErrorCode, RelaisError, type ErrorCode } from './errors.ts';

/**
 * The one HTTP client for `/api`, used by the service worker and the tab alike. Expected failures are
 * values: a network failure is `status: 0`, an HTTP error keeps its status and the body's stable
 * `code`; a body that is not JSON (a proxy's HTML 502 page) is no body, never a `SyntaxError`.
 */

/** The subset of `fetch` Relais uses; injected so Node tests can play the server. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ApiResponse {
  /** HTTP status, or 0 when the request never got an answer (offline, connection reset). */
  status: number;
  /** Parsed JSON body (undefined when empty or not JSON). */
  body: unknown;
}

export interface ApiOptions {
  fetch: FetchLike;
  /** Origin of the gateway, e.g. `self.location.origin`; empty for the page's own origin. No trailing slash. */
  baseUrl: string;
}

/** What `ApiClient.read()` checks an answer with: a zod schema (kept structural so this module bundles no zod). */
export interface ReplySchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export class ApiClient {
  readonly #options: ApiOptions;

  constructor(options: ApiOptions) {
    this.#options = options;
  }

  /**
   * Sends a request with the session cookie (same origin): `body` as JSON, or a `FormData` as
   * multipart (uploads). Never throws for network failures.
   */
  async call(method: HttpMethod, path: string, body?: unknown): Promise<ApiResponse> {
    const json = body !== undefined && !(body instanceof FormData);
    const init: RequestInit = {
      method,
      credentials: 'same-origin',
      headers: json ? { accept: 'application/json', 'content-type': 'application/json' } : { accept: 'application/json' },
      ...(body === undefined ? {} : { body: json ? JSON.stringify(body) : (body as FormData) }),
    };
    let response: Response;
    try {
      response = await this.#options.fetch(`${this.#options.baseUrl}${path}`, init);
    } catch {
      return { status: 0, body: undefined };
    }
    let parsed: unknown;
    try {
      const text = await response.text();
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // A body cut by a lost connection counts as no answer: the caller retries (idempotently).
      if (response.ok) return { status: 0, body: undefined };
      parsed = undefined;
    }
    return { status: response.status, body: parsed };
  }

  /**
   * Sends a request and checks its answer against `schema`: resolves with the checked body of a 2xx
   * answer (undefined for 204), rejects with a `RelaisError` carrying the stable code otherwise
   * (`offline` without an answer, `internal` for a body of the wrong shape).
   */
  async read<T>(method: HttpMethod, path: string, schema: ReplySchema<T> | null, body?: unknown): Promise<T> {
    const response = await this.call(method, path, body);
    if (response.status < 200 || response.status >= 300) throw new RelaisError(errorCodeOf(response));
    if (schema === null) return undefined as T;
    const checked = schema.safeParse(response.body);
    if (!checked.success) throw new RelaisError('internal', 'unexpected answer shape');
    return checked.data;
  }
}

/** The stable error code of a failed response (network failure → `offline`). */
export function errorCodeOf(response: ApiResponse): ErrorCode {
  if (response.status === 0) return 'offline';
  const body = response.body as { error?: { code?: unknown } } | undefined;
  const code = body?.error?.code;
  if (isErrorCode(code)) return code;
  if (response.status === 401) return 'unauthenticated';
  if (response.status === 429) return 'rate_limited';
  if (response.status >= 500) return 'unavailable';
  return 'bad_request';
}

/** True for answers worth retrying later with backoff: no answer, 5xx, 429. */
export function isTransient(response: ApiResponse): boolean {
  return response.status === 0 || response.status === 429 || response.status >= 500;
}
