import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aptGetSteps, decide, type MachineFacts } from '../../../scripts/prerequisites.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

/** A Debian machine with everything the tests and the gateway need, run as root; each test changes what it is about. */
function machine(changes: Partial<MachineFacts> = {}): MachineFacts {
  return {
    redisServer: true,
    chromium: { path: '/usr/bin/chromium', fromEnv: false, found: true },
    redisGiven: false,
    root: true,
    aptGet: true,
    ...changes,
  };
}

const noChromium = { chromium: { path: '/usr/bin/chromium', fromEnv: false, found: false } };

describe('decide()', () => {
  it('does nothing when redis-server and Chromium are both there', () => {
    expect(decide('test', machine())).toEqual({ action: 'nothing' });
    expect(decide('start', machine())).toEqual({ action: 'nothing' });
  });

  it('installs what the tests lack with apt-get when root and apt-get is there, saying so on one line', () => {
    expect(decide('test', machine({ ...noChromium, redisServer: false }))).toEqual({
      action: 'install',
      packages: ['redis-server', 'chromium'],
      line: 'Relais: redis-server and Chromium are missing for the tests — installing: apt-get update && apt-get install -y redis-server chromium',
    });
    expect(decide('test', machine(noChromium))).toMatchObject({ action: 'install', packages: ['chromium'] });
  });

  it('stops with the exact sudo apt-get command when not root, and names CHROMIUM_PATH for a browser elsewhere', () => {
    expect(decide('test', machine({ ...noChromium, root: false }))).toEqual({
      action: 'stop',
      line: 'Relais: Chromium is missing for the browser tests — run: sudo apt-get install -y chromium (or set CHROMIUM_PATH to a Chromium elsewhere)',
    });
    expect(decide('test', machine({ redisServer: false, root: false }))).toEqual({
      action: 'stop',
      line: 'Relais: redis-server is missing for the tests — run: sudo apt-get install -y redis-server',
    });
  });

  it('stops naming the Debian packages when the machine has no apt-get, even as root', () => {
    expect(decide('test', machine({ ...noChromium, redisServer: false, aptGet: false }))).toEqual({
      action: 'stop',
      line:
        'Relais: redis-server and Chromium are missing for the tests — this machine has no apt-get: ' +
        'install the packages redis-server chromium with its package manager (or set CHROMIUM_PATH to a Chromium elsewhere)',
    });
  });

  it('stops without installing when CHROMIUM_PATH names no executable, as apt-get would not fix it', () => {
    const chromium = { path: '/opt/nowhere/chrome', fromEnv: true, found: false };
    expect(decide('test', machine({ chromium }))).toEqual({
      action: 'stop',
      line: 'Relais: CHROMIUM_PATH=/opt/nowhere/chrome is not an executable file — point it at a Chromium, or unset it to use /usr/bin/chromium',
    });
  });

  it('lets `start` go without Chromium', () => {
    expect(decide('start', machine(noChromium))).toEqual({ action: 'nothing' });
  });

  it('lets `start` go without redis-server when the gateway is given a Redis (REDIS_URL, cluster, or one answering)', () => {
    expect(decide('start', machine({ redisServer: false, redisGiven: true }))).toEqual({ action: 'nothing' });
  });

  it('asks for redis-server for `start` when the gateway would have to spawn its own', () => {
    expect(decide('start', machine({ redisServer: false }))).toMatchObject({ action: 'install', packages: ['redis-server'] });
    expect(decide('start', machine({ redisServer: false, root: false }))).toEqual({
      action: 'stop',
      line:
        'Relais: redis-server is missing to start the gateway (no REDIS_URL or REDIS_CLUSTER_NODES, and no Redis answers on 127.0.0.1:6379) ' +
        '— run: sudo apt-get install -y redis-server',
    });
  });

  it('still asks for redis-server for the tests when a Redis answers (the tests spawn their own too)', () => {
    expect(decide('test', machine({ redisServer: false, redisGiven: true }))).toMatchObject({ action: 'install', packages: ['redis-server'] });
  });
});

describe('aptGetSteps()', () => {
  it('updates the package lists, then installs without asking anything', () => {
    expect(aptGetSteps(['redis-server', 'chromium'])).toEqual([
      { args: ['update'], env: { DEBIAN_FRONTEND: 'noninteractive' } },
      { args: ['install', '-y', 'redis-server', 'chromium'], env: { DEBIAN_FRONTEND: 'noninteractive' } },
    ]);
  });
});

// Each test starts node with tsx: well under a second alone, several on a loaded two-core machine.
describe('scripts/prerequisites.ts as a process', { timeout: 30_000 }, () => {
  // PATH is a folder of our own, so what is "installed" is up to the test, and no apt-get can run.
  const bin = mkdtempSync(join(tmpdir(), 'relais-prereq-bin-'));
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  function run(purpose: string, env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
    const script = join(ROOT, 'scripts/prerequisites.ts');
    const child = spawnSync(process.execPath, ['--import', 'tsx', script, '--for', purpose], { cwd: ROOT, env: { PATH: bin, ...env }, encoding: 'utf8' });
    return { status: child.status, stdout: child.stdout, stderr: child.stderr };
  }

  it('stops with exit code 1 and one line when redis-server is missing and there is no apt-get', () => {
    const result = run('test', { CHROMIUM_PATH: process.execPath });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'Relais: redis-server is missing for the tests — this machine has no apt-get: install the package redis-server with its package manager\n',
    );
  });

  it('exits 0 silently once the tests find redis-server on PATH and the Chromium of CHROMIUM_PATH', () => {
    const redisServer = join(bin, 'redis-server');
    writeFileSync(redisServer, '#!/bin/sh\nexit 0\n');
    chmodSync(redisServer, 0o755);
    const result = run('test', { CHROMIUM_PATH: process.execPath });
    rmSync(redisServer);
    expect(result).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('lets `npm start` go with REDIS_URL set and neither redis-server nor Chromium', () => {
    expect(run('start', { REDIS_URL: 'redis://127.0.0.1:6390', CHROMIUM_PATH: '/nonexistent' })).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('refuses an unknown purpose with a usage line', () => {
    const result = run('deploy', {});
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--for test|start');
  });
});
