import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `npm run example:host`: serves the example clinic pages of `examples/` (a doctor's workspace and a
 * patient record, each embedding Relais through `/embed.js`) on an origin of their own.
 *
 *   EXAMPLE_PORT   port to listen on (8090)
 *   EXAMPLE_HOST   address to listen on (127.0.0.1)
 *   RELAIS_URL     where Relais answers, written into the pages' `<script src>` (http://relais.clinique.localhost:8080)
 *
 * Same site: open http://dpi.clinique.localhost:8090/ with Relais at http://relais.clinique.localhost:8080
 * (both under clinique.localhost) and RELAIS_EMBED_ORIGINS=http://dpi.clinique.localhost:8090 on the
 * gateway. Cross-site: open http://127.0.0.1:8090/ (and list that origin instead). docs/EMBEDDING.md.
 */

const ROOT = resolve(import.meta.dirname, '../examples');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface ExampleHost {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Starts the example pages' server; `relaisUrl` (read at each request) replaces `%RELAIS_URL%` in the pages. */
export function startExampleHost(options: { port: number; host?: string; relaisUrl: string | (() => string) }): Promise<ExampleHost> {
  const relaisUrl = (): string => (typeof options.relaisUrl === 'string' ? options.relaisUrl : options.relaisUrl()).replace(/\/+$/, '');
  const server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0] ?? '/');
    const wanted = path.endsWith('/') ? `${path}index.html` : path;
    const file = normalize(join(ROOT, wanted));
    const type = TYPES[extname(file)];
    if (!file.startsWith(ROOT + '/') || type === undefined || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    readFile(file, 'utf8').then(
      (text) => {
        response.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
        response.end(request.method === 'HEAD' ? undefined : text.replaceAll('%RELAIS_URL%', relaisUrl()));
      },
      () => response.writeHead(404, { 'content-type': 'text/plain' }).end('not found'),
    );
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : options.port;
      resolvePromise({ server, port, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env.EXAMPLE_PORT ?? 8090);
  const relaisUrl = process.env.RELAIS_URL ?? 'http://relais.clinique.localhost:8080';
  const host = await startExampleHost({ port, host: process.env.EXAMPLE_HOST ?? '127.0.0.1', relaisUrl });
  console.info(`example clinic pages on port ${host.port} (Relais at ${relaisUrl}):`);
  console.info(`  same site:  http://dpi.clinique.localhost:${host.port}/  (gateway: RELAIS_EMBED_ORIGINS=http://dpi.clinique.localhost:${host.port})`);
  console.info(`  cross-site: http://127.0.0.1:${host.port}/`);
}
