import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { sendError } from '../http/http-errors.ts';
import { metricsCallerAllowed } from './metrics-access.ts';

/**
 * `GET /metrics`: the Prometheus text format, to loopback callers and to those presenting
 * `METRICS_TOKEN` (`Authorization: Bearer …`); anyone else 401 `unauthenticated`. No session:
 * a scraper is not a person.
 */
export async function metricsRoutes(app: FastifyInstance, options: { registries: readonly Registry[]; token: string | null }): Promise<void> {
  app.get('/metrics', async (request, reply) => {
    const caller = { clientAddress: request.ip, peerAddress: request.socket.remoteAddress, authorization: request.headers.authorization };
    if (!metricsCallerAllowed(caller, options.token)) {
      reply.header('www-authenticate', 'Bearer realm="relais-metrics"');
      return sendError(reply, 'unauthenticated');
    }
    const merged = Registry.merge([...options.registries]);
    const text = await merged.metrics();
    return reply.header('content-type', merged.contentType).header('cache-control', 'no-store').send(text);
  });
}
