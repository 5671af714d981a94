import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { Conversation } from '../../../src/shared/model.ts';
import type { FunctionDetailReply } from '../../../src/shared/oncall.ts';
import { useGateway, type SignedIn } from '../fixture.ts';

/**
 * A conversation addressed to a function (`conversation.create` with `functionId`): it reaches
 * whoever holds the function now by the gateway's rota — not whom the device named — and records the
 * function; staff only; a vacant or unknown function is refused with a stable code.
 */

const DB = 4;
const started = useGateway({ db: DB });

/** A function held by `holder` from an hour ago to an hour from now (an override), or by nobody. */
async function functionHeldBy(admin: SignedIn, holder: SignedIn | null): Promise<string> {
  const created = await admin.api.request('POST', '/api/admin/functions', { body: { name: `Médecin de garde — Cardiologie ${newId().slice(-4)}`, eligibleRoles: ['doctor'] } });
  expect(created.status).toBe(201);
  const id = (created.body as FunctionDetailReply).function.id;
  if (holder) {
    const now = Date.now();
    const override = await admin.api.request('POST', `/api/admin/functions/${id}/overrides`, { body: { from: now - 3_600_000, to: now + 3_600_000, userId: holder.user.id } });
    expect(override.status).toBe(201);
  }
  return id;
}

async function createTo(who: SignedIn, functionId: string, participantIds: string[]) {
  const [result] = await who.api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds, functionId } }]);
  return result;
}

describe('a conversation to a function', () => {
  it('reaches whoever holds it now, whatever the device named, and records the function', async () => {
    const [admin, nurse, holder, stale] = [await started.signIn('admin'), await started.signIn('nurse'), await started.signIn('doctor'), await started.signIn('doctor')];
    const functionId = await functionHeldBy(admin, holder);
    // The nurse's list was minutes old: it named another doctor; the gateway adds the one on duty.
    const result = await createTo(nurse, functionId, [stale.user.id]);
    expect(result?.ok).toBe(true);
    const conversation = (result?.result as { conversation: Conversation }).conversation;
    expect(conversation.kind).toBe('group');
    expect(conversation.function).toEqual({ id: functionId, name: expect.stringMatching(/^Médecin de garde — Cardiologie /), holderId: holder.user.id });
    expect(conversation.title).toBe(conversation.function?.name);
    expect(conversation.participants.map((p) => p.id).sort()).toEqual([nurse.user.id, holder.user.id, stale.user.id].sort());
    // The holder has it.
    const pulled = (await holder.api.get('/api/sync/pull')).body as { changes: { type: string; conversation?: { id: string } }[] };
    expect(pulled.changes.some((c) => c.type === 'conversation' && c.conversation?.id === conversation.id)).toBe(true);
  });

  it('is refused for a vacant function, an unknown one, and to a patient', async () => {
    const [admin, nurse, patient, doctor] = [await started.signIn('admin'), await started.signIn('nurse'), await started.signIn('patient'), await started.signIn('doctor')];
    const vacant = await functionHeldBy(admin, null);
    expect(await createTo(nurse, vacant, [doctor.user.id])).toMatchObject({ ok: false, error: { code: 'function_unheld' } });
    expect(await createTo(nurse, newId(), [doctor.user.id])).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const held = await functionHeldBy(admin, doctor);
    // A patient writes to their care team only: the policy refuses first, as for any stranger named.
    expect(await createTo(patient, held, [doctor.user.id])).toMatchObject({ ok: false, error: { code: 'user_not_found' } });
  });
});
