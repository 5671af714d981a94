import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../core/context.ts';
import type { Appended } from '../store/conversations.ts';
import { EscalationScheduler } from './escalation.ts';
import { PushNotifier, type IncomingCall } from './notifier.ts';
import { loadPushConfig, type PushConfig } from './push-config.ts';
import { pushRoutes } from './push-routes.ts';
import { SocketPresence } from './presence.ts';
import { PushSender } from './sender.ts';
import { nodeTransport, type PushTransport } from './transport.ts';
import { loadVapidKeys } from './vapid.ts';

/** What the gateway holds of Web Push. */
export interface PushService {
  /** The WebSocket layer: a user's first socket on this gateway opened / their last one closed. */
  presence: SocketPresence;
  /** Called for every appended change (live bus hook): new messages become pushes. */
  onAppended(appended: Appended): void;
  /** An incoming call for a callee (calls hook). */
  onIncomingCall(call: IncomingCall): void;
  notifier: PushNotifier;
  escalations: EscalationScheduler;
  close(): Promise<void>;
}

/** Test seams: the transport to the push service, the clock, the config. */
export interface PushServiceOptions {
  config?: PushConfig;
  transport?: PushTransport;
  /** Accept `http:` endpoints (a local push sink in tests); never in production. */
  allowHttpEndpoints?: boolean;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Do not run the escalation timer (tests drive `escalations.processDue()`). */
  manualEscalations?: boolean;
  /** Handed the service once started (tests wait on `notifier.whenIdle()`). */
  onStarted?: (service: PushService) => void;
  /** True when the user holds a socket on this gateway (set by the gateway from its socket registry). */
  connectedHere?: (userId: string) => boolean;
}

/** Registers the push and preferences routes and starts presence and the escalation scheduler. */
export async function registerPush(app: FastifyInstance, ctx: GatewayContext, options: PushServiceOptions = {}): Promise<PushService> {
  const config = options.config ?? loadPushConfig();
  const now = options.now ?? Date.now;
  const vapid = await loadVapidKeys(ctx.redis);
  const log = app.log;
  const sender = new PushSender({
    redis: ctx.redis,
    vapid,
    subject: config.subject,
    transport: options.transport ?? nodeTransport({ allowHttp: options.allowHttpEndpoints === true }),
    log,
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  let notifier: PushNotifier | null = null;
  const escalations = new EscalationScheduler({
    redis: ctx.redis,
    now,
    tickMs: config.escalationTickSeconds * 1000,
    sendReminder: (entry) => notifier?.sendReminder(entry) ?? Promise.resolve(),
    log,
  });
  notifier = new PushNotifier({
    redis: ctx.redis,
    sender,
    escalations,
    now,
    log,
    ...(options.connectedHere ? { connectedHere: options.connectedHere } : {}),
  });
  const presence = new SocketPresence({ redis: ctx.redis, now });
  await pushRoutes(app, ctx, { publicKey: vapid.publicKey, allowHttpEndpoints: options.allowHttpEndpoints === true, now });
  presence.start();
  if (!options.manualEscalations) escalations.start();
  const active = notifier;
  const service: PushService = {
    presence,
    notifier: active,
    escalations,
    onAppended: (appended) => active.onAppended(appended),
    onIncomingCall: (call) => active.track(active.notifyCall(call)),
    async close() {
      escalations.stop();
      await Promise.all([escalations.whenIdle(), active.whenIdle()]);
      await presence.stop();
    },
  };
  options.onStarted?.(service);
  return service;
}

/**
 * Makes every change the live bus publishes also reach push (new messages, including the server's
 * missed-call messages, become pushes for members without a live socket). Publishing is unchanged.
 */
export function observeAppended<Bus extends { publishChange(appended: Appended): void }>(bus: Bus, push: () => PushService | undefined): Bus {
  const publish = bus.publishChange.bind(bus);
  bus.publishChange = (appended: Appended): void => {
    publish(appended);
    push()?.onAppended(appended);
  };
  return bus;
}
