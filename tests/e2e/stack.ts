import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { seedDemo } from '../../src/server/demo-seed.ts';
import type { GatewayConfig } from '../../src/server/config.ts';
import type { Gateway } from '../../src/server/gateway.ts';
import { flushTestDb, ROOT, startGateway, TEST_PASSWORD_PARAMS } from '../integration/helpers.ts';
import { observePushes, type PushControl } from './push-control.ts';

/** The Redis DB the device e2e files (multi-tab, shared tablets, SW lifecycle) share, one file after the other. */
export const DEVICE_E2E_DB = 8;

export interface Stack {
  gateway: Gateway;
  port: number;
  /** `http://127.0.0.1:<port>`, the gateway itself (no network switch in between). */
  baseURL: string;
  /** The pushes (over HTTP or the socket) as the test sees and steers them. */
  push: PushControl;
  stop(): Promise<void>;
}

/**
 * The real gateway, in this process, on Redis DB `db` (flushed first) with the demo clinic, serving
 * the built app (`npm run build` first) or `config.staticDir`. Uploads go to a directory of its own,
 * removed by `stop()`, unless `config.blobDir` is given.
 */
export async function startStack(options: { db: number; config?: Partial<GatewayConfig> }): Promise<Stack> {
  const staticDir = options.config?.staticDir ?? resolve(ROOT, 'dist');
  if (!existsSync(join(staticDir, 'sw.js'))) throw new Error(`${staticDir}/sw.js is missing: run \`npm run build\` first`);
  await flushTestDb(options.db);
  const ownBlobDir = options.config?.blobDir === undefined ? await mkdtemp(join(tmpdir(), 'relais-e2e-blobs-')) : null;
  const { control: push, around } = observePushes();
  const started = await startGateway({ db: options.db, staticDir, ...(ownBlobDir === null ? {} : { blobDir: ownBlobDir }), aroundPush: around, ...options.config });
  await seedDemo(started.gateway.redis, TEST_PASSWORD_PARAMS);
  return {
    gateway: started.gateway,
    port: started.port,
    baseURL: `http://127.0.0.1:${started.port}`,
    push,
    async stop() {
      await started.close();
      if (ownBlobDir !== null) await rm(ownBlobDir, { recursive: true, force: true });
    },
  };
}
