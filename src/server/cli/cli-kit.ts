import { LIMITS } from '../../shared/limits.ts';
import { loadConfig } from '../config.ts';
import { connectRedis, type RedisClient } from '../redis/redis-connection.ts';
import { resolveRedis } from '../redis/resolve-redis.ts';
import { readPassword } from './password-input.ts';

/*
 * What the account tools share. Exit codes: 0 done, 1 store unreachable, 2 invalid arguments,
 * 3 username taken, 4 no such account, 5 identifier (single sign-on) linked to another account.
 */

/** Prints the message and exits with the code. */
export function fail(code: number, message: string): never {
  console.error(message);
  process.exit(code);
}

/** Refuses a password given in argv, which `ps` shows to every user of the machine and shells keep. */
export function refusePasswordArgument(given: unknown, usage: string): void {
  if (given === undefined) return;
  fail(2, `--password n'est plus accepté : saisissez-le à l'invite ou sur l'entrée standard / --password is refused (argv is visible to others): type it at the prompt or pipe it on stdin\n${usage}`);
}

/** The password typed at the prompt (no echo, twice) or the first line of stdin, checked for length. */
export async function passwordFromUser(): Promise<string> {
  const password = await readPassword({ input: process.stdin, output: process.stderr });
  if (password === null) fail(2, 'Abandonné / abandoned');
  if (password.length < LIMITS.PASSWORD_MIN || password.length > LIMITS.PASSWORD_MAX) {
    fail(2, `Mot de passe trop court ou trop long / the password must have ${LIMITS.PASSWORD_MIN} to ${LIMITS.PASSWORD_MAX} characters`);
  }
  return password;
}

/** Runs `work` on the store the configuration names (starting the managed Redis when that is the one), then lets it go. */
export async function withStore(work: (redis: RedisClient) => Promise<void>): Promise<void> {
  let resolved;
  try {
    resolved = await resolveRedis(loadConfig(), process.cwd());
  } catch (err) {
    fail(1, `Redis injoignable / Redis unreachable: ${err instanceof Error ? err.message : String(err)}`);
  }
  const redis = connectRedis(resolved.target, { maxRetriesPerRequest: 1 });
  try {
    await work(redis);
  } catch (err) {
    fail(1, `Redis injoignable / Redis unreachable: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    redis.disconnect();
    await resolved.managed?.stop();
  }
}
