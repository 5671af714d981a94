import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageSendArgs } from '../../src/shared/mutations.ts';
import { newId } from '../../src/shared/ids.ts';
import { KEYS } from '../../src/server/store/keys.ts';
import { addUser, ApiClient } from '../integration/helpers.ts';
import { SimDevice } from './device.ts';
import { FaultStats, type FaultPolicy } from './faults.ts';
import { serverHistory, syncUntilQuiescent } from './invariants.ts';
import { chaosSeed, Rng } from './prng.ts';
import { ChaosStack } from './stack.ts';

/**
 * Store loss: Redis comes back empty (new epoch) while some messages are acknowledged and others
 * wait in outboxes — on offline devices, and on one whose pushes were committed but never answered.
 * Accounts are restored (an operator re-imports them); sessions, conversations and messages are gone.
 * Devices sign in again, get `reset` on pull, resynchronise and re-send their outbox, re-creating the
 * conversations it writes to: no device shows a message twice and no outbox message is lost.
 */

const seed = chaosSeed();
let stack: ChaosStack;
const devices: SimDevice[] = [];

beforeAll(async () => {
  console.info(`store loss: seed ${seed} (replay with CHAOS_SEED=${seed})`);
  stack = await ChaosStack.start(2);
});

afterAll(async () => {
  await Promise.all(devices.map((d) => d.close()));
  await stack?.stop();
});

const quiet = (): FaultPolicy => ({ dropPushResponse: 0, dropPullResponse: 0, dropFrame: 0, duplicateFrame: 0, reorderFrame: 0 });

async function send(device: SimDevice, conversationId: string, body: string): Promise<string> {
  const messageId = newId();
  await device.request('message.send', { conversationId, messageId, body });
  return messageId;
}

/** Snapshot of the account keys (users, usernames, directory) to put back into the empty store. */
async function dumpAccounts(stack: ChaosStack): Promise<[string, Buffer][]> {
  const keys = [...(await stack.admin.keys('{u:*}:user')), KEYS.usernames, KEYS.directory];
  return Promise.all(keys.map(async (key) => [key, (await stack.admin.dumpBuffer(key))!] as [string, Buffer]));
}

describe('store loss (Redis restarted empty)', () => {
  it('resets every device and delivers every outbox message exactly once, nothing twice', async () => {
    const rng = new Rng(seed);
    const stats = new FaultStats();
    const accounts = await Promise.all([0, 1, 2].map(() => addUser(stack.admin)));
    const policies = new Map<SimDevice, FaultPolicy>();
    accounts.forEach((account, u) => {
      for (let k = 0; k < 2; k++) {
        const policy = quiet();
        const device = new SimDevice({ name: `d${u * 2 + k}`, home: k, account, gateways: stack, rng: rng.fork(), policy, stats });
        policies.set(device, policy);
        devices.push(device);
      }
    });
    await Promise.all(devices.map((d) => d.signIn()));
    const [anne, anne2, karim, karim2, lea, lea2] = devices as [SimDevice, SimDevice, SimDevice, SimDevice, SimDevice, SimDevice];
    const [a, k, l] = accounts.map((acc) => acc.id) as [string, string, string];
    const team = (await anne.request('conversation.create', { participantIds: [k, l], title: 'Équipe' })).conversationId;
    const night = (await karim.request('conversation.create', { participantIds: [l], title: 'Garde' })).conversationId;
    const quietRoom = (await lea.request('conversation.create', { participantIds: [a], title: 'Calme' })).conversationId;
    await syncUntilQuiescent(devices);

    // Acknowledged before the loss (they will be gone with the store).
    for (let i = 0; i < 6; i++) {
      await send(rng.pick([anne, karim, lea2]), team, `avant ${i}`);
      await send(rng.pick([karim2, lea]), night, `garde ${i}`);
      await send(rng.pick([anne2, lea]), quietRoom, `calme ${i}`);
    }
    await syncUntilQuiescent(devices);

    // Pending at the loss: offline devices' outboxes, and pushes committed whose answers were lost.
    anne.cutNetwork();
    karim2.cutNetwork();
    for (let i = 0; i < 3; i++) await send(anne, team, `hors ligne anne ${i}`);
    for (let i = 0; i < 2; i++) await send(karim2, team, `hors ligne karim équipe ${i}`);
    for (let i = 0; i < 3; i++) await send(karim2, night, `hors ligne karim garde ${i}`);
    // Lea's pushes are committed but she hears nothing back (no answer, no live echo).
    policies.get(lea)!.dropPushResponse = 1;
    policies.get(lea)!.dropFrame = 1;
    for (let i = 0; i < 2; i++) await send(lea, night, `sans réponse ${i}`);
    await lea.settle();
    expect(stats.get('push-response-dropped')).toBeGreaterThan(0);
    lea.cutNetwork();
    policies.get(lea)!.dropPushResponse = 0;
    policies.get(lea)!.dropFrame = 0;

    const queued = new Map<string, string>(); // messageId → conversationId
    for (const device of devices) {
      for (const entry of await device.active.db.outbox.toArray()) {
        if (entry.kind === 'message.send') queued.set(entry.id, (entry.args as MessageSendArgs).conversationId);
      }
    }
    expect(queued.size).toBe(10);
    const oldEpoch = await stack.admin.get(KEYS.epoch);

    const accountsDump = await dumpAccounts(stack);
    await stack.redis.restartEmpty();
    for (const [key, value] of accountsDump) await stack.admin.restore(key, 0, value);

    // Sessions went with the store: every device signs in again, then syncs.
    for (const device of devices) device.goOnline();
    await Promise.all(devices.map((d) => d.signIn()));
    await syncUntilQuiescent(devices);

    const newEpoch = await stack.admin.get(KEYS.epoch);
    expect(newEpoch).not.toBeNull();
    expect(newEpoch).not.toBe(oldEpoch);
    const checker = new ApiClient(stack.urlOf(0)!);
    await checker.login(accounts[1]!.username, accounts[1]!.password);
    for (const conversationId of [team, night]) {
      const history = await serverHistory(checker, conversationId);
      const ids = history.map((m) => m.messageId);
      expect(new Set(ids).size, 'no message stored twice').toBe(ids.length);
      expect(history.map((m) => m.seq)).toEqual(history.map((_, i) => i + 1));
      const expected = [...queued].filter(([, c]) => c === conversationId).map(([id]) => id);
      expect([...ids].sort()).toEqual([...expected].sort());
      for (const device of devices) {
        if (!(await device.active.db.conversations.get(conversationId)) && device.account.id === a && conversationId === night) continue;
        const local = await device.active.db.messages.where('conversationId').equals(conversationId).toArray();
        const shown = local.sort((x, y) => (x.seq ?? 0) - (y.seq ?? 0)).map((m) => `${m.messageId}@${m.seq}:${m.status}`);
        expect(shown, device.name).toEqual(history.map((m) => `${m.messageId}@${m.seq}:sent`));
      }
    }
    // The conversation nobody wrote to while the store was lost is gone everywhere.
    expect((await checker.get(`/api/conversations/${quietRoom}/messages`)).status).toBe(404);
    for (const device of devices) {
      expect(await device.active.db.conversations.get(quietRoom), device.name).toBeUndefined();
      expect(await device.active.db.outbox.count(), device.name).toBe(0);
      const cursor = (await device.active.db.meta.get('cursor'))?.value as string;
      expect(cursor.startsWith(`${newEpoch}.`), device.name).toBe(true);
    }
  });
});
