import type { FastifyInstance } from 'fastify';
import { PreferencesBody, PushSubscribeBody, PushUnsubscribeBody } from '../../shared/push.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { loadPreferences, savePreferences } from './preferences.ts';
import { removeDeviceSubscriptions, removeSubscription, saveSubscription } from './subscriptions.ts';

/**
 * `GET /api/push/key`, `POST|DELETE /api/push/subscription`, `GET|PUT /api/preferences`.
 * A saved preference goes live to the user's other devices as a `preferences` frame.
 */
export async function pushRoutes(
  app: FastifyInstance,
  ctx: GatewayCore,
  options: { publicKey: string; allowHttpEndpoints: boolean; now: () => number },
): Promise<void> {
  const preHandler = ctx.requireUser;

  app.get('/api/push/key', { preHandler }, async () => ({ publicKey: options.publicKey }));

  app.post('/api/push/subscription', { preHandler }, async (request, reply) => {
    const body = PushSubscribeBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'bad_request');
    const { endpoint } = body.data.subscription;
    // The gateway POSTs to this URL: only push services (HTTPS) unless a test sink is allowed.
    if (!endpoint.startsWith('https://') && !options.allowHttpEndpoints) return sendError(reply, 'bad_request');
    await saveSubscription(ctx.redis, request.userId, body.data.deviceId, body.data.subscription, options.now());
    return reply.code(204).send();
  });

  app.delete('/api/push/subscription', { preHandler }, async (request, reply) => {
    const body = PushUnsubscribeBody.safeParse(request.body ?? {});
    if (!body.success || (body.data.endpoint === undefined && body.data.deviceId === undefined)) {
      return sendError(reply, 'bad_request');
    }
    if (body.data.endpoint !== undefined) await removeSubscription(ctx.redis, request.userId, body.data.endpoint);
    if (body.data.deviceId !== undefined) await removeDeviceSubscriptions(ctx.redis, request.userId, body.data.deviceId);
    return reply.code(204).send();
  });

  app.get('/api/preferences', { preHandler }, async (request) => ({
    preferences: await loadPreferences(ctx.redis, request.userId),
  }));

  app.put('/api/preferences', { preHandler }, async (request, reply) => {
    const body = PreferencesBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'bad_request');
    await savePreferences(ctx.redis, request.userId, body.data.preferences);
    ctx.live.publishFrame(request.userId, [request.userId], JSON.stringify({ type: 'preferences', preferences: body.data.preferences }));
    return { preferences: body.data.preferences };
  });
}
