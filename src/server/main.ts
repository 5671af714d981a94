import { loadConfig } from './config.ts';
import { DEMO_PASSWORD, demoAccountsWithPublicPassword, seedDemo } from './demo-seed.ts';
import { createGateway, type Gateway } from './gateway.ts';
import { resolveRedis } from './redis/resolve-redis.ts';

/** `npm run serve`: starts one gateway, prints where it listens, stops cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const redis = await resolveRedis(config, process.cwd());
  let gateway: Gateway | undefined;
  let seeded: string[] = [];
  let url: string;
  try {
    gateway = await createGateway(config, { redisTarget: redis.target });
    seeded = config.demo ? await seedDemo(gateway.redis) : [];
    if (config.production) {
      const open = await demoAccountsWithPublicPassword(gateway.redis);
      if (open.length > 0) {
        throw new Error(
          `NODE_ENV=production and the demo accounts ${open.join(', ')} still take the public password "${DEMO_PASSWORD}": ` +
            'change it (npm run user:password -- --username <name>) or start on an empty store',
        );
      }
    }
    ({ url } = await gateway.listen());
  } catch (err) {
    // Do not leave a managed redis-server behind a gateway that never started.
    await gateway?.close().catch(() => undefined);
    await redis.managed?.stop();
    throw err;
  }
  const started = gateway;

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.info(`Relais: ${signal}, stopping`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    // For operators and the bench: how well live events were routed (realtime/live-bus.ts LiveStats).
    const live = started.realtime.stats();
    console.info(`Relais: live events received ${live.received}, with a local recipient ${live.routed}, deliveries ${live.deliveries}`);
    try {
      await started.close();
      await redis.managed?.stop();
      process.exit(0);
    } catch (err) {
      console.error('Relais: shutdown failed', err);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  // Announced only once the signal handlers are in place: whoever waits for this line (a supervisor,
  // the tests) may send SIGTERM at once.
  console.info(`Relais: listening on ${url} (redis: ${redis.description})`);
  // Listening on every address: say where a person on this machine opens it (service workers and the
  // camera need localhost or HTTPS, so not the LAN address).
  const wildcard = /^http:\/\/(0\.0\.0\.0|\[::\])(:\d+)$/.exec(url);
  if (wildcard) console.info(`Relais: open http://localhost${wildcard[2]} in a browser`);
  if (seeded.length > 0) {
    console.info(`Relais: demo accounts (password "${DEMO_PASSWORD}"): ${seeded.join(', ')}`);
  }
}

main().catch((err: unknown) => {
  console.error('Relais: failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
