import { CallDeclineBody, CallDeclineParams, isCallFrame, type CallServerFrame } from '../../shared/calls.ts';
import type { GatewayCore } from '../core/context.ts';
import { errorFields } from '../core/error-fields.ts';
import type { GatewayFeature } from '../core/feature.ts';
import { sendError } from '../http/http-errors.ts';
import { frameHandler } from '../realtime/frame-handler.ts';
import { isMember } from '../store/conversations.ts';
import { can } from '../policy/policy.ts';
import { reachFunction } from '../oncall/reach-function.ts';
import { getSummaries, getUser } from '../store/users.ts';
import { appendCallLine, recordCall } from './call-history.ts';
import { callRoutes } from './call-routes.ts';
import { CallService } from './call-service.ts';
import { redisCallStore, type CallStore } from './call-store.ts';
import { loadCallsConfig, type CallsConfig } from './calls-config.ts';

/** A call ringing a callee: the `call.incoming` frame their sockets get, and who they are. */
export type IncomingCall = Extract<CallServerFrame, { type: 'call.incoming' }> & { calleeId: string };

/** Call signaling, with one more thing the composition root may plug in: who else rings a callee. */
export interface CallsFeature extends GatewayFeature {
  /** Tells `observer` of every incoming call this gateway starts ringing (push rings sleeping tablets). */
  onIncomingCall(observer: (call: IncomingCall) => void): void;
}

/** Period of the sweeper that ends calls whose gateway vanished. */
const SWEEP_MS = 2_000;

/** Video calls: the `call.*` frames of the realtime socket, the call routes, history and the calls' lines in their conversations. */
export function callsFeature(config: CallsConfig = loadCallsConfig({}), options: { oncallNow?: () => number } = {}): CallsFeature {
  const incomingObservers: ((call: IncomingCall) => void)[] = [];
  return {
    name: 'calls',
    onIncomingCall(observer) {
      incomingObservers.push(observer);
    },
    async register(app, core) {
      await callRoutes(app, core, config);
      const store = redisCallStore(core.redis);
      const service = createCallService(core, store, config, options.oncallNow ?? Date.now, (call) => {
        for (const observer of incomingObservers) observer(call);
      });
      service.start();
      // "Refuser" on a call notification: the service worker has no WebSocket, so it declines over HTTP.
      app.post('/api/calls/:callId/decline', { preHandler: core.requireUser }, async (request, reply) => {
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
        frames: [frameHandler(isCallFrame, (userId, frame, reply) => service.handle(userId, frame, reply))],
        onAppended: ({ conversationId, leftIds }) => {
          if (!leftIds) return;
          endCallsOfLeavers(store, service, conversationId, leftIds).catch((err: unknown) => {
            core.log.warn({ err: errorFields(err), conversationId }, 'calls of a removed member not ended');
          });
        },
        close: () => service.stop(),
      };
    },
  };
}

/**
 * These users are no longer members of the conversation (removed, left, deleted for everyone): a
 * call of theirs in it ends at once, rather than keep a former member on the line with the others.
 */
async function endCallsOfLeavers(store: CallStore, service: CallService, conversationId: string, userIds: readonly string[]): Promise<void> {
  for (const userId of userIds) {
    const callId = await store.lineOf(userId);
    const record = callId === null ? null : await store.get(callId);
    if (record?.conversationId === conversationId) await service.partyGone(record.callId);
  }
}

/** The call service of this gateway, on the core's Redis and live bus. */
function createCallService(
  core: GatewayCore,
  store: CallStore,
  config: CallsConfig,
  oncallNow: () => number,
  ringElsewhere: (call: IncomingCall) => void,
): CallService {
  const { redis, live } = core;
  return new CallService({
    store,
    timings: {
      ringMs: config.ringSeconds * 1000,
      ackMs: config.ackSeconds * 1000,
      heartbeatTimeoutMs: config.heartbeatTimeoutSeconds * 1000,
    },
    sweepMs: SWEEP_MS,
    now: () => Date.now(),
    publish: (callId, userIds, frame) => {
      live.publishFrame(callId, userIds, JSON.stringify(frame));
      // A callee whose tablet sleeps (no open tab) rings through Web Push.
      if (frame.type === 'call.incoming') {
        for (const calleeId of userIds) ringElsewhere({ ...frame, calleeId });
      }
    },
    // Membership first (a non-member learns nothing), then the caller's role (policy.ts: patients answer, staff call).
    canCall: async (conversationId, callerId, calleeId) => {
      const [a, b, caller] = await Promise.all([
        isMember(redis, callerId, conversationId),
        isMember(redis, calleeId, conversationId),
        getUser(redis, callerId),
      ]);
      if (!a || !b) return 'call_not_found';
      return can(caller?.role, 'call.start') ? 'ok' : 'role_forbidden';
    },
    displayName: async (userId) => (await getSummaries(redis, [userId]))[0]?.displayName ?? '',
    // A call to a function rings whoever holds it now (oncall/reach-function.ts, the on-call clock).
    holderOf: async (callerId, functionId) => {
      const reached = await reachFunction(redis, callerId, functionId, oncallNow());
      if (!reached.ok) return { ok: false, code: reached.code === 'function_unheld' || reached.code === 'role_forbidden' ? reached.code : 'not_found' };
      return { ok: true, holderId: reached.addressed.holderId, functionName: reached.addressed.name };
    },
    onEnded: async (record) => {
      await recordCall(redis, record);
      await appendCallLine(redis, live, record);
    },
    log: core.log,
  });
}
