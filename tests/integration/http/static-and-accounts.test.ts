import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { Conversation, Message } from '../../../src/shared/model.ts';
import { DEMO_PASSWORD, seedDemo } from '../../../src/server/demo-seed.ts';
import { ApiClient, connectTestRedis, flushTestDb, runAccountTool, startGateway, type StartedGateway } from '../helpers.ts';

let redis: Redis;
let staticDir: string;
let withStatic: StartedGateway;
let apiOnly: StartedGateway;

beforeAll(async () => {
  await flushTestDb();
  redis = connectTestRedis();
  staticDir = mkdtempSync(join(tmpdir(), 'relais-static-'));
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Relais</title>');
  writeFileSync(join(staticDir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(join(staticDir, 'manifest.webmanifest'), '{}');
  writeFileSync(join(staticDir, 'assets', 'index-abc123.js'), 'console.info(1);');
  withStatic = await startGateway({ staticDir });
  apiOnly = await startGateway({ staticDir: join(staticDir, 'missing') });
});

afterAll(async () => {
  await withStatic?.close();
  await apiOnly?.close();
  redis?.disconnect();
  rmSync(staticDir, { recursive: true, force: true });
});

describe('static hosting of the PWA', () => {
  it('serves sw.js, the manifest and index.html with no-cache, hashed assets as immutable', async () => {
    const get = (path: string) => fetch(withStatic.url + path);
    for (const path of ['/sw.js', '/manifest.webmanifest', '/', '/index.html']) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('cache-control'), path).toBe('no-cache');
    }
    const asset = await get('/assets/index-abc123.js');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-security-policy')).toContain("default-src 'self'");
    // The file viewer frames a PDF's object URL; plugins stay off.
    expect(asset.headers.get('content-security-policy')).toContain("frame-src 'self' blob:");
    expect(asset.headers.get('content-security-policy')).toContain("object-src 'none'");
  });

  it('answers a deep link such as /c/<id> with index.html, and a missing file with a JSON 404', async () => {
    const deep = await fetch(withStatic.url + '/c/0193a1b2-0000-7000-8000-000000000000');
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<title>Relais</title>');
    const missing = await fetch(withStatic.url + '/assets/missing.js');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('still serves the API when the static directory does not exist', async () => {
    expect((await fetch(apiOnly.url + '/healthz')).status).toBe(200);
    expect((await fetch(apiOnly.url + '/c/x')).status).toBe(404);
  });
});

describe('demo accounts', () => {
  it('seeds an empty store once, with a welcome conversation between the two doctors', async () => {
    await flushTestDb();
    const seeded = await seedDemo(redis);
    expect(seeded).toEqual(['dr.martin', 'dr.benali', 'inf.dubois', 'sec.leroy', 'patient.moreau', 'admin']);
    expect(await seedDemo(redis)).toEqual([]);
    const api = new ApiClient(withStatic.url);
    await api.login('dr.benali', DEMO_PASSWORD);
    const list = (await api.get('/api/conversations')).body as { conversations: Conversation[] };
    expect(list.conversations).toHaveLength(1);
    const conversation = list.conversations[0]!;
    expect(conversation.participants.map((p) => p.displayName).sort()).toEqual(['Dr Anne Martin', 'Dr Karim Benali']);
    const history = (await api.get(`/api/conversations/${conversation.id}/messages`)).body as { messages: Message[] };
    expect(history.messages).toHaveLength(1);
    const search = (await api.get('/api/users?q=THERESE')).body as { users: { displayName: string }[] };
    expect(search.users.map((u) => u.displayName)).toEqual(['Thérèse Moreau']);
  });
});

describe('npm run user:add', () => {
  const args = ['--username', 'dr.nouveau', '--name', 'Dr Jean Nouveau', '--role', 'doctor'];

  it('creates an account with the password piped on stdin, and refuses the same username again with exit code 3', async () => {
    const created = await runAccountTool('user-add.ts', args, 'un-mot-de-passe\n');
    expect(created.code).toBe(0);
    expect(created.output).toContain('dr.nouveau');
    expect(created.output).not.toContain('un-mot-de-passe');
    await new ApiClient(withStatic.url).login('dr.nouveau', 'un-mot-de-passe');
    const again = await runAccountTool('user-add.ts', args.map((a) => (a === 'dr.nouveau' ? 'DR.NOUVEAU' : a)), 'un-mot-de-passe\n');
    expect(again.code).toBe(3);
    expect(again.output).toMatch(/existe déjà|already exists/);
  });

  it('makes the first admin (npm run admin:create) and tells them to turn on two-factor sign-in, which the console requires', async () => {
    const created = await runAccountTool('user-add.ts', ['--username', 'admin.premier', '--name', 'Admin', '--role', 'admin'], 'un-mot-de-passe\n');
    expect(created.code).toBe(0);
    expect(created.output).toContain('validation en deux étapes');
    expect(created.output).toContain('two-factor sign-in');
  });

  it('refuses a password in argv with exit code 2, and creates nothing', async () => {
    const refused = await runAccountTool('user-add.ts', ['--username', 'dr.argv', '--password', 'visible-dans-ps', '--name', 'X', '--role', 'doctor'], 'visible-dans-ps\n');
    expect(refused.code).toBe(2);
    expect(refused.output).toMatch(/--password/);
    expect(await redis.hget('relais:usernames', 'dr.argv')).toBeNull();
  });

  it('refuses an unknown role or a short password with exit code 2', async () => {
    expect((await runAccountTool('user-add.ts', ['--username', 'x.y', '--name', 'X', '--role', 'surgeon'], 'long-enough\n')).code).toBe(2);
    expect((await runAccountTool('user-add.ts', ['--username', 'x.y', '--name', 'X', '--role', 'nurse'], 'short\n')).code).toBe(2);
    expect((await runAccountTool('user-add.ts', ['--username', 'x.y', '--name', 'X', '--role', 'nurse'])).code).toBe(2);
  });
});
