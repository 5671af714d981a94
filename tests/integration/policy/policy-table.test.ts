import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { Role } from '../../../src/shared/model.ts';
import type { ServerFrame } from '../../../src/shared/realtime.ts';
import { addUser, ApiClient } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/**
 * The clinic's policy as one table — role × action × relation — each cell tried against the real
 * gateway with fresh accounts: what the actor may do to someone, depending on who that someone is
 * to them. docs/ARCHITECTURE.md ("Roles and care teams") states the same table in words; a change of
 * the policy changes a cell here.
 */

const DB = 30;
const started = useGateway({ db: DB });

/** Who the target is to the actor. */
type Relation = 'sharedStaff' | 'otherStaff' | 'sharedPatient' | 'otherPatient' | 'admin';
type Action = 'directory' | 'direct' | 'group' | 'add' | 'urgent' | 'call';
/** `listed`/`hidden` for the directory; `ok` or the stable error code otherwise. */
type Outcome = 'listed' | 'hidden' | 'ok' | 'user_not_found' | 'role_forbidden';

const STAFF_TABLE: Record<Action, Partial<Record<Relation, Outcome>>> = {
  directory: { sharedStaff: 'listed', otherStaff: 'listed', sharedPatient: 'listed', otherPatient: 'listed', admin: 'hidden' },
  direct: { sharedStaff: 'ok', otherStaff: 'ok', sharedPatient: 'ok', otherPatient: 'ok', admin: 'user_not_found' },
  group: { sharedStaff: 'ok', otherStaff: 'ok', sharedPatient: 'ok', otherPatient: 'ok', admin: 'user_not_found' },
  add: { sharedStaff: 'ok', otherStaff: 'ok', sharedPatient: 'ok', otherPatient: 'ok', admin: 'user_not_found' },
  urgent: { sharedStaff: 'ok', sharedPatient: 'ok' },
  call: { sharedStaff: 'ok', sharedPatient: 'ok' },
};

/**
 * The table. A missing cell is a situation that cannot arise (an admin shares no conversation, so
 * has no colleague or patient "shared", and cannot be in a group to add anyone to).
 */
const TABLE: Record<Role, Record<Action, Partial<Record<Relation, Outcome>>>> = {
  doctor: STAFF_TABLE,
  nurse: STAFF_TABLE,
  secretary: STAFF_TABLE,
  patient: {
    // A patient's care team is the staff who share a conversation with them; nobody else exists for them.
    directory: { sharedStaff: 'listed', otherStaff: 'hidden', sharedPatient: 'hidden', otherPatient: 'hidden', admin: 'hidden' },
    direct: { sharedStaff: 'ok', otherStaff: 'user_not_found', sharedPatient: 'user_not_found', otherPatient: 'user_not_found', admin: 'user_not_found' },
    group: { sharedStaff: 'role_forbidden', otherStaff: 'role_forbidden', sharedPatient: 'role_forbidden', otherPatient: 'role_forbidden', admin: 'role_forbidden' },
    add: { sharedStaff: 'role_forbidden', otherStaff: 'role_forbidden', sharedPatient: 'role_forbidden', otherPatient: 'role_forbidden', admin: 'role_forbidden' },
    urgent: { sharedStaff: 'role_forbidden' },
    call: { sharedStaff: 'role_forbidden' },
  },
  admin: {
    directory: { otherStaff: 'listed', otherPatient: 'hidden', admin: 'hidden' },
    direct: { otherStaff: 'role_forbidden', otherPatient: 'role_forbidden', admin: 'role_forbidden' },
    group: { otherStaff: 'role_forbidden', otherPatient: 'role_forbidden', admin: 'role_forbidden' },
    add: {},
    urgent: {},
    call: {},
  },
};

interface Person {
  api: ApiClient;
  id: string;
  displayName: string;
}

type Result = { ok: boolean; result?: unknown; error?: { code: string } };

async function person(role: Role, label: string): Promise<Person> {
  const displayName = `${label} ${randomBytes(4).toString('hex')}`;
  const account = await addUser(started.redis, { role, displayName });
  const api = new ApiClient(started.url);
  const user = await api.login(account.username, account.password);
  return { api, id: user.id, displayName };
}

async function personId(role: Role): Promise<string> {
  return (await person(role, 'Membre')).id;
}

async function push(by: Person, kind: string, args: Record<string, unknown>): Promise<Result> {
  const [result] = await by.api.push([{ id: newId(), kind, args }]);
  return result as Result;
}

const outcomeOf = (result: Result): Outcome => (result.ok ? 'ok' : (result.error?.code as Outcome));

async function createConversation(by: Person, participantIds: string[], title?: string): Promise<string> {
  const result = await push(by, 'conversation.create', { conversationId: newId(), participantIds, ...(title ? { title } : {}) });
  expect(result.ok).toBe(true);
  return (result.result as { conversation: { id: string } }).conversation.id;
}

/** The actor, the target in `relation` to them, and the conversation they share (if any). */
async function scene(role: Role, relation: Relation): Promise<{ actor: Person; target: Person; shared: string | null }> {
  const actor = await person(role, `Acteur ${role}`);
  const targetRole: Role = relation === 'admin' ? 'admin' : relation.endsWith('Staff') ? 'nurse' : 'patient';
  const target = await person(targetRole, `Cible ${relation}`);
  let shared: string | null = null;
  if (relation === 'sharedStaff') shared = await createConversation(target, [actor.id]);
  if (relation === 'sharedPatient') {
    // Staff write to their patient; two patients share only a group a doctor made.
    if (role === 'patient') shared = await createConversation(await person('doctor', 'Hôte'), [actor.id, target.id], 'Éducation thérapeutique');
    else shared = await createConversation(actor, [target.id]);
  }
  return { actor, target, shared };
}

async function attempt(role: Role, action: Action, relation: Relation): Promise<Outcome> {
  const { actor, target, shared } = await scene(role, relation);
  switch (action) {
    case 'directory': {
      const reply = await actor.api.get(`/api/users?q=${encodeURIComponent(target.displayName)}`);
      expect(reply.status).toBe(200);
      return (reply.body as { users: { id: string }[] }).users.some((u) => u.id === target.id) ? 'listed' : 'hidden';
    }
    case 'direct':
      return outcomeOf(await push(actor, 'conversation.create', { conversationId: newId(), participantIds: [target.id] }));
    case 'group': {
      const colleague = await person('doctor', 'Collègue');
      return outcomeOf(await push(actor, 'conversation.create', { conversationId: newId(), participantIds: [target.id, colleague.id], title: 'Staff du mardi' }));
    }
    case 'add': {
      // Staff add to the groups they created (a member who is not the creator gets `forbidden`, whatever
      // the role: conversation-lifecycle tests); a patient, who creates none, tries in a doctor's group.
      const creator = role === 'patient' ? await person('doctor', 'Hôte') : actor;
      const group = await createConversation(creator, role === 'patient' ? [actor.id] : [await personId('nurse')], 'Réunion de service');
      return outcomeOf(await push(actor, 'conversation.addParticipants', { conversationId: group, participantIds: [target.id] }));
    }
    case 'urgent': {
      const messageId = newId();
      const [result] = await actor.api.push([{ id: messageId, kind: 'message.send', args: { conversationId: shared, messageId, body: 'À voir vite', urgent: true } }]);
      return outcomeOf(result as Result);
    }
    case 'call': {
      const socket = await started.live(actor.api);
      const targetSocket = await started.live(target.api);
      const callId = newId();
      socket.send({ type: 'call.invite', callId, conversationId: shared, calleeId: target.id, partyId: newId(), video: true });
      const answer = await Promise.race([
        socket.next((f: ServerFrame) => f.type === 'call.error' && f.callId === callId),
        targetSocket.next((f: ServerFrame) => f.type === 'call.incoming' && f.callId === callId),
      ]);
      socket.close();
      targetSocket.close();
      return answer.type === 'call.incoming' ? 'ok' : ((answer as { code: string }).code as Outcome);
    }
  }
}

const ROWS = (Object.keys(TABLE) as Role[]).flatMap((role) =>
  (Object.keys(TABLE[role]) as Action[]).flatMap((action) =>
    (Object.entries(TABLE[role][action]) as [Relation, Outcome][]).map(([relation, expected]) => ({ role, action, relation, expected })),
  ),
);

describe('the policy table: role × action × relation', () => {
  it('covers every role and action, and every relation a staff member can have', () => {
    expect(new Set(ROWS.map((r) => r.role))).toEqual(new Set(['doctor', 'nurse', 'secretary', 'patient', 'admin']));
    expect(ROWS.filter((r) => r.role === 'doctor')).toHaveLength(24);
  });

  it.each(ROWS)('$role · $action · $relation → $expected', async ({ role, action, relation, expected }) => {
    expect(await attempt(role, action, relation)).toBe(expected);
  });

  it('lets staff read statistics and refuses patients and admins (role_forbidden)', async () => {
    for (const role of ['doctor', 'nurse', 'secretary', 'patient', 'admin'] as const) {
      const who = await person(role, 'Stats');
      const reply = await who.api.get('/api/stats');
      const code = (reply.body as { error?: { code: string } }).error?.code;
      expect({ role, outcome: reply.status === 200 ? 'ok' : code }).toEqual({ role, outcome: role === 'patient' || role === 'admin' ? 'role_forbidden' : 'ok' });
    }
  });
});
