import { parseArgs } from 'node:util';
import { LIMITS } from '../../shared/limits.ts';
import { Role } from '../../shared/model.ts';
import { loadConfig } from '../config.ts';
import { connectRedis } from '../redis/redis-connection.ts';
import { resolveRedis } from '../redis/resolve-redis.ts';
import { createUser } from '../store/users.ts';

/*
 * npm run user:add -- --username U --password P --name "Dr Anne Martin" --role doctor
 * Exit codes: 0 created, 1 store unreachable, 2 invalid arguments, 3 username taken.
 */

const USAGE =
  'usage: npm run user:add -- --username U --password P --name "Dr Anne Martin" --role doctor|nurse|secretary|patient|admin';

function fail(code: number, message: string): never {
  console.error(message);
  process.exit(code);
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        username: { type: 'string' },
        password: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    fail(2, `${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  const username = String(values.username ?? '').trim();
  const password = String(values.password ?? '');
  const name = String(values.name ?? '').trim();
  const role = Role.safeParse(values.role);
  if (!/^[A-Za-z0-9._-]{2,64}$/.test(username) || username.length > LIMITS.USERNAME_MAX) {
    fail(2, `Identifiant invalide / invalid username (2-64 characters: letters, digits, . _ -)\n${USAGE}`);
  }
  if (password.length < LIMITS.PASSWORD_MIN || password.length > LIMITS.PASSWORD_MAX) {
    fail(2, `Mot de passe trop court / password must have ${LIMITS.PASSWORD_MIN} to ${LIMITS.PASSWORD_MAX} characters`);
  }
  if (name.length < 1 || name.length > LIMITS.DISPLAY_NAME_MAX) {
    fail(2, `Nom invalide / --name must have 1 to ${LIMITS.DISPLAY_NAME_MAX} characters\n${USAGE}`);
  }
  if (!role.success) fail(2, `Rôle invalide / invalid --role\n${USAGE}`);

  const config = loadConfig();
  let resolved;
  try {
    resolved = await resolveRedis(config, process.cwd());
  } catch (err) {
    fail(1, `Redis injoignable / Redis unreachable: ${err instanceof Error ? err.message : String(err)}`);
  }
  const redis = connectRedis(resolved.target, { maxRetriesPerRequest: 1 });
  try {
    const created = await createUser(redis, { username, password, displayName: name, role: role.data });
    if (!created.ok) fail(3, `L'identifiant « ${username} » existe déjà / username "${username}" already exists`);
    console.info(`Compte créé / account created: ${created.user.username} (${created.user.role}) id=${created.user.id}`);
  } catch (err) {
    fail(1, `Redis injoignable / Redis unreachable: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    redis.disconnect();
    await resolved.managed?.stop();
  }
}

void main();
