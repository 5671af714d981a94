import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The front door's prerequisite step, run first by `npm test` and `npm start`:
 *
 *   node --import tsx scripts/prerequisites.ts --for test|start
 *
 * It looks for the Debian packages the command needs (redis-server; Chromium for the browser tests),
 * installs the missing ones with apt-get when it runs as root, and otherwise stops at once with the
 * one command to run, instead of letting every browser test file fail on its own.
 *
 *   facts ──decide()──▶ nothing          → exit 0, silent
 *                     ├▶ install [pkgs]   → one line, apt-get update + install, facts again:
 *                     │                     all there → exit 0; else one line, exit 1
 *                     └▶ stop             → one line naming the command, exit 1
 */

/** What the step prepares for: `npm test` or `npm start`. */
export type Purpose = 'test' | 'start';

/** The Debian packages the step may ask for. */
export type DebianPackage = 'redis-server' | 'chromium';

/** What the step found on this machine. */
export interface MachineFacts {
  /** `redis-server` is on PATH. */
  redisServer: boolean;
  /** The browser the e2e tests launch (tests/e2e/browser.ts): CHROMIUM_PATH when set, else /usr/bin/chromium. */
  chromium: { path: string; fromEnv: boolean; found: boolean };
  /**
   * The gateway has a Redis without starting its own redis-server: REDIS_URL or REDIS_CLUSTER_NODES
   * is set, or a Redis answers PING on 127.0.0.1:6379. Only `start` reads it (the tests always need redis-server).
   */
  redisGiven: boolean;
  /** Running as root, so apt-get may install. */
  root: boolean;
  /** `apt-get` is on PATH. */
  aptGet: boolean;
}

/** What to do about the facts: nothing, install packages with apt-get, or stop with one line. */
export type Decision =
  | { action: 'nothing' }
  | { action: 'install'; packages: DebianPackage[]; line: string }
  | { action: 'stop'; line: string };

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
const DISPLAY_NAMES: Record<DebianPackage, string> = { 'redis-server': 'redis-server', chromium: 'Chromium' };
const CHROMIUM_ELSEWHERE = ' (or set CHROMIUM_PATH to a Chromium elsewhere)';

/** The packages `purpose` needs that the machine lacks. */
export function missingPackages(purpose: Purpose, facts: MachineFacts): DebianPackage[] {
  const missing: DebianPackage[] = [];
  const needsRedisServer = purpose === 'test' || !facts.redisGiven;
  if (needsRedisServer && !facts.redisServer) missing.push('redis-server');
  if (purpose === 'test' && !facts.chromium.found) missing.push('chromium');
  return missing;
}

/** Decides, from the facts alone, whether to do nothing, install with apt-get, or stop with the command to run. */
export function decide(purpose: Purpose, facts: MachineFacts): Decision {
  const { chromium } = facts;
  if (purpose === 'test' && chromium.fromEnv && !chromium.found) {
    // apt-get would install /usr/bin/chromium, which the tests do not launch while CHROMIUM_PATH is set.
    return {
      action: 'stop',
      line: `Relais: CHROMIUM_PATH=${chromium.path} is not an executable file — point it at a Chromium, or unset it to use ${DEFAULT_CHROMIUM_PATH}`,
    };
  }
  const missing = missingPackages(purpose, facts);
  if (missing.length === 0) return { action: 'nothing' };
  const what = `Relais: ${missingSentence(purpose, missing)}`;
  const packages = missing.join(' ');
  const elsewhere = missing.includes('chromium') ? CHROMIUM_ELSEWHERE : '';
  if (!facts.aptGet) {
    const noun = missing.length > 1 ? 'packages' : 'package';
    return { action: 'stop', line: `${what} — this machine has no apt-get: install the ${noun} ${packages} with its package manager${elsewhere}` };
  }
  if (!facts.root) return { action: 'stop', line: `${what} — run: sudo apt-get install -y ${packages}${elsewhere}` };
  return { action: 'install', packages: missing, line: `${what} — installing: apt-get update && apt-get install -y ${packages}` };
}

function missingSentence(purpose: Purpose, missing: DebianPackage[]): string {
  const names = missing.map((name) => DISPLAY_NAMES[name]).join(' and ');
  const verb = missing.length > 1 ? 'are' : 'is';
  if (purpose === 'start') {
    return `${names} ${verb} missing to start the gateway (no REDIS_URL or REDIS_CLUSTER_NODES, and no Redis answers on 127.0.0.1:6379)`;
  }
  return `${names} ${verb} missing ${missing.length === 1 && missing[0] === 'chromium' ? 'for the browser tests' : 'for the tests'}`;
}

/** The apt-get runs that install `packages`: fresh package lists first, then the install, asking nothing. */
export function aptGetSteps(packages: DebianPackage[]): { args: string[]; env: { DEBIAN_FRONTEND: 'noninteractive' } }[] {
  const env = { DEBIAN_FRONTEND: 'noninteractive' } as const;
  return [
    { args: ['update'], env },
    { args: ['install', '-y', ...packages], env },
  ];
}

/** Looks at this machine: binaries on PATH, the Chromium the tests launch, root, and (for `start`) a Redis to use. */
export async function readMachine(purpose: Purpose, env: NodeJS.ProcessEnv): Promise<MachineFacts> {
  const chromiumPath = env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH;
  const redisServer = onPath('redis-server', env.PATH);
  const redisConfigured = Boolean(env.REDIS_URL || env.REDIS_CLUSTER_NODES);
  // Only `start` can do without redis-server, and only a missing one makes the probe worth its wait.
  const probeRedis = purpose === 'start' && !redisServer && !redisConfigured;
  return {
    redisServer,
    chromium: { path: chromiumPath, fromEnv: env.CHROMIUM_PATH !== undefined, found: isExecutableFile(chromiumPath) },
    redisGiven: redisConfigured || (probeRedis && (await redisAnswers('127.0.0.1', 6379))),
    root: process.getuid?.() === 0,
    aptGet: onPath('apt-get', env.PATH),
  };
}

function onPath(command: string, pathVariable: string | undefined): boolean {
  const directories = (pathVariable ?? '').split(delimiter).filter((directory) => directory !== '');
  return directories.some((directory) => isExecutableFile(join(directory, command)));
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function redisAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host, port });
    const finish = (answered: boolean): void => {
      socket.destroy();
      done(answered);
    };
    socket.setTimeout(500, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => finish(data.toString().startsWith('+PONG')));
  });
}

/** Runs the step for the `--for` in `argv` and answers the exit code. */
export async function runPrerequisites(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const purpose = argv[argv.indexOf('--for') + 1];
  if (purpose !== 'test' && purpose !== 'start') {
    console.error('usage: node --import tsx scripts/prerequisites.ts --for test|start');
    return 2;
  }
  const decision = decide(purpose, await readMachine(purpose, env));
  if (decision.action === 'nothing') return 0;
  if (decision.action === 'stop') {
    console.error(decision.line);
    return 1;
  }
  console.info(decision.line);
  const packages = decision.packages.join(' ');
  for (const step of aptGetSteps(decision.packages)) {
    const run = spawnSync('apt-get', step.args, { stdio: 'inherit', env: { ...env, ...step.env } });
    if (run.status !== 0) {
      console.error(`Relais: apt-get ${step.args.join(' ')} failed (exit ${run.status ?? run.signal}) — see its output above`);
      return 1;
    }
  }
  const stillMissing = missingPackages(purpose, await readMachine(purpose, env));
  if (stillMissing.length > 0) {
    console.error(`Relais: ${stillMissing.join(' ')} still missing after apt-get install -y ${packages} — see its output above`);
    return 1;
  }
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runPrerequisites(process.argv.slice(2), process.env);
}
