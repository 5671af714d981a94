import { parseArgs } from 'node:util';
import { LIMITS } from '../../shared/limits.ts';
import { NationalId, Role } from '../../shared/model.ts';
import { accountOfIns, setIns } from '../store/patient-ins.ts';
import { createUser } from '../store/users.ts';
import { fail, passwordFromUser, refusePasswordArgument, withStore } from './cli-kit.ts';

/*
 * npm run user:add -- --username U --name "Dr Anne Martin" --role doctor
 * npm run user:add -- --username jean.dupont --name "Jean Dupont" --role patient --ins 184067512345678
 * The password is typed at the prompt (no echo, twice), or piped on stdin (its first line).
 * Exit codes: 0 created, 1 store unreachable, 2 invalid arguments, 3 username taken, 4 INS on another account.
 */

const USAGE =
  'usage: npm run user:add -- --username U --name "Dr Anne Martin" --role doctor|nurse|secretary|patient|admin [--ins INS (patient)]   (password: prompt or stdin)';

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        username: { type: 'string' },
        // Accepted only to be refused with a reason (see refusePasswordArgument).
        password: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        ins: { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    fail(2, `${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  refusePasswordArgument(values.password, USAGE);
  const username = String(values.username ?? '').trim();
  const name = String(values.name ?? '').trim();
  const role = Role.safeParse(values.role);
  if (!/^[A-Za-z0-9._-]{2,64}$/.test(username) || username.length > LIMITS.USERNAME_MAX) {
    fail(2, `Identifiant invalide / invalid username (2-64 characters: letters, digits, . _ -)\n${USAGE}`);
  }
  if (name.length < 1 || name.length > LIMITS.DISPLAY_NAME_MAX) {
    fail(2, `Nom invalide / --name must have 1 to ${LIMITS.DISPLAY_NAME_MAX} characters\n${USAGE}`);
  }
  if (!role.success) fail(2, `Rôle invalide / invalid --role\n${USAGE}`);
  const ins = values.ins === undefined ? null : String(values.ins).trim();
  if (ins !== null && (role.data !== 'patient' || !NationalId.safeParse(ins).success)) {
    fail(2, `INS invalide / --ins is a patient's national health identifier (1 to 32 characters)\n${USAGE}`);
  }
  const password = await passwordFromUser();

  await withStore(async (redis) => {
    const insTaken = () => fail(4, `L'INS ${ins} est déjà celui d'un autre compte / INS ${ins} is already another account's`);
    if (ins !== null && (await accountOfIns(redis, ins)) !== null) insTaken();
    const created = await createUser(redis, { username, password, displayName: name, role: role.data });
    if (!created.ok) fail(3, `L'identifiant « ${username} » existe déjà / username "${username}" already exists`);
    // Another account took the INS meanwhile: this one is created without it.
    if (ins !== null && !(await setIns(redis, created.user.id, ins)).ok) insTaken();
    console.info(`Compte créé / account created: ${created.user.username} (${created.user.role}) id=${created.user.id}`);
    if (created.user.role === 'admin') {
      console.info(
        "Connectez-vous, puis activez la validation en deux étapes dans Réglages : la console d'administration l'exige. / " +
          'Sign in, then turn on two-factor sign-in in Settings: the admin console requires it.',
      );
    }
  });
}

void main();
