import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';

/**
 * The security headers of @fastify/helmet, computed once. The plugin rebuilds helmet's middleware
 * (parsing the CSP directives again) on every request, which was ~4 % of the gateway's CPU under
 * `npm run bench`; with static options its output never changes. So the plugin answers one request
 * on a throwaway instance at startup, and its headers (those a bare instance does not send) are
 * set on every response here, exactly as the plugin would.
 */
export async function registerSecurityHeaders(app: FastifyInstance, options: FastifyHelmetOptions): Promise<void> {
  const probe = async (withHelmet: boolean): Promise<Record<string, string>> => {
    const instance = Fastify();
    try {
      if (withHelmet) await instance.register(fastifyHelmet, options);
      instance.get('/', async () => '');
      const answer = await instance.inject({ method: 'GET', url: '/' });
      return Object.fromEntries(Object.entries(answer.headers).map(([name, value]) => [name, String(value)]));
    } finally {
      await instance.close();
    }
  };
  const [bare, helmeted] = await Promise.all([probe(false), probe(true)]);
  const headers = Object.entries(helmeted).filter(([name]) => !(name in bare));
  if (headers.length === 0) throw new Error('security headers: helmet produced none');
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    done();
  });
}
