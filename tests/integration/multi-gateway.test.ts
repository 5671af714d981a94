import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { newId } from '../../src/shared/ids.ts';
import type { Conversation } from '../../src/shared/model.ts';
import { addUser, ApiClient, connectTestRedis, flushTestDb, LiveClient, spawnGateway, type SpawnedGateway } from './helpers.ts';

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

  it('stops on SIGTERM with exit code 0', async () => {
    const extra = await spawnGateway();
    const exit = new Promise<number | null>((done) => extra.child.once('exit', (code) => done(code)));
    await extra.stop();
    expect(await exit).toBe(0);
  });
});
