import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';

/** One HTTP request to a push service, as `web-push`'s `generateRequestDetails()` builds it. */
export interface PushHttpRequest {
  endpoint: string;
  method: string;
  headers: Record<string, string | number>;
  body: Buffer | null;
}

/** What the push service answered (status 0: no answer). */
export interface PushHttpResponse {
  status: number;
  /** `Retry-After` in seconds, when the service gave one. */
  retryAfterSeconds?: number;
}

/** Sends a request to a push service. Injectable: tests talk to a local sink on 127.0.0.1. */
export type PushTransport = (request: PushHttpRequest) => Promise<PushHttpResponse>;

const TIMEOUT_MS = 10_000;

function retryAfter(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - Date.now()) / 1000);
}

/**
 * The node:http(s) transport. Push services are HTTPS; plain http is allowed only when
 * `allowHttp` (a local push endpoint in tests).
 */
export function nodeTransport(options: { allowHttp?: boolean } = {}): PushTransport {
  return (push) =>
    new Promise((resolve) => {
      const url = new URL(push.endpoint);
      const send = url.protocol === 'https:' ? httpsRequest : options.allowHttp && url.protocol === 'http:' ? httpRequest : null;
      if (!send) {
        resolve({ status: 0 });
        return;
      }
      const req = send(url, { method: push.method, headers: push.headers, timeout: TIMEOUT_MS }, (res) => {
        res.resume(); // the body (an error text) is not needed
        const seconds = retryAfter(res.headers['retry-after']);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(seconds === undefined ? {} : { retryAfterSeconds: seconds }) }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0 }));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve({ status: 0 }));
      req.end(push.body ?? undefined);
    });
}
