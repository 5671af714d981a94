import type { RedisClient as Redis } from './redis/redis-connection.ts';
import { newId } from '../shared/ids.ts';
import type { Role } from '../shared/model.ts';
import { appendMessage, createConversation } from './store/conversations.ts';
import { hashPassword, PASSWORD_PARAMS, verifyPassword, type ScryptParams } from './auth/password.ts';
import { KEYS } from './store/keys.ts';
import { assignStaff } from './store/care-team.ts';
import { setIns } from './store/patient-ins.ts';
import { saveFunction, saveLadder, savePattern } from './store/functions.ts';
import { countUsers, createUser, findCredentials } from './store/users.ts';

/** The shared password of the demo accounts (printed at start, demo stores only). */
export const DEMO_PASSWORD = 'relais-demo';

export const DEMO_ACCOUNTS: readonly { username: string; displayName: string; role: Role; service?: string; jobTitle?: string }[] = [
  { username: 'dr.martin', displayName: 'Dr Anne Martin', role: 'doctor', service: 'Cardiologie', jobTitle: 'Cardiologue' },
  { username: 'dr.benali', displayName: 'Dr Karim Benali', role: 'doctor', service: 'Médecine interne', jobTitle: 'Praticien hospitalier' },
  { username: 'inf.dubois', displayName: 'Claire Dubois', role: 'nurse', service: 'Cardiologie', jobTitle: 'Infirmière de coordination' },
  { username: 'sec.leroy', displayName: 'Sophie Leroy', role: 'secretary', service: 'Accueil des consultations', jobTitle: 'Secrétaire médicale' },
  { username: 'patient.moreau', displayName: 'Thérèse Moreau', role: 'patient' },
  { username: 'admin', displayName: 'Administrateur', role: 'admin' },
];

/** Thérèse Moreau's INS (a made-up one): the example patient record asks Relais about it. */
export const DEMO_PATIENT_INS = '255087512345617';

/**
 * Fills an empty store with the demo accounts, a direct conversation between the two doctors, one
 * between Dr Martin and the patient, the patient's care team (Dr Martin, Claire Dubois) and INS, and
 * two function roles with their weekly rotas and the duty's escalation ladder (`seedOncall`).
 * Returns the usernames created (empty when the store already had users). Safe with several gateways
 * starting at once: one claim key decides who seeds. The accounts share one hash of their public
 * password, made at `params`, once.
 */
export async function seedDemo(redis: Redis, params: ScryptParams = PASSWORD_PARAMS): Promise<string[]> {
  if ((await countUsers(redis)) > 0) return [];
  if ((await redis.set(KEYS.demoSeed, String(Date.now()), 'NX')) !== 'OK') return [];
  const ids = new Map<string, string>();
  const passwordHash = await hashPassword(DEMO_PASSWORD, params);
  for (const account of DEMO_ACCOUNTS) {
    const created = await createUser(redis, { ...account, passwordHash });
    if (created.ok) ids.set(account.username, created.user.id);
  }
  const martin = ids.get('dr.martin');
  const greet = async (otherUsername: string, body: string): Promise<void> => {
    const other = ids.get(otherUsername);
    if (!martin || !other) return;
    const conversationId = newId();
    const created = await createConversation(redis, martin, newId(), { conversationId, participantIds: [other] });
    if (!created.ok) return;
    const messageId = newId();
    await appendMessage(redis, martin, messageId, { conversationId: created.result.conversation.id, messageId, body });
  };
  await greet('dr.benali', 'Bienvenue sur Relais ! Cette conversation de démonstration est privée entre nous deux.');
  // The patient's care team: Dr Martin wrote first (a patient reaches only the staff in their conversations).
  await greet('patient.moreau', 'Bonjour Madame Moreau, vous pouvez me poser vos questions ici entre deux consultations.');
  // …and the nurse an admin assigned to her (store/care-team.ts): in her team before any conversation.
  const patient = ids.get('patient.moreau');
  const nurse = ids.get('inf.dubois');
  if (patient && martin && nurse) await assignStaff(redis, patient, [martin, nurse]);
  // Her INS, as the example patient record (examples/dmp/?patient=moreau) shows it.
  if (patient) await setIns(redis, patient, DEMO_PATIENT_INS);
  const benali = ids.get('dr.benali');
  if (martin && benali) await seedOncall(redis, { day: benali, night: martin, coordinator: nurse });
  return [...ids.keys()];
}

/**
 * "Médecin de garde — Médecine", held every hour of the week (store/functions.ts): Dr Benali on
 * weekdays from 08:00 to 18:30 and on Saturday's 24 hours, Dr Martin on weekday nights and on
 * Sunday's 24 hours (each from 08:00); "Médecin d'astreinte — Médecine", its backup, the other way
 * round. The duty's escalation ladder (oncall/ladder.ts): an urgent message nobody answered alerts
 * the doctor on call as backup after 5 minutes, then the coordinating nurse after 10. `npm start`
 * shows them in the console's "Gardes et fonctions".
 */
async function seedOncall(redis: Redis, staff: { day: string; night: string; coordinator: string | undefined }): Promise<void> {
  const pattern = (day: string, night: string) => [
    ...[1, 2, 3, 4, 5].flatMap((weekday) => [
      { day: weekday, start: '08:00', end: '18:30', userId: day },
      { day: weekday, start: '18:30', end: '08:00', userId: night },
    ]),
    { day: 6, start: '08:00', end: '08:00', userId: day },
    { day: 7, start: '08:00', end: '08:00', userId: night },
  ];
  const duty = newId();
  await saveFunction(redis, { id: duty, name: 'Médecin de garde — Médecine', service: 'Médecine interne', eligibleRoles: ['doctor'] });
  await savePattern(redis, duty, pattern(staff.day, staff.night));
  const backup = newId();
  await saveFunction(redis, { id: backup, name: 'Médecin d’astreinte — Médecine', service: 'Médecine interne', eligibleRoles: ['doctor'] });
  await savePattern(redis, backup, pattern(staff.night, staff.day));
  await saveLadder(redis, duty, [
    { afterMinutes: 5, target: { kind: 'function', functionId: backup } },
    ...(staff.coordinator ? [{ afterMinutes: 10, target: { kind: 'user' as const, userId: staff.coordinator } }] : []),
  ]);
}

/**
 * The demo accounts that exist and still take the public demo password: anyone who read the README
 * can sign in as them. Each distinct stored hash is checked once (the seed gives them all one).
 */
export async function demoAccountsWithPublicPassword(redis: Redis): Promise<string[]> {
  const open: string[] = [];
  const verdicts = new Map<string, Promise<boolean>>();
  for (const account of DEMO_ACCOUNTS) {
    const found = await findCredentials(redis, account.username);
    if (found === null) continue;
    let verdict = verdicts.get(found.passwordHash);
    if (verdict === undefined) verdicts.set(found.passwordHash, (verdict = verifyPassword(DEMO_PASSWORD, found.passwordHash)));
    if (await verdict) open.push(account.username);
  }
  return open;
}
