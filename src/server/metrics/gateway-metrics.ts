import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AuditAction, AuditRecordOutcome } from '../audit/audit-log.ts';
import type { SendOutcome } from '../push/sender.ts';
import type { LiveStats } from '../realtime/live-bus.ts';

/**
 * One gateway's metrics (its own registry: a process may run several gateways, the tests do). The
 * hot paths only add to integers (live events, deliveries) or observe once per HTTP request (sync);
 * counts become Prometheus values when scraped. No label ever holds a user, a conversation, a device
 * or any content: only route names, status codes, outcomes and audit action names, all bounded sets.
 */

/** Sync request latency buckets, in seconds (a push waits for its durable writes). */
const SYNC_BUCKETS = [0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** The routes timed, by Fastify's route pattern, and their label. */
const SYNC_ROUTES = new Map([
  ['/api/sync/push', 'push'],
  ['/api/sync/pull', 'pull'],
]);

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #webPush: Counter<'outcome'>;
  readonly #auditWrites: Counter<'action' | 'outcome'>;
  readonly #sync: Histogram<'route' | 'status'>;

  /**
   * `connectedSockets` and `live` (the routed fan-out's counters, realtime/live-bus.ts): read when
   * scraped, never counted on the way.
   */
  constructor(options: { connectedSockets: () => number; live: () => LiveStats }) {
    const registers = [this.registry];
    const counts = (read: () => number) =>
      function (this: Counter) {
        this.reset();
        this.inc(read());
      };
    new Gauge({
      name: 'relais_sockets_connected',
      help: 'Realtime WebSockets open on this gateway',
      registers,
      collect() {
        this.set(options.connectedSockets());
      },
    });
    new Counter({
      name: 'relais_live_events_received_total',
      help: 'Live events this gateway received from the bus between gateways',
      registers,
      collect: counts(() => options.live().received),
    });
    new Counter({
      name: 'relais_live_events_routed_total',
      help: 'Live events received that had at least one recipient socket on this gateway',
      registers,
      collect: counts(() => options.live().routed),
    });
    new Counter({
      name: 'relais_deliveries_total',
      help: 'Frames of live events written to WebSockets (one per recipient socket)',
      registers,
      collect: counts(() => options.live().deliveries),
    });
    this.#sync = new Histogram({
      name: 'relais_sync_request_duration_seconds',
      help: 'Sync requests (POST /api/sync/push, GET /api/sync/pull, push_socket: a push frame on the realtime socket) by route and HTTP status, received → answered',
      labelNames: ['route', 'status'],
      buckets: SYNC_BUCKETS,
      registers,
    });
    this.#webPush = new Counter({
      name: 'relais_web_push_total',
      help: 'Web Pushes to one device by outcome: sent, removed (the push service says the subscription is gone, 404/410, or its keys are unusable), failed (after retries)',
      labelNames: ['outcome'],
      registers,
    });
    this.#auditWrites = new Counter({
      name: 'relais_audit_writes_total',
      help: 'Audit entries recorded by this gateway, by action and outcome (chained, failed)',
      labelNames: ['action', 'outcome'],
      registers,
    });
  }

  /** One Web Push to one device settled. */
  webPushSettled(outcome: SendOutcome): void {
    this.#webPush.inc({ outcome });
  }

  /** One audit entry recorded (or lost). */
  auditWritten(action: AuditAction, outcome: AuditRecordOutcome): void {
    this.#auditWrites.inc({ action, outcome });
  }

  /** One sync exchange timed outside HTTP: a push over the realtime socket (`push_socket`). */
  syncObserved(route: 'push_socket', status: number, seconds: number): void {
    this.#sync.observe({ route, status: String(status) }, seconds);
  }

  /** Times the sync routes of `app` (add before its routes: one hook, a map lookup per request). */
  timeSyncRoutes(app: FastifyInstance): void {
    app.addHook('onResponse', (request, reply, done) => {
      const route = SYNC_ROUTES.get(request.routeOptions.url ?? '');
      if (route !== undefined) this.#sync.observe({ route, status: String(reply.statusCode) }, reply.elapsedTime / 1_000);
      done();
    });
  }
}
