import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, CDPSession } from 'playwright-core';

/*
 * A Chromium trace of one timed interval of the app bench (`run-app.ts --profile <dir>`), taken at the
 * browser's level through the DevTools protocol (`Tracing`), so that it holds the page's renderer,
 * its service worker's thread and the browser process (service worker start-up, IndexedDB). Written
 * as `<name>.trace.json` (opens in Chrome's Performance panel) and `<name>.cpuprofile` (the page's
 * main thread), then summarised: the interval's phases on a timeline, where each thread's time went
 * (trace events by self time) and the top JavaScript functions by self time.
 */

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'toplevel',
  'blink.user_timing',
  'loading',
  'v8',
  'v8.execute',
  'disabled-by-default-v8.cpu_profiler',
  'ServiceWorker',
  'IndexedDB',
  'navigation',
  'netlog',
];

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  id?: string;
  id2?: { local?: string; global?: string };
  args?: Record<string, unknown> & { data?: Record<string, unknown>; name?: string };
}

export interface Tracer {
  stop(name: string, window: { startMark?: string; endMark: string }): Promise<string>;
}

/** Starts a browser-wide trace; `stop` writes it under `dir` and answers its summary (text). */
export async function startTrace(browser: Browser, dir: string): Promise<Tracer> {
  const session: CDPSession = await browser.newBrowserCDPSession();
  await session.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    traceConfig: { recordMode: 'recordAsMuchAsPossible', includedCategories: CATEGORIES },
  });
  return {
    async stop(name, window) {
      const complete = new Promise<string>((resolve) =>
        session.once('Tracing.tracingComplete', (event: { stream?: string }) => resolve(event.stream ?? '')),
      );
      await session.send('Tracing.end');
      const stream = await complete;
      let text = '';
      for (;;) {
        const chunk = await session.send('IO.read', { handle: stream, size: 1 << 20 });
        text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString() : chunk.data;
        if (chunk.eof) break;
      }
      await session.send('IO.close', { handle: stream });
      await session.detach().catch(() => undefined);
      writeFileSync(join(dir, `${name}.trace.json`), text);
      const parsed = JSON.parse(text) as { traceEvents?: TraceEvent[] } | TraceEvent[];
      const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
      return summarise(events, name, dir, window);
    },
  };
}

const ms = (us: number): string => (us / 1000).toFixed(1);

function summarise(events: TraceEvent[], name: string, dir: string, window: { startMark?: string; endMark: string }): string {
  const threadNames = new Map<string, string>();
  for (const event of events) {
    if (event.ph === 'M' && event.name === 'thread_name') threadNames.set(`${event.pid}:${event.tid}`, String(event.args?.name));
  }
  const end = events.find((event) => event.name === window.endMark && event.cat.includes('blink.user_timing'));
  if (!end) return `${name}: mark ${window.endMark} not in the trace`;
  const pageThread = `${end.pid}:${end.tid}`;
  // The interval: from the start mark (or the page's last navigation start before the end mark) to the end mark.
  const starts = events.filter(
    (event) =>
      `${event.pid}:${event.tid}` === pageThread &&
      event.ts <= end.ts &&
      (window.startMark
        ? event.name === window.startMark && event.cat.includes('blink.user_timing')
        : event.name === 'navigationStart' && String(event.args?.data?.documentLoaderURL ?? '').startsWith('http')),
  );
  const start = starts.at(-1);
  if (!start) return `${name}: no start in the trace`;
  const from = start.ts;
  const to = end.ts;
  const lines: string[] = [`## ${name}: ${ms(to - from)} ms (${threadNames.get(pageThread) ?? pageThread} of the page)`];

  // Timeline: the browser's and workers' async phases and the page's main milestones.
  const milestones: string[] = [];
  const open = new Map<string, TraceEvent>();
  const asyncCats = /ServiceWorker|IndexedDB|navigation|loading|netlog/;
  for (const event of events) {
    if (event.ts < from - 1000 || event.ts > to) continue;
    if ((event.ph === 'b' || event.ph === 'e') && asyncCats.test(event.cat)) {
      const key = `${event.cat}|${event.name}|${event.id ?? event.id2?.local ?? event.id2?.global ?? ''}`;
      if (event.ph === 'b') open.set(key, event);
      else {
        const begin = open.get(key);
        open.delete(key);
        if (begin && event.ts - begin.ts >= 1000) milestones.push(`${ms(begin.ts - from).padStart(7)} → ${ms(event.ts - from).padStart(7)}  ${event.name} (${begin.cat})`);
      }
    }
    if (`${event.pid}:${event.tid}` === pageThread && event.ph === 'X' && (event.dur ?? 0) >= 3000) {
      const url = (event.args?.data?.url as string | undefined) ?? '';
      if (/EvaluateScript|v8.compile|v8.evaluateModule|ParseHTML|UpdateLayoutTree|Layout|Paint|FunctionCall|EventDispatch|TimerFire|FireAnimationFrame|RunMicrotasks|v8.run|GC/.test(event.name))
        milestones.push(`${ms(event.ts - from).padStart(7)} +${ms(event.dur ?? 0).padStart(6)}  ${event.name}${url ? ` ${url.replace(/^.*\//, '')}` : ''}`);
    }
    if (event.ph === 'R' || event.ph === 'I' || event.ph === 'n') {
      if (event.cat.includes('blink.user_timing') || /firstContentfulPaint|firstPaint|domContentLoaded|MarkLoad|MarkDOMContent/.test(event.name))
        if (event.ts >= from) milestones.push(`${ms(event.ts - from).padStart(7)}          ${event.name}`);
    }
  }
  lines.push('### timeline (ms from the start; async phases ≥ 1 ms, page main-thread tasks ≥ 3 ms)');
  lines.push(...milestones.sort((a, b) => Number.parseFloat(a) - Number.parseFloat(b)));

  // Self time of trace events per thread, in the interval.
  const perThread = new Map<string, TraceEvent[]>();
  for (const event of events) {
    if (event.ph !== 'X' || event.dur === undefined || event.ts + event.dur < from || event.ts > to) continue;
    const key = `${event.pid}:${event.tid}`;
    let list = perThread.get(key);
    if (!list) perThread.set(key, (list = []));
    list.push(event);
  }
  const busy: { key: string; total: number; self: Map<string, number> }[] = [];
  for (const [key, list] of perThread) {
    list.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    const self = new Map<string, number>();
    const stack: { event: TraceEvent; end: number; child: number }[] = [];
    let total = 0;
    const close = (until: number) => {
      while (stack.length > 0 && stack.at(-1)!.end <= until) {
        const top = stack.pop()!;
        const clipped = Math.min(top.end, to) - Math.max(top.event.ts, from);
        self.set(top.event.name, (self.get(top.event.name) ?? 0) + Math.max(0, clipped - top.child));
        const parent = stack.at(-1);
        if (parent) parent.child += Math.max(0, clipped);
        else total += Math.max(0, clipped);
      }
    };
    for (const event of list) {
      close(event.ts);
      stack.push({ event, end: event.ts + (event.dur ?? 0), child: 0 });
    }
    close(Number.POSITIVE_INFINITY);
    if (total >= 2000) busy.push({ key, total, self });
  }
  busy.sort((a, b) => b.total - a.total);
  lines.push('### busy threads (trace events by self time, ms)');
  for (const thread of busy.slice(0, 6)) {
    const top = [...thread.self].sort((a, b) => b[1] - a[1]).slice(0, 12);
    lines.push(`- ${threadNames.get(thread.key) ?? thread.key} (${thread.key}): ${ms(thread.total)} busy — ${top.map(([n, t]) => `${n} ${ms(t)}`).join(', ')}`);
  }

  // JavaScript self time from the sampling profiler, per thread.
  const profiles = new Map<string, { pid: number; tid: number; startTime: number; nodes: Map<number, { id: number; parent?: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }>; samples: number[]; deltas: number[] }>();
  for (const event of events) {
    if (event.name === 'Profile' && event.ph === 'P') {
      profiles.set(`${event.pid}|${event.id}`, { pid: event.pid, tid: event.tid, startTime: Number(event.args?.data?.startTime ?? 0), nodes: new Map(), samples: [], deltas: [] });
    } else if (event.name === 'ProfileChunk') {
      const profile = profiles.get(`${event.pid}|${event.id}`);
      const data = event.args?.data as { cpuProfile?: { nodes?: { id: number; parent?: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[]; samples?: number[] }; timeDeltas?: number[] } | undefined;
      if (!profile || !data) continue;
      for (const node of data.cpuProfile?.nodes ?? []) profile.nodes.set(node.id, node);
      profile.samples.push(...(data.cpuProfile?.samples ?? []));
      profile.deltas.push(...(data.timeDeltas ?? []));
    }
  }
  lines.push('### JavaScript by self time (sampled, ms; "(program)" is the renderer outside JS, "(idle)" waiting)');
  for (const profile of profiles.values()) {
    const self = new Map<string, number>();
    let t = profile.startTime;
    let total = 0;
    for (let i = 0; i < profile.samples.length; i++) {
      t += profile.deltas[i] ?? 0;
      const next = profile.deltas[i + 1] ?? 0;
      if (t < from || t > to) continue;
      const node = profile.nodes.get(profile.samples[i]!);
      if (!node) continue;
      const frame = node.callFrame;
      const where = frame.url ? ` ${frame.url.replace(/^.*\//, '')}:${frame.lineNumber + 1}:${frame.columnNumber + 1}` : '';
      const label = `${frame.functionName || '(anonymous)'}${where}`;
      self.set(label, (self.get(label) ?? 0) + next);
      if (frame.functionName !== '(idle)') total += next;
    }
    if (total < 2000) continue;
    const key = `${profile.pid}:${profile.tid}`;
    const top = [...self].filter(([label]) => label !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 15);
    lines.push(`- ${threadNames.get(key) ?? key}: ${ms(total)} ms not idle`);
    for (const [label, time] of top) lines.push(`    ${ms(time).padStart(7)}  ${label}`);
    if (key === pageThread) {
      const nodes = [...profile.nodes.values()].map((node) => ({ ...node, children: [] as number[] }));
      const byId = new Map(nodes.map((node) => [node.id, node]));
      for (const node of nodes) if (node.parent !== undefined) byId.get(node.parent)?.children.push(node.id);
      const endTime = profile.startTime + profile.deltas.reduce((a, b) => a + b, 0);
      writeFileSync(
        join(dir, `${name}.cpuprofile`),
        JSON.stringify({ nodes: nodes.map(({ parent: _parent, ...node }) => node), startTime: profile.startTime, endTime, samples: profile.samples, timeDeltas: profile.deltas }),
      );
    }
  }
  return lines.join('\n');
}
