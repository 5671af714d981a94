import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { ServerFrame } from '../../../src/shared/realtime.ts';
import { loadCoreConfig } from '../../../src/server/core/core-config.ts';
import type { PushService } from '../../../src/server/push/index.ts';
import { ApiClient, rawRequest, startGateway, type StartedGateway } from '../helpers.ts';
import { useGateway } from '../fixture.ts';
import { PushSink } from '../push/push-sink.ts';
import { parsePrometheusText, valueOf, type Exposition } from './prometheus-text.ts';

/**
 * `/metrics` on a real gateway and a real Redis: the Prometheus text format, counters that move with
 * what the gateway does, no id or content in any label, and who may read it (loopback, or the token;
 * never a forged X-Forwarded-For).
 */

const DB = 38;
const TOKEN = 'scraper-secret-0123456789abcdef';
/** Words that must never reach a metric. */
const SECRET_TEXT = 'Patient Dupont : potassium 6,1';

let sink: PushSink;
let push: PushService;

beforeAll(async () => {
  sink = new PushSink();
  await sink.start();
});

afterAll(async () => {
  await sink?.stop();
});

// Every Redis command timed (RELAIS_METRICS_REDIS_SAMPLE=1), so that its histogram moves here.
const gateway = useGateway({ db: DB, metrics: { token: TOKEN, redisTimingShare: 1 } }, () => ({
  push: { allowHttpEndpoints: true, manualEscalations: true, sleep: async () => undefined, onStarted: (service) => (push = service) },
}));

async function scrapeText(url: string = gateway.url): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

async function scrape(): Promise<Exposition> {
  return parsePrometheusText(await scrapeText());
}

/** How much each named sample moved between two scrapes. */
function moved(before: Exposition, after: Exposition, name: string, labels: Record<string, string> = {}): number {
  return valueOf(after, name, labels) - valueOf(before, name, labels);
}

async function sendMessage(api: ApiClient, conversationId: string): Promise<string> {
  const messageId = newId();
  const [result] = await api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body: SECRET_TEXT } }]);
  expect(result?.ok).toBe(true);
  return messageId;
}

describe('GET /metrics', () => {
  it('answers a loopback caller in the Prometheus text format, the gateway’s metrics and the process’s', async () => {
    const response = await fetch(`${gateway.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { types } = parsePrometheusText(await response.text());
    expect(Object.fromEntries(types)).toMatchObject({
      relais_sockets_connected: 'gauge',
      relais_live_events_received_total: 'counter',
      relais_live_events_routed_total: 'counter',
      relais_deliveries_total: 'counter',
      relais_sync_request_duration_seconds: 'histogram',
      relais_redis_command_duration_seconds: 'histogram',
      relais_web_push_total: 'counter',
      relais_audit_writes_total: 'counter',
      nodejs_eventloop_lag_seconds: 'gauge',
      process_cpu_seconds_total: 'counter',
    });
  });

  it('counts a sync push, a pull, the socket, the live event and its delivery, and the Redis commands', async () => {
    const { anne, karim, conversationId } = await gateway.pair();
    const before = await scrape();
    const live = await gateway.live(karim.api);
    const messageId = await sendMessage(anne.api, conversationId);
    await live.next((frame: ServerFrame) => frame.type === 'changes' && JSON.stringify(frame).includes(messageId));
    expect((await karim.api.get('/api/sync/pull')).status).toBe(200);
    const after = await scrape();

    expect(moved(before, after, 'relais_sync_request_duration_seconds_count', { route: 'push', status: '200' })).toBe(1);
    expect(moved(before, after, 'relais_sync_request_duration_seconds_count', { route: 'pull', status: '200' })).toBe(1);
    expect(moved(before, after, 'relais_sync_request_duration_seconds_sum', { route: 'push' })).toBeGreaterThan(0);
    expect(moved(before, after, 'relais_sockets_connected')).toBe(1);
    expect(moved(before, after, 'relais_live_events_received_total')).toBeGreaterThanOrEqual(1);
    expect(moved(before, after, 'relais_live_events_routed_total')).toBeGreaterThanOrEqual(1);
    expect(moved(before, after, 'relais_deliveries_total')).toBeGreaterThanOrEqual(1);
    // The message's script, the session lookups of the pull.
    expect(moved(before, after, 'relais_redis_command_duration_seconds_count', { command: 'evalsha' })).toBeGreaterThanOrEqual(1);
  });

  it('receives no live event of a conversation nobody here holds a socket of (routed fan-out), and delivers nothing', async () => {
    const { anne, conversationId } = await gateway.pair();
    const before = await scrape();
    await sendMessage(anne.api, conversationId);
    // The event went through Redis and back: a pull behind it answers after the event was handed over.
    await anne.api.get('/api/sync/pull');
    const after = await scrape();
    expect(moved(before, after, 'relais_live_events_received_total')).toBe(0);
    expect(moved(before, after, 'relais_live_events_routed_total')).toBe(0);
    expect(moved(before, after, 'relais_deliveries_total')).toBe(0);
  });

  it('counts Web Push outcomes (sent, failed after retries, removed on 410) and audit writes by action', async () => {
    const { anne, karim, conversationId } = await gateway.pair();
    const subscribed = await karim.api.request('POST', '/api/push/subscription', { body: { deviceId: 'tablet-1', subscription: sink.subscription() } });
    expect(subscribed.status).toBe(204);
    const before = await scrape();
    await sendMessage(anne.api, conversationId);
    await push.notifier.whenIdle();
    sink.replies.push(500, 500, 500, 500);
    await sendMessage(anne.api, conversationId);
    await push.notifier.whenIdle();
    sink.replies.push(410);
    await sendMessage(anne.api, conversationId);
    await push.notifier.whenIdle();
    await gateway.signIn();
    const after = await scrape();
    expect(moved(before, after, 'relais_web_push_total', { outcome: 'sent' })).toBe(1);
    expect(moved(before, after, 'relais_web_push_total', { outcome: 'failed' })).toBe(1);
    expect(moved(before, after, 'relais_web_push_total', { outcome: 'removed' })).toBe(1);
    expect(moved(before, after, 'relais_audit_writes_total', { action: 'auth.login', outcome: 'chained' })).toBe(1);
  });

  it('never puts an id, a name or any content in a label', async () => {
    const { anne, karim, conversationId } = await gateway.pair();
    const live = await gateway.live(karim.api);
    const messageId = await sendMessage(anne.api, conversationId);
    await live.next((frame: ServerFrame) => frame.type === 'changes' && JSON.stringify(frame).includes(messageId));
    const text = await scrapeText();
    for (const secret of [anne.user.id, karim.user.id, conversationId, messageId, SECRET_TEXT, anne.user.displayName, karim.user.username]) {
      expect(text).not.toContain(secret);
    }
    const values = parsePrometheusText(text).samples.flatMap((sample) => Object.values(sample.labels));
    // Ids are UUIDs (v7) or long random strings; label values are names of routes, commands, outcomes.
    expect(values.filter((value) => /[0-9a-f]{8}-[0-9a-f]{4}-|[A-Za-z0-9_-]{20,}/.test(value))).toEqual([]);
  });
});

describe('who may read /metrics', () => {
  let proxied: StartedGateway;
  let direct: StartedGateway;
  let tokenless: StartedGateway;

  beforeAll(async () => {
    // Behind a TLS proxy on this machine, as docs/DEPLOYMENT.md says: the proxy appends the client's address.
    const behindProxy = loadCoreConfig({ TRUST_PROXY: 'loopback' }).trustProxy;
    proxied = await startGateway({ db: DB, trustProxy: behindProxy, metrics: { token: TOKEN, redisTimingShare: 0 } });
    direct = await startGateway({ db: DB, metrics: { token: TOKEN, redisTimingShare: 0 } });
    tokenless = await startGateway({ db: DB, trustProxy: behindProxy, metrics: { token: null, redisTimingShare: 0 } });
  });

  afterAll(async () => {
    await Promise.all([proxied?.close(), direct?.close(), tokenless?.close()]);
  });

  const remote = { 'x-forwarded-for': '203.0.113.7' };

  it('refuses a remote client without the token with 401 unauthenticated and a Bearer challenge', async () => {
    const answer = await rawRequest(proxied.url, '/metrics', { headers: remote });
    expect(answer).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="relais-metrics"');
    const wrong = await rawRequest(proxied.url, '/metrics', { headers: { ...remote, authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    const notBearer = await rawRequest(proxied.url, '/metrics', { headers: { ...remote, authorization: `Basic ${TOKEN}` } });
    expect(notBearer.status).toBe(401);
  });

  it('answers a remote client presenting the token', async () => {
    const answer = await rawRequest(proxied.url, '/metrics', { headers: { ...remote, authorization: `Bearer ${TOKEN}` } });
    expect(answer.status).toBe(200);
    expect(() => parsePrometheusText(answer.body as string)).not.toThrow();
    expect(answer.body).toContain('relais_sockets_connected');
  });

  it('does not take a remote client’s forged X-Forwarded-For: 127.0.0.1 for loopback', async () => {
    // The client wrote 127.0.0.1; the proxy appended the address it really came from.
    const forged = await rawRequest(proxied.url, '/metrics', { headers: { 'x-forwarded-for': '127.0.0.1, 203.0.113.7' } });
    expect(forged.status).toBe(401);
    // A client on the proxy's machine, which is this one: loopback.
    expect((await rawRequest(proxied.url, '/metrics', { headers: { 'x-forwarded-for': '127.0.0.1' } })).status).toBe(200);
  });

  it('ignores X-Forwarded-For when no proxy is trusted: the caller is who the socket says', async () => {
    expect((await rawRequest(direct.url, '/metrics', { headers: remote })).status).toBe(200);
  });

  it('answers no remote client at all when no token is configured', async () => {
    const answer = await rawRequest(tokenless.url, '/metrics', { headers: { ...remote, authorization: 'Bearer null' } });
    expect(answer.status).toBe(401);
    expect((await rawRequest(tokenless.url, '/metrics')).status).toBe(200);
  });
});
