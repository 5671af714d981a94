import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { newId } from '../../../../src/shared/ids.ts';
import type { LocalMessage } from '../../../../src/shared/local-model.ts';
import type { Conversation, User } from '../../../../src/shared/model.ts';
import type { SwEvent } from '../../../../src/shared/sw-events.ts';
import { RelaisDb, type IdbDeps } from '../../../../src/sw/store/db.ts';
import { SyncEngine, type SyncEngineOptions } from '../../../../src/sw/sync/engine.ts';
import { FakeServer } from './fake-server.ts';

/** One simulated device over a fake server, for the sync engine's tests. */

export const BASE_URL = 'http://relais.test';

/** A private IndexedDB per device, so tests (and devices) never share a store. */
export function freshIdb(): IdbDeps {
  return { indexedDB: new IDBFactory(), IDBKeyRange };
}

/** A fake server where Anne and Paul share a direct conversation. */
export function serverWithConversation(): { server: FakeServer; anne: User; paul: User; conversation: Conversation } {
  const server = new FakeServer();
  const anne = server.addUser('anne', 'Dr Anne Martin');
  const paul = server.addUser('paul', 'Paul Durand');
  const conversation = server.addConversation([anne, paul]);
  return { server, anne, paul, conversation };
}

export interface Device {
  db: RelaisDb;
  engine: SyncEngine;
  events: SwEvent[];
  retryDelays: number[];
  session: { userId: string | null };
}

/** A device where `user` is signed in, with a sync engine talking to `server`. */
export async function newDevice(server: FakeServer, user: User, host: Pick<SyncEngineOptions, 'carry'> = {}): Promise<Device> {
  const db = new RelaisDb(user.id, freshIdb());
  const events: SwEvent[] = [];
  const retryDelays: number[] = [];
  const session = { userId: user.id as string | null };
  const engine = new SyncEngine({
    db,
    fetch: server.fetchFor(session),
    baseUrl: BASE_URL,
    deviceId: 'device-test',
    userId: user.id,
    user,
    broadcast: (event) => events.push(event),
    random: () => 0,
    onRetryScheduled: (delay) => retryDelays.push(delay),
    ...host,
  });
  await engine.init();
  return { db, engine, events, retryDelays, session };
}

/** A pending message as `message.send` creates it. */
export function pendingMessage(conversationId: string, sender: User, body: string, time = 1): LocalMessage {
  return {
    conversationId,
    messageId: newId(),
    seq: null,
    senderId: sender.id,
    body,
    urgent: false,
    time,
    status: 'pending',
  };
}

/** Anne's device after its first pull of the fake server's conversation with Paul. */
export async function syncedDevice(): Promise<ReturnType<typeof serverWithConversation> & { device: Device }> {
  const setup = serverWithConversation();
  const device = await newDevice(setup.server, setup.anne);
  await device.engine.pull();
  return { ...setup, device };
}
