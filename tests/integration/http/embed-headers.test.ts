import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCoreConfig, parseEmbedOrigins } from '../../../src/server/core/core-config.ts';
import { rawRequest, startGateway, type StartedGateway } from '../helpers.ts';

/** Redis DB of this file (the gateways only need a store to start). */
const DB = 2;
const EMBED_SOURCE = 'customElements.define("relais-messaging-button", class extends HTMLElement {});';

let dir: string;
let closed: StartedGateway;
let open: StartedGateway;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relais-embed-static-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Relais</title>');
  await writeFile(join(dir, 'embed.js'), EMBED_SOURCE);
  closed = await startGateway({ db: DB, staticDir: dir });
  open = await startGateway({ db: DB, staticDir: dir, embedOrigins: loadCoreConfig({ RELAIS_EMBED_ORIGINS: 'http://dpi.clinique.localhost:8090, https://dpi.clinique.example/' }).embedOrigins });
});

afterAll(async () => {
  await closed?.close();
  await open?.close();
  await rm(dir, { recursive: true, force: true });
});

function frameAncestors(headers: Record<string, unknown>): string | undefined {
  const csp = String(headers['content-security-policy'] ?? '');
  return csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('frame-ancestors'));
}

describe('who may frame the app (RELAIS_EMBED_ORIGINS)', () => {
  it('lets nobody frame it when no origin is configured: frame-ancestors none and X-Frame-Options DENY, on the app and on a deep link', async () => {
    for (const path of ['/', '/c/0190a0b0-0000-7000-8000-000000000000', '/api/me']) {
      const reply = await rawRequest(closed.url, path);
      expect(frameAncestors(reply.headers), path).toBe("frame-ancestors 'none'");
      expect(reply.headers['x-frame-options'], path).toBe('DENY');
    }
  });

  it('lets exactly the configured origins frame it, and sends no X-Frame-Options (which cannot name them)', async () => {
    for (const path of ['/', '/?embed=1']) {
      const reply = await rawRequest(open.url, path);
      expect(reply.status).toBe(200);
      expect(frameAncestors(reply.headers), path).toBe('frame-ancestors http://dpi.clinique.localhost:8090 https://dpi.clinique.example');
      expect(reply.headers['x-frame-options'], path).toBeUndefined();
    }
  });

  it('refuses to start on an entry that is not an origin', () => {
    expect(parseEmbedOrigins(undefined)).toEqual([]);
    expect(parseEmbedOrigins(' http://a.localhost:1 ,http://a.localhost:1')).toEqual(['http://a.localhost:1']);
    for (const bad of ['dpi.clinique.lan', 'https://dpi.clinique.lan/dossier', "'self'", '*', 'javascript:alert(1)', 'https://a.example;script-src *']) {
      expect(() => parseEmbedOrigins(bad), bad).toThrow(/RELAIS_EMBED_ORIGINS/);
    }
  });
});

describe('/embed.js', () => {
  it('is served as JavaScript, revalidated on each use (fixed address), and loadable by another origin', async () => {
    const reply = await rawRequest(open.url, '/embed.js');
    expect(reply.status).toBe(200);
    expect(String(reply.headers['content-type'])).toMatch(/^(text|application)\/javascript/);
    expect(reply.headers['cache-control']).toBe('public, no-cache');
    expect(reply.headers['etag']).toBeDefined();
    expect(reply.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(reply.body).toBe(EMBED_SOURCE);
    // Everything else keeps helmet's same-origin resource policy.
    expect((await rawRequest(open.url, '/')).headers['cross-origin-resource-policy']).toBe('same-origin');
    // Revalidation answers 304 with its ETag.
    const again = await rawRequest(open.url, '/embed.js', { headers: { 'if-none-match': String(reply.headers['etag']) } });
    expect(again.status).toBe(304);
  });
});
