import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { LIMITS } from '../../shared/limits.ts';
import { originAllowed } from '../auth/origin.ts';
import type { CoreConfig } from '../core/core-config.ts';
import { hostAllowed } from './host-allowlist.ts';
import { installErrorHandler, sendError } from './http-errors.ts';
import { trustFunction } from './proxy-trust.ts';
import { registerSecurityHeaders } from './security-headers.ts';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** A year, for this host only: the clinic's other names may not all speak https. */
const HSTS = 'max-age=31536000';

/**
 * A request Node's HTTP parser refused (headers past the limit, a malformed request line): answered
 * on the raw socket, in Relais's error shape, before the connection is closed.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'payload_too_large'] : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'timeout'] : [400, 'bad_request'];
  const body = JSON.stringify({ error: { code, message: code } });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

/**
 * The gateway's Fastify instance before any route: logs without query strings, JSON bodies only,
 * stable error answers (`unavailable` while `storeAvailable()` is false), cookies, security headers
 * (HSTS over https), the Host allowlist of every request and the Origin check of every state-changing one.
 */
export async function createHttpApp(
  config: Pick<CoreConfig, 'logLevel' | 'trustProxy' | 'allowedOrigins' | 'allowedHosts' | 'embedOrigins'>,
  options: { storeAvailable: () => boolean },
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      serializers: {
        // The query string can hold a searched name (patient data): log the path only.
        req: (req: { method: string; url: string; ip?: string }) => ({
          method: req.method,
          path: req.url.split('?')[0],
          ip: req.ip,
        }),
      },
    },
    bodyLimit: LIMITS.HTTP_BODY_MAX,
    trustProxy: trustFunction(config.trustProxy),
    forceCloseConnections: true,
    // What Fastify refuses before any route (a path parameter past its length, a malformed URL)
    // answers in Relais's error shape too, with a stable code.
    frameworkErrors: (_error, _request, reply) => {
      void sendError(reply, 'bad_request');
    },
    clientErrorHandler: answerClientError,
  });
  installErrorHandler(app, options);
  // JSON only: any other body type is refused with 415 rather than reaching a schema as a string.
  app.removeContentTypeParser('text/plain');
  await app.register(fastifyCookie);
  const embedOrigins = config.embedOrigins;
  await registerSecurityHeaders(app, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // 'self' covers same-origin ws:/wss: in CSP Level 3 browsers.
        connectSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        // The in-app viewer shows a PDF attachment in a frame of its object URL (the bytes fetched by
        // the page, or the device's own copy offline): only the page's own scripts can mint a blob: URL.
        frameSrc: ["'self'", 'blob:'],
        mediaSrc: ["'self'", 'blob:', 'mediastream:'],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        // Served over plain http on loopback (npm start): upgrading would break every subresource.
        upgradeInsecureRequests: null,
        // Only the clinic's pages named in RELAIS_EMBED_ORIGINS may frame the app (the side panel).
        frameAncestors: embedOrigins.length > 0 ? embedOrigins : ["'none'"],
      },
    },
    // X-Frame-Options cannot name several origins: DENY when nobody may frame the app, else left to frame-ancestors.
    xFrameOptions: embedOrigins.length > 0 ? false : { action: 'deny' },
    // Sent below, and only over https: over http (loopback) a browser ignores it anyway.
    strictTransportSecurity: false,
  });

  // Callback style: an async hook costs a promise per request, on every request.
  app.addHook('onRequest', (request, reply, done) => {
    // First: a request for another host is not ours to answer, whatever it asks (DNS rebinding).
    if (!hostAllowed(request.host, config.allowedHosts)) {
      sendError(reply, 'host_forbidden');
      return;
    }
    // Served over https (TLS here or at a trusted proxy): the browser keeps to https for this host.
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
    if (STATE_CHANGING.has(request.method) && !originAllowed(request.headers.origin, { protocol: request.protocol, host: request.host }, config.allowedOrigins)) {
      sendError(reply, 'origin_forbidden');
      return;
    }
    done();
  });
  return app;
}
