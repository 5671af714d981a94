import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/** DESIGN.md budgets: app-shell JS ≤ 30 KB gzip, service worker ≤ 60 KB gzip. Sizes are exact, so a test may hold them. */
const APP_SHELL_BUDGET = 30 * 1024;
const SW_BUDGET = 60 * 1024;
const DIST = join(import.meta.dirname, '../../dist');
/**
 * `/embed.js` (the button clinic pages load, docs/EMBEDDING.md), gzip level 9, exactly: every change
 * to it is weighed here. It must stay a few KB (≤ 4 KB): no framework, no schema library.
 */
// 2736 → 2779: the ringing label names the function a call is for (relais:call functionName).
const EMBED_SIZE = 2779;
const EMBED_BUDGET = 4 * 1024;

function gzipSize(path: string): number {
  return gzipSync(readFileSync(path), { level: 9 }).length;
}

/**
 * The JS the app shell loads: every script and modulepreload index.html references, and what they
 * import statically (without module preloads, index.html names the entry only).
 */
function appShellScripts(): string[] {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => join(DIST, m[1] as string));
  const shell = new Set(refs);
  for (const file of shell) {
    // Static imports only (`import … from"./x.js"`, `import"./x.js"`), not `import("./x.js")`.
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) shell.add(join(DIST, 'assets', m[1] as string));
  }
  return [...shell];
}

describe('bundle budgets (after npm run build)', () => {
  it('keeps the app-shell JS within 30 KB gzip', () => {
    expect(existsSync(join(DIST, 'index.html'))).toBe(true);
    // The shell is what index.html loads (entry + modulepreloads); screens loaded on demand
    // (dynamic import) are not part of it and are printed apart.
    const scripts = appShellScripts();
    expect(scripts.length).toBeGreaterThan(0);
    const total = scripts.reduce((sum, f) => sum + gzipSize(f), 0);
    const all = readdirSync(join(DIST, 'assets')).filter((f) => f.endsWith('.js')).map((f) => join(DIST, 'assets', f));
    const lazy = all.filter((f) => !scripts.includes(f));
    const lazyTotal = lazy.reduce((sum, f) => sum + gzipSize(f), 0);
    console.info(
      `app-shell JS: ${(total / 1024).toFixed(1)} KB gzip in ${scripts.length} file(s) (budget 30 KB); ` +
        `on-demand chunks: ${(lazyTotal / 1024).toFixed(1)} KB gzip in ${lazy.length} file(s)`,
    );
    expect(total).toBeLessThanOrEqual(APP_SHELL_BUDGET);
  });

  it('keeps the service worker within 60 KB gzip', () => {
    const sw = join(DIST, 'sw.js');
    expect(existsSync(sw)).toBe(true);
    const size = gzipSize(sw);
    console.info(`service worker: ${(size / 1024).toFixed(1)} KB gzip (budget 60 KB)`);
    expect(size).toBeLessThanOrEqual(SW_BUDGET);
  });

  it('holds /embed.js at its measured size, within 4 KB gzip', () => {
    const embed = join(DIST, 'embed.js');
    expect(existsSync(embed)).toBe(true);
    const size = gzipSize(embed);
    console.info(`embed.js: ${size} B gzip (budget ${EMBED_BUDGET} B)`);
    expect(size).toBeLessThanOrEqual(EMBED_BUDGET);
    expect(size).toBe(EMBED_SIZE);
    // Standalone: neither preact nor zod came along.
    const text = readFileSync(embed, 'utf8');
    expect(text).not.toMatch(/preact|zod/i);
  });
});
