import * as z from 'zod/mini';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientFrame, type ServerFrame } from '../../../src/shared/realtime.ts';
import { loadRateLimits } from '../../../src/server/abuse/rate-limits.ts';
import { LiveClient, upgradeStatus } from '../helpers.ts';
import { useGateway } from '../fixture.ts';
import { UNREACHABLE_SSO } from '../../sso/accounts.ts';
import { FRAME_ROWS, SOCKET_ACTORS, type FrameOutcome, type SocketActor } from './frame-rows.ts';
import { ROUTE_ROWS, sendRow } from './route-rows.ts';
import { ACTORS, buildWorld, clientOf, closeWorld, type World } from './world.ts';

/**
 * The authorization matrix: every HTTP route and every WebSocket frame type the gateway accepts,
 * against each actor (member, non-member, anonymous, revoked session, disabled account, patient, admin), with the
 * status and code each gets. The routes come from the gateway itself and the frame types from the
 * shared ClientFrame schema, so a new route or frame without its row fails this test.
 */

// Abuse limits scaled out of the way: the matrix calls and types far more than a person would.
// Single sign-on configured (its provider unreachable: no row gets past the gateway), so its routes have rows.
const gateway = useGateway({ db: 20, rateLimits: loadRateLimits({ RELAIS_RATE_LIMIT_SCALE: '1000' }), signIn: UNREACHABLE_SSO });
let world: World;
const sockets = new Map<SocketActor, LiveClient>();

beforeAll(async () => {
  world = await buildWorld(gateway.redis, gateway.url);
  sockets.set('member', world.memberSocket);
  sockets.set('revoked', world.revoked.socket);
  sockets.set('disabled', world.disabled.socket);
  for (const actor of ['nonMember', 'patient', 'admin'] as const) sockets.set(actor, await gateway.live(world[actor].api));
});

afterAll(() => closeWorld(world));

/** The frame types the gateway takes, read from the schema it validates them with. */
function clientFrameTypes(): string[] {
  const schema = z.toJSONSchema(ClientFrame) as unknown as { oneOf: { properties: { type: { const: string } } }[] };
  return schema.oneOf.map((member) => member.properties.type.const);
}

/** The routes outside /api/ that the matrix covers too: the operators' ones. */
const OPERATOR_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

function codeOf(body: unknown): string | undefined {
  return (body as { error?: { code?: string } } | null)?.error?.code;
}

describe('the authorization matrix', () => {
  it('has one row for every route the gateway registers, and no row for a route it does not have', () => {
    const registered = gateway.gateway.routes
      .filter((route) => route.url.startsWith('/api/') || OPERATOR_ROUTES.has(route.url))
      .filter((route) => route.method !== 'HEAD')
      .map((route) => `${route.method} ${route.url}`);
    const rows = ROUTE_ROWS.map((row) => `${row.method} ${row.url}`);
    expect(new Set(rows).size).toBe(rows.length);
    expect([...rows].sort()).toEqual([...registered].sort());
    // Every HEAD route is the twin of a GET route (checked below with the GET's outcome).
    for (const route of gateway.gateway.routes.filter((r) => r.method === 'HEAD')) {
      expect(gateway.gateway.routes.some((r) => r.method === 'GET' && r.url === route.url)).toBe(true);
    }
  });

  it('has one row for every client frame type', () => {
    expect([...new Set(FRAME_ROWS.map((row) => row.type))].sort()).toEqual(clientFrameTypes().sort());
  });

  for (const row of ROUTE_ROWS) {
    it(`${row.method} ${row.url}`, async () => {
      const got: Record<string, { status: number; code?: string }> = {};
      for (const actor of ACTORS) {
        const answer = await sendRow(row, world, actor);
        const code = codeOf(answer.body);
        got[actor] = code === undefined ? { status: answer.status } : { status: answer.status, code };
        row.see?.(world, actor, answer.body);
      }
      expect(got).toEqual(row.expect);
    });
  }

  it('answers HEAD on every GET route as it answers the GET', async () => {
    const heads = gateway.gateway.routes.filter((r) => r.method === 'HEAD' && (r.url.startsWith('/api/') || OPERATOR_ROUTES.has(r.url)));
    for (const route of heads) {
      const row = ROUTE_ROWS.find((r) => r.method === 'GET' && r.url === route.url);
      const path = row?.path?.(world) ?? route.url;
      for (const actor of ACTORS) {
        // Not followed: the single sign-on routes answer with a redirect, which is their outcome.
        const answer = await clientOf(world, actor).request('HEAD', path, { redirect: 'manual' });
        expect({ route: route.url, actor, status: answer.status }).toEqual({ route: route.url, actor, status: row?.expect[actor].status });
      }
    }
  });

  it('refuses the WebSocket upgrade to the anonymous, the revoked session and the disabled account (401)', async () => {
    expect(await upgradeStatus(world.url, { origin: world.url })).toBe(401);
    expect(await upgradeStatus(world.url, { origin: world.url, cookie: world.revoked.api.cookie })).toBe(401);
    expect(await upgradeStatus(world.url, { origin: world.url, cookie: world.disabled.api.cookie })).toBe(401);
  });

  for (const row of FRAME_ROWS) {
    it(`frame ${row.type}${row.variant ? ` (${row.variant})` : ''}`, async () => {
      const got: Record<string, FrameOutcome> = {};
      for (const actor of SOCKET_ACTORS) {
        const socket = sockets.get(actor) as LiveClient;
        // Only what answers this frame counts: forget what earlier rows left on the socket.
        socket.frames.length = 0;
        const cleanUp = await row.send(world, socket, actor);
        got[actor] = await outcomeOf(socket, row.expect[actor]);
        await cleanUp();
      }
      expect(got).toEqual(row.expect);
    });
  }
});

/**
 * What the socket got for the frame just sent, in the terms of the expectation: the expected reply
 * or error when it comes, else the first refusal that came instead, else 'silent' (or 'closed').
 */
async function outcomeOf(socket: LiveClient, expected: FrameOutcome): Promise<FrameOutcome> {
  if (socket.socket.readyState !== socket.socket.OPEN) return 'closed';
  const refusal = (f: ServerFrame) => f.type === 'error' || f.type === 'call.error';
  const waitFor = (match: (f: ServerFrame) => boolean, ms: number) => socket.next(match, ms).then((f) => f, () => null);
  if (typeof expected === 'object' && ('reply' in expected || 'pushed' in expected)) {
    const type = 'reply' in expected ? expected.reply : 'pushed';
    const frame = await waitFor((f) => f.type === type || refusal(f), 2_000);
    return frame === null ? 'silent' : outcomeFromFrame(frame);
  }
  const frame = await waitFor(refusal, typeof expected === 'string' ? 400 : 2_000);
  if (socket.socket.readyState !== socket.socket.OPEN) return 'closed';
  return frame === null ? 'silent' : outcomeFromFrame(frame);
}

function outcomeFromFrame(frame: ServerFrame): FrameOutcome {
  if (frame.type === 'error') return { error: frame.code };
  if (frame.type === 'call.error') return { callError: frame.code };
  if (frame.type === 'pushed') {
    if (frame.status !== 200) return { pushed: `status ${frame.status}` };
    const codes = (frame.body as { results: { ok: boolean; error?: { code: string } }[] }).results.map((r) => (r.ok ? 'ok' : r.error?.code));
    return { pushed: new Set(codes).size === 1 ? String(codes[0]) : `differing outcomes: ${codes.join(', ')}` };
  }
  return { reply: frame.type };
}
