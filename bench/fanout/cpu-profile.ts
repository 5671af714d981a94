import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

/*
 * Preloaded into a server under test (`--import`) when BENCH_GATEWAY_CPU_PROF=<dir> is set: records
 * a V8 CPU profile of the measured phase (the bench sends SIGUSR2 when it starts and again when it
 * ends) and writes it as <dir>/<pid>.cpuprofile (open it in Chrome DevTools or speedscope). Node 20
 * refuses `--cpu-prof` in NODE_OPTIONS, hence the inspector.
 */

const dir = process.env.BENCH_GATEWAY_CPU_PROF;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  let state: 'idle' | 'recording' | 'written' = 'idle';
  const stop = (): void => {
    if (state !== 'recording') return;
    state = 'written';
    // A same-thread inspector session answers synchronously, so this also works from 'exit'.
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  process.on('SIGUSR2', () => {
    if (state === 'idle') {
      state = 'recording';
      session.post('Profiler.start');
    } else stop();
  });
  process.on('exit', stop);
}
