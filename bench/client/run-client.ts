import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { launchChromium } from '../../tests/e2e/browser.ts';
import { ROOT } from '../lib/spawn.ts';

export interface ClientResult {
  bundle: { appShellKb: number; lazyKb: number; serviceWorkerKb: number } | null;
  cpuThrottle: number;
  /** Messages per second into the SW store (`relaisMessages` of them) and by the raw loop (`rawMessages`). */
  ingest: { relaisMessages: number; relaisPerSecond: number; rawMessages: number; rawPerSecond: number; ratio: number };
  search: { messages: number; ms: number; hits: number } | null;
  coldStartOfflineMs: null;
  openConversationMs: null;
}

const gzipKb = (path: string) => gzipSync(readFileSync(path), { level: 9 }).length / 1024;

/** Bundle sizes from dist/ (as the bundle-budget test counts them); null when nothing is built. */
export function bundleSizes(): ClientResult['bundle'] {
  const dist = resolve(ROOT, 'dist');
  if (!existsSync(join(dist, 'index.html')) || !existsSync(join(dist, 'sw.js'))) return null;
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const shell = [...new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => join(dist, m[1] as string)))];
  const all = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js')).map((f) => join(dist, 'assets', f));
  const sum = (files: string[]) => files.reduce((s, f) => s + gzipKb(f), 0);
  return { appShellKb: sum(shell), lazyKb: sum(all.filter((f) => !shell.includes(f))), serviceWorkerKb: gzipKb(join(dist, 'sw.js')) };
}

/**
 * In headless Chromium with the CPU throttled through the DevTools protocol: ingesting messages into
 * the service worker's store (its real modules, bundled) against a raw IndexedDB put loop in one
 * transaction, and a local search over `searchCount` messages.
 */
export async function runClient(options: {
  ingestCount: number;
  /** The SW store is far slower than the raw loop today: it ingests fewer, and rates are compared. */
  storeIngestCount: number;
  searchCount: number;
  throttle: number;
}): Promise<ClientResult> {
  const bundled = await build({
    entryPoints: [resolve(ROOT, 'bench/client/store-entry.ts')],
    bundle: true,
    format: 'iife',
    write: false,
    minify: true,
    platform: 'browser',
    target: 'es2022',
  });
  const script = bundled.outputFiles[0]?.text ?? '';
  const server = createServer((req, res) => {
    if (req.url === '/bench.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(script);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>bench</title><script src="/bench.js"></script>');
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: options.throttle });
    const call = <T>(fn: string, n: number) =>
      page.evaluate(([f, count]) => (globalThis as unknown as { relaisBench: Record<string, (c: number) => Promise<unknown>> }).relaisBench[f as string]!(count as number), [fn, n] as const) as Promise<T>;
    // Warm-up (JIT, IndexedDB backing files), then alternate raw / Relais and keep the medians.
    await call<number>('rawPut', 1_000);
    await call<number>('ingest', 200);
    const raw: number[] = [];
    const relais: number[] = [];
    for (let i = 0; i < 2; i++) {
      raw.push(await call<number>('rawPut', options.ingestCount));
      relais.push(await call<number>('ingest', options.storeIngestCount));
    }
    const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)] as number;
    const relaisMs = med(relais);
    const rawPutMs = med(raw);
    let search: ClientResult['search'] = null;
    if (options.searchCount > 0) {
      const found = await call<{ searchMs: number; hits: number }>('search', options.searchCount);
      search = { messages: options.searchCount, ms: found.searchMs, hits: found.hits };
    }
    return {
      bundle: bundleSizes(),
      cpuThrottle: options.throttle,
      ingest: {
        relaisMessages: options.storeIngestCount,
        relaisPerSecond: options.storeIngestCount / (relaisMs / 1000),
        rawMessages: options.ingestCount,
        rawPerSecond: options.ingestCount / (rawPutMs / 1000),
        ratio: options.storeIngestCount / relaisMs / (options.ingestCount / rawPutMs),
      },
      search,
      coldStartOfflineMs: null,
      openConversationMs: null,
    };
  } finally {
    await browser.close();
    server.close();
  }
}
