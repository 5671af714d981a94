import type { FastifyInstance } from 'fastify';
import { CallDeclineBody, CallDeclineParams, type CallClientFrame, type CallServerFrame } from '../../shared/calls.ts';
import { requireUser, type GatewayContext } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { isMember } from '../store/conversations.ts';
import { getSummaries } from '../store/users.ts';
import { appendMissedCallMessage, recordCall } from './call-history.ts';
import { callRoutes } from './call-routes.ts';
import { CallService } from './call-service.ts';
import { redisCallStore } from './call-store.ts';
import { loadCallsConfig, type CallsConfig } from './calls-config.ts';

/** What the realtime socket needs from calls. */
export interface CallsGateway {
  /** Applies one `call.*` frame from `userId`; `reply` answers that socket only. */
  handleFrame(userId: string, frame: CallClientFrame, reply: (frame: CallServerFrame) => void): Promise<void>;
  close(): void;
}

/** Period of the sweeper that ends calls whose gateway vanished. */
const SWEEP_MS = 2_000;

/** Registers the call routes and starts call signaling on this gateway. */
export async function registerCalls(app: FastifyInstance, ctx: GatewayContext, config?: CallsConfig): Promise<CallsGateway> {
  const callsConfig = config ?? loadCallsConfig({});
  await callRoutes(app, ctx, callsConfig);
  const service = new CallService({
    store: redisCallStore(ctx.redis),
    timings: {
      ringMs: callsConfig.ringSeconds * 1000,
      ackMs: callsConfig.ackSeconds * 1000,
      heartbeatTimeoutMs: callsConfig.heartbeatTimeoutSeconds * 1000,
    },
    sweepMs: SWEEP_MS,
    now: () => Date.now(),
    publish: (callId, userIds, frame) => {
      ctx.live.publishFrame(callId, userIds, JSON.stringify(frame));
      // A callee whose tablet sleeps (no open tab) rings through Web Push.
      if (frame.type === 'call.incoming') {
        for (const calleeId of userIds) ctx.push?.onIncomingCall({ ...frame, calleeId });
      }
    },
    canCall: async (conversationId, callerId, calleeId) => {
      const [a, b] = await Promise.all([isMember(ctx.redis, callerId, conversationId), isMember(ctx.redis, calleeId, conversationId)]);
      return a && b;
    },
    displayName: async (userId) => (await getSummaries(ctx.redis, [userId]))[0]?.displayName ?? '',
    onEnded: async (record) => {
      await recordCall(ctx.redis, record);
      if (record.outcome === 'missed' || record.outcome === 'unavailable') {
        await appendMissedCallMessage(ctx.redis, ctx.live, record);
      }
    },
    log: app.log,
  });
  service.start();
  // "Refuser" on a call notification: the service worker has no WebSocket, so it declines over HTTP.
  app.post('/api/calls/:callId/decline', { preHandler: requireUser(ctx) }, async (request, reply) => {
    const params = CallDeclineParams.safeParse(request.params);
    const body = CallDeclineBody.safeParse(request.body ?? {});
    if (!params.success || !body.success) return sendError(reply, 'bad_request');
    let refused = false;
    await service.handle(
      request.userId,
      { type: 'call.decline', callId: params.data.callId, partyId: body.data.partyId },
      (frame) => {
        if (frame.type === 'call.error') refused = true;
      },
    );
    // Not the callee, or no such call: the same answer, so nobody learns a call exists.
    if (refused) return sendError(reply, 'call_not_found');
    return reply.code(204).send();
  });
  return {
    handleFrame: (userId, frame, reply) => service.handle(userId, frame, reply),
    close: () => service.stop(),
  };
}
