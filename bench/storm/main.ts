import { RECONNECT_BACKOFF } from '../../src/shared/backoff.ts';
import { renderStorm } from '../report.ts';
import { runStorm, STORM_SERVERS, type StormServer } from './run-storm.ts';

/*
 * The reconnect storm alone (npm run bench runs it too, with these defaults):
 *   node --import tsx bench/storm/main.ts [--users 1000] [--messages 5000] [--cut 30]
 *     [--servers relais,socketio] [--processes 2] [--reconnect-cap-ms 8000] [--trickle 50] [--timeout 45] [--peer-timeout 30]
 * BENCH_GATEWAY_CPU_PROF=<dir>: each Relais gateway's CPU profile of the catch-up goes there.
 * Two devices per user; --trickle: messages/s sent during the catch-up. --reconnect-cap-ms tries another cap for the client's reconnect backoff.
 */

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const num = (name: string, fallback: number) => Number(arg(name) ?? fallback);

const results = await runStorm({
  users: num('users', 1_000),
  messages: num('messages', 5_000),
  cutSec: num('cut', 30),
  deviceProcesses: num('processes', 2),
  seed: num('seed', 20_261_207),
  servers: (arg('servers')?.split(',') as StormServer[] | undefined) ?? STORM_SERVERS,
  reconnect: { ...RECONNECT_BACKOFF, capMs: num('reconnect-cap-ms', RECONNECT_BACKOFF.capMs) },
  trickleRate: num('trickle', 50),
  timeoutSec: num('timeout', 45),
  peerTimeoutSec: num('peer-timeout', 30),
  log: (line) => console.info(line),
});
console.info('');
console.info(renderStorm(results));
process.exit(0);
