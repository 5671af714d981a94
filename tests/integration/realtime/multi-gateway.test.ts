import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { newId } from '../../../src/shared/ids.ts';
import type { Conversation } from '../../../src/shared/model.ts';
import { addUser, ApiClient, connectTestRedis, flushTestDb, LiveClient, spawnGateway, type SpawnedGateway } from '../helpers.ts';

let redis: Redis;
let first: SpawnedGateway;
let second: SpawnedGateway;

beforeAll(async () => {
  await flushTestDb();
  redis = connectTestRedis();
  [first, second] = await Promise.all([spawnGateway(), spawnGateway()]);
});

afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  redis?.disconnect();
});

describe('two gateway processes on one Redis', () => {
  it('delivers a message sent through gateway 1 to a socket on gateway 2', async () => {
    const anneAccount = await addUser(redis);
    const karimAccount = await addUser(redis);
    const anne = new ApiClient(first.url);
    const karim = new ApiClient(second.url);
    await anne.login(anneAccount.username);
    await karim.login(karimAccount.username);
    const live = await LiveClient.open(second.url, karim.cookie);
    try {
      const [created] = await anne.push([
        { id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds: [karimAccount.id] } },
      ]);
      const conversationId = (created?.result as { conversation: Conversation }).conversation.id;
      expect(await live.next((f) => f.type === 'changes')).toMatchObject({
        changes: [{ type: 'conversation', conversation: { id: conversationId } }],
      });
      const messageId = newId();
      await anne.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body: 'Par la passerelle 1' } }]);
      expect(await live.next((f) => f.type === 'changes')).toMatchObject({
        changes: [{ type: 'message', message: { messageId, seq: 1, body: 'Par la passerelle 1' } }],
      });
    } finally {
      live.close();
    }
  });

  it('delivers live in seq order on both gateways while both append to one conversation at once', async () => {
    const [anneAccount, karimAccount, paulAccount] = [await addUser(redis), await addUser(redis), await addUser(redis)];
    const anne = new ApiClient(first.url);
    const karim = new ApiClient(second.url);
    const paulHere = new ApiClient(first.url);
    const paulThere = new ApiClient(second.url);
    await Promise.all([anne.login(anneAccount.username), karim.login(karimAccount.username), paulHere.login(paulAccount.username), paulThere.login(paulAccount.username)]);
    const conversationId = newId();
    await anne.push([{ id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [karimAccount.id, paulAccount.id], title: 'Ordre' } }]);
    const watchers = await Promise.all([LiveClient.open(first.url, paulHere.cookie), LiveClient.open(second.url, paulThere.cookie)]);
    try {
      const send = (api: ApiClient, i: number) => {
        const messageId = newId();
        return api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body: `m${i}` } }]);
      };
      const total = 40;
      await Promise.all(Array.from({ length: total }, (_, i) => send(i % 2 === 0 ? anne : karim, i)));
      for (const watcher of watchers) {
        const seqs: number[] = [];
        while (seqs.length < total) {
          const frame = await watcher.next((f) => f.type === 'changes');
          for (const change of (frame as { changes: { type: string; message?: { seq: number } }[] }).changes) {
            if (change.type === 'message') seqs.push(change.message!.seq);
          }
        }
        expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      }
    } finally {
      for (const watcher of watchers) watcher.close();
    }
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const extra = await spawnGateway();
    const exit = new Promise<number | null>((done) => extra.child.once('exit', (code) => done(code)));
    await extra.stop();
    expect(await exit).toBe(0);
  });
});
