import { median } from '../lib/stats.ts';
import { runAppTimings } from './app-timings.ts';

/*
 * The app timings alone (the client section of `npm run bench` runs them too):
 *   node --import tsx bench/client/run-app.ts [messages=10000] [reps=3]
 * after `NODE_ENV=production npm run build`.
 */

const messages = Number(process.argv[2] ?? 10_000);
const reps = Number(process.argv[3] ?? 3);
const result = await runAppTimings({ messages, reps, throttle: 4, log: (line) => console.info(line) });
if (!result) {
  console.error('bench: dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const ms = (values: number[]) => `${median(values).toFixed(0)} ms (runs ${values.map((v) => v.toFixed(0)).join(', ')})`;
console.info(`cold start offline → list painted: ${ms(result.coldStartOfflineRuns)}`);
console.info(`open ${messages} messages → painted: ${ms(result.openConversationRuns)}; first frame ${ms(result.openFirstFrameRuns)}; reopen ${ms(result.reopenConversationRuns)}`);
console.info(`call accept → first remote frame: ${ms(result.acceptToFirstFrameRuns)}; at 4× ${ms(result.acceptToFirstFrameThrottledRuns)}`);
console.info(`rows in the DOM: ${result.domRows}; service worker slowdown under the throttle: ${result.serviceWorkerSlowdown?.toFixed(2) ?? '?'}×`);
process.exit(0);
