import type { FastifyInstance } from 'fastify';
import type { GatewayCore } from '../core/context.ts';
import type { GatewayFeature } from '../core/feature.ts';
import type { Appended } from '../store/conversations.ts';
import { EscalationScheduler } from './escalation.ts';
import { PushNotifier, type IncomingCall, type UrgentAlert } from './notifier.ts';
import { loadPushConfig, type PushConfig } from './push-config.ts';
import { pushRoutes } from './push-routes.ts';
import { PushSender, type SendOutcome } from './sender.ts';
import { nodeTransport, type PushTransport } from './transport.ts';
import { loadVapidKeys } from './vapid.ts';

/** What the gateway holds of Web Push. */
export interface PushService {
  /** Hears every appended change: new messages become pushes. */
  onAppended(appended: Appended): void;
  /** An incoming call for a callee: their sleeping devices ring through push. */
  onIncomingCall(call: IncomingCall): void;
  /** Alerts someone of an urgent message now (Urgency high) and queues their reminders (the escalation ladder, a handover). */
  alertUrgent(alert: UrgentAlert): Promise<void>;
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
}

/** Web Push as a gateway feature; `ringCallee` lets the composition root hand it incoming calls. */
export interface PushFeature extends GatewayFeature {
  /** Rings a callee's devices through push (nothing until the feature is registered). */
  ringCallee(call: IncomingCall): void;
  /** Hears how each push to one device ended (call before the feature is registered). */
  onSendOutcome(listener: (outcome: SendOutcome) => void): void;
  /** Alerts someone of an urgent message and queues their reminders (nothing until registered). */
  alertUrgent(alert: UrgentAlert): Promise<void>;
}

/** Web Push: subscriptions and preferences routes, pushes for new messages and calls, urgent reminders. */
export function pushFeature(options: PushServiceOptions = {}): PushFeature {
  let service: PushService | undefined;
  const outcomeListeners: ((outcome: SendOutcome) => void)[] = [];
  const onOutcome = (outcome: SendOutcome): void => {
    for (const listener of outcomeListeners) listener(outcome);
  };
  return {
    name: 'push',
    ringCallee: (call) => service?.onIncomingCall(call),
    onSendOutcome(listener) {
      outcomeListeners.push(listener);
    },
    alertUrgent: (alert) => service?.alertUrgent(alert) ?? Promise.resolve(),
    async register(app, core) {
      const started = await startPush(app, core, options, onOutcome);
      service = started;
      return { onAppended: (appended) => started.onAppended(appended), close: () => started.close() };
    },
  };
}

/** Registers the push and preferences routes and starts the notifier and the escalation scheduler. */
async function startPush(app: FastifyInstance, core: GatewayCore, options: PushServiceOptions, onOutcome: (outcome: SendOutcome) => void): Promise<PushService> {
  const config = options.config ?? loadPushConfig();
  const now = options.now ?? Date.now;
  const vapid = await loadVapidKeys(core.redis);
  const log = app.log;
  const sender = new PushSender({
    redis: core.redis,
    vapid,
    subject: config.subject,
    transport: options.transport ?? nodeTransport({ allowHttp: options.allowHttpEndpoints === true }),
    log,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    onOutcome,
  });
  let notifier: PushNotifier | null = null;
  const escalations = new EscalationScheduler({
    redis: core.redis,
    now,
    tickMs: config.escalationTickSeconds * 1000,
    reminders: () => core.settings.urgentReminders(),
    sendReminder: (entry) => notifier?.sendReminder(entry) ?? Promise.resolve(),
    log,
  });
  notifier = new PushNotifier({
    redis: core.redis,
    sender,
    escalations,
    now,
    log,
    connectedHere: (userId) => core.sockets.has(userId),
  });
  await pushRoutes(app, core, { publicKey: vapid.publicKey, allowHttpEndpoints: options.allowHttpEndpoints === true, now });
  if (!options.manualEscalations) escalations.start();
  const active = notifier;
  const service: PushService = {
    notifier: active,
    escalations,
    onAppended: (appended) => active.onAppended(appended),
    onIncomingCall: (call) => active.track(active.notifyCall(call)),
    async alertUrgent(alert) {
      await active.alertUrgent(alert);
      await escalations.schedule(alert);
    },
    async close() {
      escalations.stop();
      await Promise.all([escalations.whenIdle(), active.whenIdle()]);
    },
  };
  options.onStarted?.(service);
  return service;
}
