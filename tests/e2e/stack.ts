import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEMO_PASSWORD, seedDemo } from '../../src/server/demo-seed.ts';
import type { GatewayConfig } from '../../src/server/config.ts';
import type { Gateway } from '../../src/server/gateway.ts';
import { flushTestDb, ROOT, startGateway } from '../integration/helpers.ts';

/** The Redis DB index the foundation e2e test owns (flushed by it); each e2e file passes its own. */
export const E2E_DB = 7;

export interface Stack {
  gateway: Gateway;
  port: number;
  demoPassword: string;
  stop(): Promise<void>;
}

/** The real gateway, in this process, serving the built app (`npm run build` first) on an empty store with the demo clinic. */
export async function startStack(options: { db?: number; config?: Partial<GatewayConfig> } = {}): Promise<Stack> {
  const db = options.db ?? E2E_DB;
  if (!existsSync(resolve(ROOT, 'dist/sw.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  await flushTestDb(db);
  const started = await startGateway({ db, ...options.config });
  await seedDemo(started.gateway.redis);
  return {
    gateway: started.gateway,
    port: started.port,
    demoPassword: DEMO_PASSWORD,
    stop: () => started.close(),
  };
}
