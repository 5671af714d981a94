import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { WebSocket } from 'ws';
import type { Role, User } from '../../src/shared/model.ts';
import type { ServerFrame } from '../../src/shared/realtime.ts';
import { loadConfig, type GatewayConfig } from '../../src/server/config.ts';
import { createGateway, type Gateway } from '../../src/server/gateway.ts';
import { hashPassword, type ScryptParams } from '../../src/server/auth/password.ts';
import { SESSION_COOKIE } from '../../src/server/auth/sessions.ts';
import { createUser } from '../../src/server/store/users.ts';

/**
 * Shared helpers for integration, e2e and chaos tests: start a gateway in-process or as a process,
 * create users, sign in, talk HTTP and WebSocket. No test-runner globals here, on purpose.
 */

export const ROOT = resolve(import.meta.dirname, '../..');
/** The Redis DB index integration tests own (flushed by them). */
export const INTEGRATION_DB = 5;
export const TEST_PASSWORD = 'correct-horse-battery';
/**
 * The tests' scrypt cost, ~100× cheaper than production's: they create and sign in hundreds of
 * accounts. Only code can choose it (GatewayConfig.passwordParams), never the environment; the
 * tests of hashing itself use production's.
 */
export const TEST_PASSWORD_PARAMS: ScryptParams = { N: 1024, r: 8, p: 1 };
let testPasswordHash: Promise<string> | undefined;

/** The test Redis: the private one tests/test-redis.ts started for this run (6379 outside vitest). */
export function redisUrl(db: number = INTEGRATION_DB): string {
  return `redis://127.0.0.1:${process.env.RELAIS_TEST_REDIS_PORT ?? 6379}/${db}`;
}

/** A plain connection to the test DB, for setup and for looking behind the gateway's back. */
export function connectTestRedis(db: number = INTEGRATION_DB): Redis {
  return new Redis(redisUrl(db), { maxRetriesPerRequest: 1 });
}

/** Empties the test DB. */
export async function flushTestDb(db: number = INTEGRATION_DB): Promise<void> {
  const redis = connectTestRedis(db);
  try {
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}

export interface StartedGateway {
  gateway: Gateway;
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts a gateway in this process on 127.0.0.1 and a random port (demo seed off unless asked).
 * `beforeListen` may add Fastify hooks, which Fastify refuses once the server listens.
 */
export async function startGateway(
  overrides: Partial<GatewayConfig> & { db?: number } = {},
  options: { beforeListen?: (gateway: Gateway) => void } = {},
): Promise<StartedGateway> {
  const { db, ...rest } = overrides;
  const config: GatewayConfig = {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    redisUrl: redisUrl(db ?? INTEGRATION_DB),
    demo: false,
    logLevel: 'silent',
    passwordParams: TEST_PASSWORD_PARAMS,
    staticDir: resolve(ROOT, 'dist'),
    // Admins act without enrolling a second factor, but in the files that test that rule.
    adminTwoFactor: 'off',
    ...rest,
  };
  const gateway = await createGateway(config);
  options.beforeListen?.(gateway);
  const { port, url } = await gateway.listen();
  return { gateway, port, url, close: () => gateway.close() };
}

/**
 * Creates an account directly in the store (unique username unless given), its password hashed at
 * `params` (the tests' cheap cost unless given; TEST_PASSWORD's hash is made once for all).
 */
export async function addUser(
  redis: Redis,
  options: { username?: string; displayName?: string; role?: Role; password?: string; params?: ScryptParams } = {},
): Promise<User & { password: string }> {
  const username = options.username ?? `user.${randomBytes(4).toString('hex')}`;
  const password = options.password ?? TEST_PASSWORD;
  const params = options.params ?? TEST_PASSWORD_PARAMS;
  const shared = password === TEST_PASSWORD && params === TEST_PASSWORD_PARAMS;
  const passwordHash = shared ? await (testPasswordHash ??= hashPassword(TEST_PASSWORD, TEST_PASSWORD_PARAMS)) : await hashPassword(password, params);
  const created = await createUser(redis, {
    username,
    passwordHash,
    displayName: options.displayName ?? `Test ${username}`,
    role: options.role ?? 'doctor',
  });
  if (!created.ok) throw new Error(`user ${username} exists`);
  return { ...created.user, password };
}

/** A small HTTP client for one gateway that sends the right Origin and keeps the session cookie. */
export class ApiClient {
  cookie = '';
  constructor(readonly baseUrl: string) {}

  /** JSON request; answers status, parsed body (or null) and headers. */
  async request(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; origin?: string | null; contentType?: string; headers?: Record<string, string>; redirect?: RequestRedirect } = {},
  ): Promise<{ status: number; body: unknown; headers: Headers }> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookie) headers.cookie = this.cookie;
    const origin = options.origin === undefined ? this.baseUrl : options.origin;
    if (origin !== null) headers.origin = origin;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const response = await fetch(this.baseUrl + path, { method, headers, body, ...(options.redirect ? { redirect: options.redirect } : {}) });
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    if (setCookie) this.cookie = setCookie.split(';')[0] ?? '';
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  async login(username: string, password: string = TEST_PASSWORD): Promise<User> {
    const reply = await this.request('POST', '/api/auth/login', { body: { username, password } });
    if (reply.status !== 200) throw new Error(`login failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    return (reply.body as { user: User }).user;
  }

  /** POSTs mutations and answers the results array. */
  async push(mutations: unknown[]): Promise<{ id: string; ok: boolean; result?: unknown; error?: { code: string } }[]> {
    const reply = await this.request('POST', '/api/sync/push', { body: { deviceId: 'test-device', mutations } });
    if (reply.status !== 200) throw new Error(`push failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    return (reply.body as { results: never[] }).results;
  }

  get(path: string) {
    return this.request('GET', path);
  }
}

/**
 * One HTTP request with headers fetch() will not send as given (`Host`): answers status, headers and
 * the parsed JSON body (or null).
 */
export function rawRequest(
  baseUrl: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: unknown }> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers = { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers };
  return new Promise((done, fail) => {
    const outgoing = httpRequest(baseUrl + path, { method: options.method ?? 'GET', headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        let body: unknown = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          body = text;
        }
        done({ status: response.statusCode ?? 0, headers: response.headers, body });
      });
    });
    outgoing.on('error', fail);
    outgoing.end(payload);
  });
}

/** A signed-in client for a new user on this gateway. */
export async function signedInClient(redis: Redis, baseUrl: string, role: Role = 'doctor'): Promise<{ api: ApiClient; user: User }> {
  const account = await addUser(redis, { role });
  const api = new ApiClient(baseUrl);
  const user = await api.login(account.username, account.password);
  return { api, user };
}

/** A WebSocket client that records server frames and waits for the next matching one. */
export class LiveClient {
  readonly frames: ServerFrame[] = [];
  readonly #waiters: { match: (f: ServerFrame) => boolean; done: (f: ServerFrame) => void }[] = [];
  #closeCode: number | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.once('close', (code) => (this.#closeCode = code));
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      this.frames.push(frame);
      for (const waiter of [...this.#waiters]) {
        if (waiter.match(frame)) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.done(frame);
        }
      }
    });
  }

  /** Opens `/api/realtime` with the client's cookie; resolves after the `hello` frame. */
  static async open(baseUrl: string, cookie: string, origin: string = baseUrl): Promise<LiveClient> {
    const socket = new WebSocket(baseUrl.replace(/^http/, 'ws') + '/api/realtime', { headers: { cookie, origin } });
    const client = new LiveClient(socket);
    await client.next((f) => f.type === 'hello');
    return client;
  }

  /** The first frame (already received or coming) that matches, within the timeout. */
  next(match: (f: ServerFrame) => boolean, timeoutMs = 5_000): Promise<ServerFrame> {
    const seen = this.frames.find(match);
    if (seen) {
      this.frames.splice(this.frames.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error('no matching frame in time'));
      }, timeoutMs);
      const waiter = {
        match,
        done: (f: ServerFrame) => {
          clearTimeout(timer);
          this.frames.splice(this.frames.indexOf(f), 1);
          resolvePromise(f);
        },
      };
      this.#waiters.push(waiter);
    });
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Resolves with the close code once the socket is closed (at once if it is); rejects after the timeout. */
  closedByServer(timeoutMs = 5_000): Promise<number> {
    if (this.#closeCode !== undefined) return Promise.resolve(this.#closeCode);
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`still open after ${timeoutMs} ms`)), timeoutMs);
      this.socket.once('close', (code) => {
        clearTimeout(timer);
        resolvePromise(code);
      });
    });
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.socket.terminate();
  }
}

/** Tries a WebSocket upgrade and answers the HTTP status of the refusal (101 when accepted). */
export function upgradeStatus(baseUrl: string, headers: Record<string, string>): Promise<number> {
  return new Promise((done, fail) => {
    const socket = new WebSocket(baseUrl.replace(/^http/, 'ws') + '/api/realtime', { headers });
    socket.on('unexpected-response', (_req, res) => {
      done(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      done(101);
      socket.terminate();
    });
    socket.on('error', (err) => fail(err));
  });
}

/**
 * Runs one of the account tools (`src/server/cli/<script>`) on the test store, `stdin` piped to it
 * (as `printf '%s\n' "$PASSWORD" | npm run user:add …`), on the test file's DB; answers its exit code and output.
 */
export function runAccountTool(script: string, args: string[], stdin = '', db: number = INTEGRATION_DB): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'), `src/server/cli/${script}`, ...args], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL: redisUrl(db) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.stdin.on('error', () => undefined); // a tool that exits before reading
    child.stdin.end(stdin);
    child.once('exit', (code) => done({ code, output }));
  });
}

export interface SpawnedGateway {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** Spawns `tsx src/server/main.ts` with PORT=0 and answers once it prints where it listens. */
export function spawnGateway(env: Record<string, string> = {}): Promise<SpawnedGateway> {
  // `--import tsx` runs the server in this very process: the tsx CLI would run it in a grandchild,
  // which a SIGKILL of the child (the chaos test's gateway crash) leaves running as an orphan.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      REDIS_URL: redisUrl(),
      RELAIS_DEMO: '0',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return new Promise((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`gateway did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        done({
          child,
          url: m[1] as string,
          async stop() {
            if (child.exitCode === null) child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`gateway exited with ${code}: ${out}`));
    });
  });
}

/**
 * Every string stored in the DB (keys and values of every type) but the audit trail, to look for what
 * must be gone: the access log keeps ids of who touched what (never content) for its own retention.
 */
export async function everythingStored(redis: Redis): Promise<string> {
  const parts: string[] = [];
  for (const key of (await redis.keys('*')).filter((k) => !k.startsWith('relais:{audit}:'))) {
    parts.push(key);
    const type = await redis.type(key);
    if (type === 'string') parts.push((await redis.get(key)) ?? '');
    else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
    else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
    else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, '0', '-1', 'WITHSCORES')));
    else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
    else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
  }
  return parts.join('\n');
}
