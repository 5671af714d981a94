import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from '../lib/spawn.ts';
import { median } from '../lib/stats.ts';
import { runAppTimings } from './app-timings.ts';

/*
 * The app timings alone (the client section of `npm run bench` runs them too):
 *   node --import tsx bench/client/run-app.ts [messages=10000] [reps=3] [--no-calls] [--profile[=dir]] [--dist=dir]
 * after `NODE_ENV=production npm run build`. `--profile` traces one more cold start offline and one
 * more opening of the long conversation (not counted; profile.ts) into `dir` (default
 * bench/results/profile) and prints their phases and top self-time functions; `--no-calls` leaves
 * the video calls out; `--dist=<dir>` times another build (a copy of an earlier dist/, to compare).
 */

const flags = process.argv.slice(2).filter((arg) => arg.startsWith('--'));
const [messagesArg, repsArg] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const messages = Number(messagesArg ?? 10_000);
const reps = Number(repsArg ?? 3);
const profileFlag = flags.find((flag) => flag === '--profile' || flag.startsWith('--profile='));
const profile = profileFlag ? resolve(profileFlag.split('=')[1] ?? join(ROOT, 'bench/results/profile')) : undefined;
if (profile) mkdirSync(profile, { recursive: true });
const distFlag = flags.find((flag) => flag.startsWith('--dist='));
const dist = distFlag ? resolve(distFlag.slice('--dist='.length)) : undefined;
const result = await runAppTimings({ messages, reps, throttle: 4, log: (line) => console.info(line), profile, dist, skipCalls: flags.includes('--no-calls') });
if (!result) {
  console.error('bench: dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const ms = (values: number[]) => `${median(values).toFixed(0)} ms (runs ${values.map((v) => v.toFixed(0)).join(', ')})`;
console.info(`cold start offline → list painted: ${ms(result.coldStartOfflineRuns)}`);
console.info(`open ${messages} messages → painted: ${ms(result.openConversationRuns)}; first frame ${ms(result.openFirstFrameRuns)}; reopen ${ms(result.reopenConversationRuns)}`);
if (result.acceptToFirstFrameRuns.length > 0) console.info(`call accept → first remote frame: ${ms(result.acceptToFirstFrameRuns)}; at 4× ${ms(result.acceptToFirstFrameThrottledRuns)}`);
console.info(`floor, a one-row static page: cold start offline ${ms(result.floor.coldStartOfflineRuns)}; click → a row painted ${ms(result.floor.openRuns)}`);
console.info(`rows in the DOM: ${result.domRows}; service worker slowdown under the throttle: ${result.serviceWorkerSlowdown?.toFixed(2) ?? '?'}×`);
process.exit(0);
