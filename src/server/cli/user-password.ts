import { parseArgs } from 'node:util';
import { changePassword } from '../auth/password-change.ts';
import { findCredentials } from '../store/users.ts';
import { fail, passwordFromUser, refusePasswordArgument, withStore } from './cli-kit.ts';

/*
 * npm run user:password -- --username U
 * Sets a new password (typed at the prompt without echo, or piped on stdin) and ends every session
 * of the account: its sockets close on every gateway.
 * Exit codes: 0 changed, 1 store unreachable, 2 invalid arguments, 4 no such account.
 */

const USAGE = 'usage: npm run user:password -- --username U   (password: prompt or stdin)';

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ options: { username: { type: 'string' }, password: { type: 'string' } }, strict: true }));
  } catch (err) {
    fail(2, `${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  refusePasswordArgument(values.password, USAGE);
  const username = String(values.username ?? '').trim();
  if (username === '') fail(2, USAGE);
  const password = await passwordFromUser();

  await withStore(async (redis) => {
    const found = await findCredentials(redis, username);
    if (found === null) fail(4, `Aucun compte « ${username} » / no account "${username}"`);
    const ended = await changePassword(redis, found.user.id, password);
    console.info(`Mot de passe changé / password changed: ${found.user.username}; sessions fermées / sessions ended: ${ended}`);
  });
}

void main();
