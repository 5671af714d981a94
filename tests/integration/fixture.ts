import { afterAll, beforeAll } from 'vitest';
import { Redis } from 'ioredis';
import { newId } from '../../src/shared/ids.ts';
import type { Conversation, Role, User } from '../../src/shared/model.ts';
import type { GatewayConfig } from '../../src/server/config.ts';
import type { Gateway } from '../../src/server/gateway.ts';
import { ApiClient, flushTestDb, INTEGRATION_DB, LiveClient, redisUrl, signedInClient, startGateway, type StartedGateway } from './helpers.ts';

/** What a test file gets from `useGateway()`. */
export interface GatewayFixture {
  /** The gateway's base URL (after beforeAll). */
  readonly url: string;
  readonly port: number;
  readonly gateway: Gateway;
  /** A connection to the file's Redis DB, to set up and to look behind the gateway's back. */
  readonly redis: Redis;
  /** A signed-in client for a new user. */
  signIn(role?: Role): Promise<SignedIn>;
  /** A live socket for a signed-in client, closed with the file. */
  live(api: ApiClient): Promise<LiveClient>;
  /** Two new signed-in users and a direct conversation between them, created by the first. */
  pair(): Promise<{ anne: SignedIn; karim: SignedIn; conversationId: string }>;
}

export type SignedIn = { api: ApiClient; user: User };

type Overrides = Partial<GatewayConfig> & { db?: number };

/**
 * One gateway for a test file, on its own Redis DB (INTEGRATION_DB unless `db` says otherwise):
 * registers the beforeAll that empties the DB and starts the gateway, and the afterAll that closes
 * the sockets it opened, the gateway and the connection. `later` is read in beforeAll, for settings
 * that need what an earlier beforeAll made (a push sink, a temporary directory).
 */
export function useGateway(overrides: Overrides = {}, later?: () => Partial<GatewayConfig>): GatewayFixture {
  const db = overrides.db ?? INTEGRATION_DB;
  // Lazy: created now so files can hold it in a const, connected on its first command.
  const redis = new Redis(redisUrl(db), { maxRetriesPerRequest: 1, lazyConnect: true });
  let started: StartedGateway | undefined;
  const opened: LiveClient[] = [];
  const running = (): StartedGateway => {
    if (!started) throw new Error('the gateway starts in beforeAll');
    return started;
  };

  beforeAll(async () => {
    await flushTestDb(db);
    started = await startGateway({ ...overrides, ...later?.() });
  });

  afterAll(async () => {
    for (const live of opened.splice(0)) live.close();
    await started?.close();
    redis.disconnect();
  });

  return {
    get url() {
      return running().url;
    },
    get port() {
      return running().port;
    },
    get gateway() {
      return running().gateway;
    },
    redis,
    signIn: (role) => signedInClient(redis, running().url, role),
    async pair() {
      const anne = await signedInClient(redis, running().url);
      const karim = await signedInClient(redis, running().url);
      const conversationId = newId();
      const [created] = await anne.api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [karim.user.id] } }]);
      if ((created?.result as { conversation?: Conversation } | undefined)?.conversation?.id !== conversationId) {
        throw new Error(`conversation not created: ${JSON.stringify(created)}`);
      }
      return { anne, karim, conversationId };
    },
    async live(api) {
      const live = await LiveClient.open(running().url, api.cookie);
      opened.push(live);
      return live;
    },
  };
}
