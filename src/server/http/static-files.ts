import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { sendError } from './http-errors.ts';

const NO_CACHE = new Set(['sw.js', 'registerSW.js', 'manifest.webmanifest', 'index.html']);

/**
 * Serves the built PWA. The service worker, its registration, the manifest and index.html must be
 * revalidated on every load (so updates are seen), and so is `/embed.js` (which other origins load);
 * hashed `/assets/*` are immutable.
 * Returns false (API only) when the directory does not exist.
 */
export async function registerStatic(app: FastifyInstance, dir: string): Promise<boolean> {
  const root = resolve(dir);
  const hasRoot = existsSync(root);
  const hasIndex = hasRoot && existsSync(resolve(root, 'index.html'));
  if (hasRoot) {
    await app.register(fastifyStatic, {
      root,
      wildcard: true,
      index: ['index.html'],
      setHeaders(reply, path) {
        const name = path.slice(path.lastIndexOf('/') + 1);
        if (NO_CACHE.has(name)) reply.header('Cache-Control', 'no-cache');
        if (path === resolve(root, 'embed.js')) {
          // Loaded by the clinic's own pages (docs/EMBEDDING.md): a fixed address, so revalidated
          // (ETag) on each page load, and readable by another origin's <script> despite helmet's
          // same-origin Cross-Origin-Resource-Policy.
          reply.header('Cache-Control', 'public, no-cache');
          reply.header('Cross-Origin-Resource-Policy', 'cross-origin');
        }
        else if (path.startsWith(resolve(root, 'assets') + '/')) {
          reply.header('Cache-Control', 'public, max-age=31536000, immutable');
        }
      },
    });
  } else {
    app.log.warn({ dir: root }, 'static directory missing: serving the API only (run npm run build)');
  }

  // SPA fallback: a deep link such as /c/<id> opens the app, which routes on the client.
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const isPage = request.method === 'GET' && !path.startsWith('/api/') && !/\.[A-Za-z0-9]+$/.test(path);
    if (hasIndex && isPage) {
      reply.header('Cache-Control', 'no-cache');
      return reply.sendFile('index.html');
    }
    return sendError(reply, 'not_found');
  });
  return hasRoot;
}
