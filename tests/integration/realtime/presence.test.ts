import { describe, expect, it } from 'vitest';
import { connectedAnywhere, getPresence } from '../../../src/server/realtime/presence.ts';
import { LiveClient, startGateway } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/** Presence across gateways: what contacts see, and what push asks before sending. */

const DB = 12;
const started = useGateway({ db: DB });
const { redis } = started;

describe('presence', () => {
  it('is online while a device is connected, away when it says so, offline with the last time seen after', async () => {
    const { anne, karim } = await started.pair();
    const presenceOf = async () =>
      ((await karim.api.get(`/api/presence?ids=${anne.user.id}`)).body as { presence: { state: string; lastSeen: number | null }[] }).presence[0];
    expect((await presenceOf())?.state).toBe('offline');
    const watcher = await LiveClient.open(started.url, karim.api.cookie);
    const device = await LiveClient.open(started.url, anne.api.cookie);
    try {
      await watcher.next((f) => f.type === 'presence' && f.userId === anne.user.id && f.state === 'online');
      expect((await presenceOf())?.state).toBe('online');
      device.send({ type: 'presence', state: 'away' });
      await watcher.next((f) => f.type === 'presence' && f.state === 'away');
      device.close();
      const offline = await watcher.next((f) => f.type === 'presence' && f.state === 'offline');
      expect(offline).toMatchObject({ userId: anne.user.id, lastSeen: expect.any(Number) });
    } finally {
      watcher.close();
      device.close();
    }
  });

  it('counts a user as connected (so push skips them) while any of their sockets is open on any gateway', async () => {
    const { anne } = await started.pair();
    const connected = async () => (await connectedAnywhere(redis, [anne.user.id], Date.now()))[0];
    expect(await connected()).toBe(false);
    const other = await startGateway({ db: DB });
    const here = await LiveClient.open(started.url, anne.api.cookie);
    const there = await LiveClient.open(other.url, anne.api.cookie);
    try {
      await expect.poll(async () => (await redis.hlen(`{u:${anne.user.id}}:presence`))).toBe(2);
      here.close();
      await expect.poll(async () => (await redis.hlen(`{u:${anne.user.id}}:presence`))).toBe(1);
      expect(await connected()).toBe(true);
      there.send({ type: 'presence', state: 'away' });
      await expect.poll(async () => (await getPresence(redis, [anne.user.id]))[0]?.state).toBe('away');
      // A hidden tab still holds a live socket: still no push.
      expect(await connected()).toBe(true);
      // A gateway that shuts down takes its sockets' entries with it.
      await other.close();
      expect(await connected()).toBe(false);
    } finally {
      here.close();
      there.close();
      await other.close();
    }
  });

  it('does not count a socket whose entry expired (its gateway died), nor a malformed entry, user by user', async () => {
    const now = Date.now();
    const ids = ['u-expired', 'u-live', 'u-none', 'u-malformed', 'u-mixed'];
    const key = (id: string) => `{u:${id}}:presence`;
    await redis.hset(key('u-expired'), 's1', `online:${now - 1}`);
    await redis.hset(key('u-live'), 's1', `away:${now + 60_000}`);
    await redis.hset(key('u-malformed'), 's1', 'online', 's2', 'online:soon');
    await redis.hset(key('u-mixed'), 's1', `online:${now - 5_000}`, 's2', `online:${now + 5_000}`);
    expect(await connectedAnywhere(redis, ids, now)).toEqual([false, true, false, false, true]);
    // Later, the live entries have expired too.
    expect(await connectedAnywhere(redis, ids, now + 120_000)).toEqual([false, false, false, false, false]);
    await redis.del(...ids.map(key));
  });

  it('refuses malformed ids with bad_request', async () => {
    const { anne } = await started.pair();
    expect((await anne.api.get('/api/presence?ids=nope')).status).toBe(400);
  });
});
