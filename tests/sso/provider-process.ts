import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** The tests' OIDC provider (tests/sso/provider.ts) as a child process. */
export interface ProviderProcess {
  issuer: string;
  stop(): Promise<void>;
}

/** Starts the provider, registered for the gateway at `gatewayUrl`; resolves once it listens. */
export function startProvider(gatewayUrl: string): Promise<ProviderProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'tests/sso/provider.ts')], {
    cwd: ROOT,
    env: { ...process.env, RELAIS_TEST_REDIRECT: `${gatewayUrl}/api/auth/oidc/callback`, RELAIS_TEST_POST_LOGOUT: `${gatewayUrl}/` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`the OIDC provider did not start: ${errors}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`the OIDC provider exited (${code}): ${errors}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      const ready = /ready (\S+)/.exec(chunk.toString());
      if (!ready) return;
      clearTimeout(timer);
      resolvePromise({
        issuer: ready[1] as string,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** A port free on 127.0.0.1 now: the gateway's, which the provider must know before the gateway starts. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}
