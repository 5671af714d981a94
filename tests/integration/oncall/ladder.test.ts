import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { Change, Conversation, Message, Role, SystemEvent } from '../../../src/shared/model.ts';
import type { FunctionDetailReply, LadderStep } from '../../../src/shared/oncall.ts';
import type { PushPayload } from '../../../src/shared/push.ts';
import { AUDIT_KEYS, fieldOf } from '../../../src/server/audit/audit-log.ts';
import type { OncallLadder } from '../../../src/server/oncall/oncall-feature.ts';
import type { PushService } from '../../../src/server/push/index.ts';
import { PUSH_KEYS } from '../../../src/server/push/keys.ts';
import { KEYS } from '../../../src/server/store/keys.ts';
import { ApiClient, connectTestRedis, flushTestDb, signedInClient, startGateway, type StartedGateway } from '../helpers.ts';
import type { SignedIn } from '../fixture.ts';
import { PushSink } from '../push/push-sink.ts';

/**
 * The escalation ladder of a function and the handover of its open urgent conversations, on two
 * gateways sharing one Redis (real sockets, real push sink). Both gateways read one clock the test
 * moves (`offset`); the ladder's timer is off: the test runs each gateway's scan when it wants.
 */

const DB = 33;
const LEASE_MS = 60_000;
let offset = 0;
const now = (): number => Date.now() + offset;

const sink = new PushSink();
let redis: Redis;
/** Gateway A (killed in the first test) and B. */
const gateways: { started: StartedGateway; ladder: OncallLadder; push: PushService }[] = [];

async function startOne(): Promise<(typeof gateways)[number]> {
  let ladder: OncallLadder | undefined;
  let push: PushService | undefined;
  const started = await startGateway({
    db: DB,
    push: {
      config: { subject: 'mailto:ops@clinique.example', escalationTickSeconds: 15 },
      allowHttpEndpoints: true,
      manualEscalations: true,
      sleep: async () => undefined,
      now,
      onStarted: (service) => (push = service),
    },
    oncall: { now, manualLadder: true, ladderLeaseMs: LEASE_MS, onStarted: (started) => (ladder = started) },
  });
  return { started, ladder: ladder!, push: push! };
}

beforeAll(async () => {
  await sink.start();
  await flushTestDb(DB);
  redis = connectTestRedis(DB);
  gateways.push(await startOne(), await startOne());
});

afterAll(async () => {
  for (const { started } of gateways) await started.close().catch(() => undefined);
  redis.disconnect();
  await sink.stop();
});

const [A, B] = [0, 1];
const signIn = (role: Role, on = B): Promise<SignedIn> => signedInClient(redis, gateways[on]!.started.url, role);

async function subscribe(who: SignedIn): Promise<void> {
  expect((await who.api.request('POST', '/api/push/subscription', { body: { deviceId: newId(), subscription: sink.subscription() } })).status).toBe(204);
}

/** A function held by `holder` for the next hours (an override), with `ladder`. */
async function dutyFunction(admin: SignedIn, holder: SignedIn, ladder: LadderStep[] = []): Promise<string> {
  const created = await admin.api.request('POST', '/api/admin/functions', { body: { name: `Médecin de garde ${newId().slice(-6)}`, eligibleRoles: ['doctor'] } });
  expect(created.status).toBe(201);
  const id = (created.body as FunctionDetailReply).function.id;
  const from = now() - 3_600_000;
  expect((await admin.api.request('POST', `/api/admin/functions/${id}/overrides`, { body: { from, to: from + 6 * 3_600_000, userId: holder.user.id } })).status).toBe(201);
  if (ladder.length > 0) {
    const saved = await admin.api.request('PUT', `/api/admin/functions/${id}/ladder`, { body: { steps: ladder } });
    expect(saved.status).toBe(200);
    expect((saved.body as FunctionDetailReply).ladder).toEqual(ladder);
  }
  return id;
}

/** The nurse writes an urgent message to the function (through gateway `on`; her device believes `holder` holds it); the ladder's start is awaited. */
async function urgentTo(nurse: SignedIn, functionId: string, holder: SignedIn, on: number): Promise<{ conversationId: string; messageId: string }> {
  const [created] = await nurse.api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds: [holder.user.id], functionId } }]);
  expect(created).toMatchObject({ ok: true });
  const conversationId = (created?.result as { conversation: Conversation }).conversation.id;
  const messageId = newId();
  const [sent] = await nurse.api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body: 'Patient chambre 12 désature', urgent: true } }]);
  expect(sent?.ok).toBe(true);
  await gateways[on]!.ladder.whenStarted();
  await gateways[on]!.push.notifier.whenIdle();
  return { conversationId, messageId };
}

/** The system lines of a conversation, as a member pulls them. */
async function linesOf(member: SignedIn, conversationId: string): Promise<{ event: SystemEvent; message: Message }[]> {
  const pulled = (await member.api.get('/api/sync/pull')).body as { changes: Change[] };
  return pulled.changes.flatMap((change) =>
    change.type === 'message' && change.message.conversationId === conversationId && change.message.system ? [{ event: change.message.system, message: change.message }] : [],
  );
}

async function conversationOf(conversationId: string): Promise<Conversation> {
  return JSON.parse((await redis.hget(KEYS.convMeta(conversationId), 'conv')) ?? 'null') as Conversation;
}

interface AuditBody {
  action: string;
  conversationId?: string;
  actor?: string | null;
  userIds?: string[];
  detail?: string;
}

async function auditOf(action: string, conversationId: string): Promise<AuditBody[]> {
  const entries = (await redis.xrange(AUDIT_KEYS.log, '-', '+')).map(([, fields]) => JSON.parse(fieldOf(fields, 'body') ?? '{}') as AuditBody);
  return entries.filter((e) => e.action === action && e.conversationId === conversationId);
}

const urgentPushesTo = (userId: string, messageId: string) =>
  sink.received.filter((r) => {
    const p = r.payload as PushPayload;
    return p.userId === userId && p.messageId === messageId && p.kind === 'message' && p.urgent && r.urgency === 'high';
  });

async function remindersQueuedFor(userId: string, messageId: string): Promise<number> {
  const queued = await redis.zrange(PUSH_KEYS.escalations, '0', '-1');
  return queued.filter((member) => {
    const entry = JSON.parse(member) as { userId: string; messageId: string };
    return entry.userId === userId && entry.messageId === messageId;
  }).length;
}

async function ladderQueueFor(messageId: string): Promise<string[]> {
  return (await redis.zrange(KEYS.ladderQueue, '0', '-1')).filter((member) => member.includes(messageId));
}

describe('the escalation ladder of a function', () => {
  it('alerts the backup then the head of service when nobody answers; a gateway killed mid-step leaves it to the other, which does no step twice', async () => {
    const [admin, nurse, holder, backup, head] = [await signIn('admin'), await signIn('nurse', A), await signIn('doctor'), await signIn('doctor'), await signIn('doctor')];
    await subscribe(backup);
    await subscribe(head);
    const headOfService = await dutyFunction(admin, head);
    const functionId = await dutyFunction(admin, holder, [
      { afterMinutes: 5, target: { kind: 'user', userId: backup.user.id } },
      { afterMinutes: 10, target: { kind: 'function', functionId: headOfService } },
    ]);
    const { conversationId, messageId } = await urgentTo(nurse, functionId, holder, A);
    const [queued] = await ladderQueueFor(messageId);
    expect(queued).toBeDefined();

    // Not due before 5 minutes.
    offset += 5 * 60_000 - 1_000;
    expect(await gateways[B]!.ladder.scheduler.processDue()).toBe(0);

    // Due: gateway A takes the step and writes its line, then dies before it could queue the next
    // step and drop this one (its scan cut short: the claim, the step's writes, nothing after).
    offset += 1_000;
    expect(await gateways[A]!.ladder.scheduler.claimOnly(queued!)).toBe(true);
    await gateways[A]!.ladder.steps.runStep(JSON.parse(queued!));
    await gateways[A]!.started.close();
    // The nurse's device reconnects to gateway B (same session).
    nurse.api = Object.assign(new ApiClient(gateways[B]!.started.url), { cookie: nurse.api.cookie });
    expect((await linesOf(nurse, conversationId)).filter((l) => l.event.type === 'urgent.escalated')).toHaveLength(1);

    // Gateway B: the step is hidden while A's lease runs, then B takes it over.
    expect(await gateways[B]!.ladder.scheduler.processDue()).toBe(0);
    offset += LEASE_MS + 1_000;
    expect(await gateways[B]!.ladder.scheduler.processDue()).toBe(1);
    await gateways[B]!.push.notifier.whenIdle();

    const afterStep1 = await linesOf(nurse, conversationId);
    const escalated1 = afterStep1.filter((l) => l.event.type === 'urgent.escalated');
    expect(escalated1.map((l) => l.event)).toEqual([{ type: 'urgent.escalated', messageId, step: 1, userId: backup.user.id, afterMinutes: 5 }]);
    expect(escalated1[0]!.message.senderId).toBe(nurse.user.id);
    expect((await conversationOf(conversationId)).participants.map((p) => p.id)).toContain(backup.user.id);
    expect(urgentPushesTo(backup.user.id, messageId).length).toBeGreaterThanOrEqual(1);
    expect(await remindersQueuedFor(backup.user.id, messageId)).toBe(1);
    expect(await auditOf('urgent.escalated', conversationId)).toEqual([expect.objectContaining({ userIds: [backup.user.id], detail: 'step=1', actor: null })]);
    // The backup sees it: they are a member now.
    expect((await linesOf(backup, conversationId)).some((l) => l.event.type === 'urgent.escalated')).toBe(true);

    // 10 minutes: whoever holds the head of service's function now.
    offset += 4 * 60_000;
    expect(await gateways[B]!.ladder.scheduler.processDue()).toBe(1);
    await gateways[B]!.push.notifier.whenIdle();
    const steps = (await linesOf(nurse, conversationId)).flatMap((l) => (l.event.type === 'urgent.escalated' ? [[l.event.step, l.event.userId]] : []));
    expect(steps).toEqual([
      [1, backup.user.id],
      [2, head.user.id],
    ]);
    expect(urgentPushesTo(head.user.id, messageId)).toHaveLength(1);
    expect(await auditOf('urgent.escalated', conversationId)).toHaveLength(2);
    // The ladder is done: nothing left queued for this message.
    expect(await ladderQueueFor(messageId)).toEqual([]);
  });

  it('stops at the first acknowledgement: a claim by the holder before 5 minutes, or the backup after being alerted', async () => {
    const [admin, nurse, holder, backup, head] = [await signIn('admin'), await signIn('nurse'), await signIn('doctor'), await signIn('doctor'), await signIn('doctor')];
    const ladder: LadderStep[] = [
      { afterMinutes: 5, target: { kind: 'user', userId: backup.user.id } },
      { afterMinutes: 10, target: { kind: 'user', userId: head.user.id } },
    ];
    const functionId = await dutyFunction(admin, holder, ladder);

    const first = await urgentTo(nurse, functionId, holder, B);
    offset += 2 * 60_000;
    const [claimed] = await holder.api.push([{ id: newId(), kind: 'message.ack', args: { conversationId: first.conversationId, messageId: first.messageId, claim: true } }]);
    expect(claimed?.ok).toBe(true);
    offset += 4 * 60_000;
    await gateways[B]!.ladder.scheduler.processDue();
    expect((await linesOf(nurse, first.conversationId)).filter((l) => l.event.type === 'urgent.escalated')).toEqual([]);
    expect((await conversationOf(first.conversationId)).participants.map((p) => p.id)).not.toContain(backup.user.id);
    expect(await ladderQueueFor(first.messageId)).toEqual([]);

    const second = await urgentTo(nurse, functionId, holder, B);
    offset += 5 * 60_000;
    await gateways[B]!.ladder.scheduler.processDue();
    const [acked] = await backup.api.push([{ id: newId(), kind: 'message.ack', args: { conversationId: second.conversationId, messageId: second.messageId } }]);
    expect(acked?.ok).toBe(true);
    offset += 5 * 60_000;
    await gateways[B]!.ladder.scheduler.processDue();
    const steps = (await linesOf(nurse, second.conversationId)).flatMap((l) => (l.event.type === 'urgent.escalated' ? [l.event.step] : []));
    expect(steps).toEqual([1]);
    expect((await conversationOf(second.conversationId)).participants.map((p) => p.id)).not.toContain(head.user.id);
    expect(await ladderQueueFor(second.messageId)).toEqual([]);
  });
});

describe('a handover passes the open urgent conversations of a function', () => {
  it('to the new holder: added, a line, the conversation records them, pushed and reminded, audited; answered ones stay', async () => {
    const [admin, nurse, holder, next] = [await signIn('admin'), await signIn('nurse'), await signIn('doctor'), await signIn('doctor')];
    await subscribe(next);
    const functionId = await dutyFunction(admin, holder);
    const open = await urgentTo(nurse, functionId, holder, B);
    const answered = await urgentTo(nurse, functionId, holder, B);
    const [acked] = await holder.api.push([{ id: newId(), kind: 'message.ack', args: { conversationId: answered.conversationId, messageId: answered.messageId } }]);
    expect(acked?.ok).toBe(true);

    const handover = await holder.api.request('POST', `/api/functions/${functionId}/handover`, { body: { toUserId: next.user.id } });
    expect(handover.status).toBe(200);
    await gateways[B]!.push.notifier.whenIdle();

    const passed = await conversationOf(open.conversationId);
    expect(passed.participants.map((p) => p.id)).toContain(next.user.id);
    expect(passed.function?.holderId).toBe(next.user.id);
    const lines = (await linesOf(next, open.conversationId)).filter((l) => l.event.type === 'function.handover');
    expect(lines.map((l) => l.event)).toEqual([{ type: 'function.handover', functionId, fromUserId: holder.user.id, toUserId: next.user.id }]);
    expect(urgentPushesTo(next.user.id, open.messageId)).toHaveLength(1);
    expect(await remindersQueuedFor(next.user.id, open.messageId)).toBe(1);
    expect(await auditOf('urgent.passed', open.conversationId)).toEqual([expect.objectContaining({ actor: holder.user.id, userIds: [holder.user.id, next.user.id] })]);

    const kept = await conversationOf(answered.conversationId);
    expect(kept.participants.map((p) => p.id)).not.toContain(next.user.id);
    expect(kept.function?.holderId).toBe(holder.user.id);
  });

  it('at an admin override that changes who holds it now, too', async () => {
    const [admin, nurse, holder, replacement] = [await signIn('admin'), await signIn('nurse'), await signIn('doctor'), await signIn('doctor')];
    const functionId = await dutyFunction(admin, holder);
    const open = await urgentTo(nurse, functionId, holder, B);
    const from = now() - 60_000;
    const override = await admin.api.request('POST', `/api/admin/functions/${functionId}/overrides`, { body: { from, to: from + 3_600_000, userId: replacement.user.id } });
    expect(override.status).toBe(201);
    const passed = await conversationOf(open.conversationId);
    expect(passed.function?.holderId).toBe(replacement.user.id);
    expect((await linesOf(nurse, open.conversationId)).filter((l) => l.event.type === 'function.handover').map((l) => l.event)).toEqual([
      { type: 'function.handover', functionId, fromUserId: holder.user.id, toUserId: replacement.user.id },
    ]);
  });
});
