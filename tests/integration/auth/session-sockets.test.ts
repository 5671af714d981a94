import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import { revokeSessions, sessionKey } from '../../../src/server/auth/sessions.ts';
import { announceSessionsEnded } from '../../../src/server/realtime/live-bus.ts';
import { SESSION_ENDED_CLOSE_CODE } from '../../../src/server/realtime/session-sockets.ts';
import { addUser, ApiClient, LiveClient, runAccountTool, startGateway, type StartedGateway } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/**
 * Each WebSocket belongs to the session that opened it. Gateway A (the fixture) and gateway B share
 * the store; B keeps the default 30 s heartbeat, so what closes its sockets within 2 s is the event
 * on the live bus. Gateway C checks its sockets' sessions every 300 ms (expiry).
 */
const gatewayA = useGateway();
const { redis } = gatewayA;
let gatewayB: StartedGateway;
let gatewayC: StartedGateway;
const opened: LiveClient[] = [];

beforeAll(async () => {
  gatewayB = await startGateway();
  gatewayC = await startGateway({ heartbeatMs: 300 });
});

afterAll(async () => {
  for (const live of opened) live.close();
  await gatewayB?.close();
  await gatewayC?.close();
});

const BUS_DEADLINE_MS = 2_000;

async function liveOn(gateway: { url: string }, api: ApiClient): Promise<LiveClient> {
  const live = await LiveClient.open(gateway.url, api.cookie);
  opened.push(live);
  return live;
}

/** Another signed-in device of the same user, through gateway A. */
async function secondDevice(username: string): Promise<ApiClient> {
  const device = new ApiClient(gatewayA.url);
  await device.login(username);
  return device;
}

function keyOf(api: ApiClient): string {
  return sessionKey(decodeURIComponent(api.cookie.split('=')[1] ?? '')) as string;
}

async function send(api: ApiClient, conversationId: string, body: string): Promise<string> {
  const messageId = newId();
  await api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body } }]);
  return messageId;
}

const carries = (messageId: string) => (frame: { type: string }) => JSON.stringify(frame).includes(messageId);

describe('sockets bound to their session', () => {
  it('closes the socket on gateway B within 2 s of a logout on gateway A, and no live message reaches it after', async () => {
    const { anne, karim, conversationId } = await gatewayA.pair();
    const me = (await anne.api.get('/api/me')).body as { user: { username: string } };
    const otherDevice = await secondDevice(me.user.username);
    const loggedOut = await liveOn(gatewayB, anne.api);
    const stays = await liveOn(gatewayB, otherDevice);
    expect((await anne.api.request('POST', '/api/auth/logout')).status).toBe(204);
    expect(await loggedOut.closedByServer(BUS_DEADLINE_MS)).toBe(SESSION_ENDED_CLOSE_CODE);
    const messageId = await send(karim.api, conversationId, 'Après la déconnexion');
    await stays.next(carries(messageId));
    expect(loggedOut.frames.some(carries(messageId))).toBe(false);
    expect(stays.open).toBe(true);
  });

  it('closes the socket of the token a device presents when it signs in again', async () => {
    const { api } = await gatewayA.signIn();
    const me = (await api.get('/api/me')).body as { user: { username: string } };
    const before = await liveOn(gatewayB, api);
    await api.login(me.user.username);
    expect(await before.closedByServer(BUS_DEADLINE_MS)).toBe(SESSION_ENDED_CLOSE_CODE);
    const after = await liveOn(gatewayB, api);
    expect(after.open).toBe(true);
  });

  it('closes the sockets of a session revoked by the store, on every gateway, within 2 s', async () => {
    const { api } = await gatewayA.signIn();
    const here = await liveOn(gatewayA, api);
    const there = await liveOn(gatewayB, api);
    await announceSessionsEnded(redis, await revokeSessions(redis, [keyOf(api)]));
    expect(await here.closedByServer(BUS_DEADLINE_MS)).toBe(SESSION_ENDED_CLOSE_CODE);
    expect(await there.closedByServer(BUS_DEADLINE_MS)).toBe(SESSION_ENDED_CLOSE_CODE);
  });

  it('closes every socket of the account on every gateway within 2 s of a password change (npm run user:password)', async () => {
    const account = await addUser(redis);
    const tablet = new ApiClient(gatewayA.url);
    const desktop = new ApiClient(gatewayB.url);
    await tablet.login(account.username);
    await desktop.login(account.username);
    const sockets = [await liveOn(gatewayA, tablet), await liveOn(gatewayB, desktop), await liveOn(gatewayB, tablet)];
    const changed = await runAccountTool('user-password.ts', ['--username', account.username], 'un-nouveau-mot-de-passe\n');
    expect(changed.code).toBe(0);
    for (const socket of sockets) expect(await socket.closedByServer(BUS_DEADLINE_MS)).toBe(SESSION_ENDED_CLOSE_CODE);
    expect((await tablet.get('/api/me')).status).toBe(401);
    expect((await desktop.get('/api/me')).status).toBe(401);
    const old = await new ApiClient(gatewayA.url).request('POST', '/api/auth/login', { body: { username: account.username, password: account.password } });
    expect(old.status).toBe(401);
    await new ApiClient(gatewayA.url).login(account.username, 'un-nouveau-mot-de-passe');
  });

  it('closes a socket whose session expired at the next heartbeat check, and keeps the live ones', async () => {
    const expiring = await gatewayA.signIn();
    const staying = await gatewayA.signIn();
    const expired = await liveOn(gatewayC, expiring.api);
    const live = await liveOn(gatewayC, staying.api);
    // No event: the key expires as an unused session's does.
    await redis.pexpire(keyOf(expiring.api), 100);
    expect(await expired.closedByServer()).toBe(SESSION_ENDED_CLOSE_CODE);
    live.send({ type: 'ping', t: 7 });
    expect(await live.next((f) => f.type === 'pong')).toMatchObject({ t: 7 });
    expect(live.open).toBe(true);
  });

  it('closes a socket whose session passed its absolute deadline at the next heartbeat check', async () => {
    const { api, user } = await gatewayA.signIn();
    const socket = await liveOn(gatewayC, api);
    await redis.set(keyOf(api), `${user.id} ${Math.floor(Date.now() / 1000) - 1}`, 'KEEPTTL');
    expect(await socket.closedByServer()).toBe(SESSION_ENDED_CLOSE_CODE);
  });
});
