import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { Change, Conversation, Role, SystemEvent } from '../../../src/shared/model.ts';
import type { FunctionDetailReply, RotaSlot } from '../../../src/shared/oncall.ts';
import type { PushPayload } from '../../../src/shared/push.ts';
import { AUDIT_KEYS, fieldOf } from '../../../src/server/audit/audit-log.ts';
import type { OncallLadder } from '../../../src/server/oncall/oncall-feature.ts';
import { CLINIC_TIME_ZONE } from '../../../src/server/oncall/rota.ts';
import { offsetAt } from '../../../src/server/oncall/zoned-time.ts';
import type { PushService } from '../../../src/server/push/index.ts';
import { PUSH_KEYS } from '../../../src/server/push/keys.ts';
import { KEYS } from '../../../src/server/store/keys.ts';
import { ApiClient, connectTestRedis, flushTestDb, signedInClient, startGateway, type StartedGateway } from '../helpers.ts';
import type { SignedIn } from '../fixture.ts';
import { PushSink } from '../push/push-sink.ts';

/**
 * A change of holder that nobody makes through a route — the weekly pattern's shift change, an
 * override planned earlier — passes the function's open urgent conversations at the next scan, on
 * two gateways sharing one Redis (real sockets, real push sink), and after every gateway was down.
 * The gateways read one clock the test moves (`offset`); their scans run when the test asks.
 */

const DB = 43;
let offset = 0;
const now = (): number => Date.now() + offset;

const sink = new PushSink();
let redis: Redis;
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
    oncall: { now, manualLadder: true, onStarted: (started) => (ladder = started) },
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

/** A slot of the weekly pattern from `start` to `end` (instants), as the Paris wall clock reads them. */
function slotBetween(start: number, end: number, userId: string): RotaSlot {
  const local = (at: number): Date => new Date(at + offsetAt(at, CLINIC_TIME_ZONE));
  const hhmm = (at: number): string => local(at).toISOString().slice(11, 16);
  return { day: ((local(start).getUTCDay() + 6) % 7) + 1, start: hhmm(start), end: hhmm(end), userId };
}

async function linesOf(member: SignedIn, conversationId: string): Promise<SystemEvent[]> {
  const pulled = (await member.api.get('/api/sync/pull')).body as { changes: Change[] };
  return pulled.changes.flatMap((change) =>
    change.type === 'message' && change.message.conversationId === conversationId && change.message.system ? [change.message.system] : [],
  );
}

const handoversOf = async (member: SignedIn, conversationId: string) => (await linesOf(member, conversationId)).filter((e) => e.type === 'function.handover');

async function conversationOf(conversationId: string): Promise<Conversation> {
  return JSON.parse((await redis.hget(KEYS.convMeta(conversationId), 'conv')) ?? 'null') as Conversation;
}

interface AuditBody {
  action: string;
  conversationId?: string;
  actor?: string | null;
  userIds?: string[];
}

async function passedAudit(conversationId: string): Promise<AuditBody[]> {
  const entries = (await redis.xrange(AUDIT_KEYS.log, '-', '+')).map(([, fields]) => JSON.parse(fieldOf(fields, 'body') ?? '{}') as AuditBody);
  return entries.filter((e) => e.action === 'urgent.passed' && e.conversationId === conversationId);
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

describe('a change of holder at the rota’s own time passes the open urgent conversations', () => {
  it('the shift change passes once to the night doctor, whichever gateway scans; a planned override passes after every gateway was down; an answered conversation stays', async () => {
    const signIn = (role: Role): Promise<SignedIn> => signedInClient(redis, gateways[0]!.started.url, role);
    const [admin, nurse, dayDoctor, nightDoctor, standIn] = [await signIn('admin'), await signIn('nurse'), await signIn('doctor'), await signIn('doctor'), await signIn('doctor')];
    for (const who of [nightDoctor, standIn]) {
      expect((await who.api.request('POST', '/api/push/subscription', { body: { deviceId: newId(), subscription: sink.subscription() } })).status).toBe(204);
    }

    // "Médecin de garde": the day doctor until the shift change, a little over an hour from now
    // (on the minute, Paris time), then the night doctor for ten hours.
    const shiftChange = Math.ceil(Date.now() / 60_000) * 60_000 + 60 * 60_000;
    const created = await admin.api.request('POST', '/api/admin/functions', { body: { name: `Médecin de garde ${newId().slice(-6)}`, eligibleRoles: ['doctor'] } });
    expect(created.status).toBe(201);
    const functionId = (created.body as FunctionDetailReply).function.id;
    const slots = [slotBetween(shiftChange - 3 * 3_600_000, shiftChange, dayDoctor.user.id), slotBetween(shiftChange, shiftChange + 10 * 3_600_000, nightDoctor.user.id)];
    expect((await admin.api.request('PUT', `/api/admin/functions/${functionId}/pattern`, { body: { slots } })).status).toBe(200);

    // By day: two urgent messages to the function, through gateway 0; the day doctor answers one.
    const urgent = async (): Promise<{ conversationId: string; messageId: string }> => {
      const [opened] = await nurse.api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId: newId(), participantIds: [dayDoctor.user.id], functionId } }]);
      expect(opened).toMatchObject({ ok: true });
      const conversationId = (opened?.result as { conversation: Conversation }).conversation.id;
      expect((await conversationOf(conversationId)).function?.holderId).toBe(dayDoctor.user.id);
      const messageId = newId();
      const [sent] = await nurse.api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body: 'Patient chambre 12 désature', urgent: true } }]);
      expect(sent?.ok).toBe(true);
      await gateways[0]!.ladder.whenStarted();
      return { conversationId, messageId };
    };
    const open = await urgent();
    const answered = await urgent();
    const [acked] = await dayDoctor.api.push([{ id: newId(), kind: 'message.ack', args: { conversationId: answered.conversationId, messageId: answered.messageId } }]);
    expect(acked?.ok).toBe(true);

    // Before the change, a scan passes nothing.
    await gateways[1]!.ladder.scheduler.processDue();
    expect(await handoversOf(nurse, open.conversationId)).toEqual([]);

    // The clock passes the shift change: the first scan passes the open conversation; the other
    // gateway's scan and a second scan write nothing more.
    offset = shiftChange + 5_000 - Date.now();
    await gateways[1]!.ladder.scheduler.processDue();
    await gateways[0]!.ladder.scheduler.processDue();
    await gateways[1]!.ladder.scheduler.processDue();
    await Promise.all(gateways.map((g) => g.push.notifier.whenIdle()));
    expect(gateways[1]!.ladder.scheduler.passed).toBe(1);
    expect(gateways[0]!.ladder.scheduler.passed).toBe(0);

    const passed = await conversationOf(open.conversationId);
    expect(passed.function?.holderId).toBe(nightDoctor.user.id);
    expect(passed.participants.map((p) => p.id)).toContain(nightDoctor.user.id);
    const dayToNight = { type: 'function.handover', functionId, fromUserId: dayDoctor.user.id, toUserId: nightDoctor.user.id };
    expect(await handoversOf(nightDoctor, open.conversationId)).toEqual([dayToNight]);
    expect(urgentPushesTo(nightDoctor.user.id, open.messageId)).toHaveLength(1);
    expect(await remindersQueuedFor(nightDoctor.user.id, open.messageId)).toBe(1);
    expect(await passedAudit(open.conversationId)).toEqual([expect.objectContaining({ actor: null, userIds: [dayDoctor.user.id, nightDoctor.user.id] })]);

    const kept = await conversationOf(answered.conversationId);
    expect(kept.function?.holderId).toBe(dayDoctor.user.id);
    expect(kept.participants.map((p) => p.id)).not.toContain(nightDoctor.user.id);
    expect(await handoversOf(nurse, answered.conversationId)).toEqual([]);
    expect(urgentPushesTo(nightDoctor.user.id, answered.messageId)).toEqual([]);

    // An override planned for later (a stand-in from half an hour after the change) passes nothing
    // when it is made; it begins while every gateway is down, and passes at the next one's scan.
    const override = await admin.api.request('POST', `/api/admin/functions/${functionId}/overrides`, {
      body: { from: shiftChange + 30 * 60_000, to: shiftChange + 90 * 60_000, userId: standIn.user.id },
    });
    expect(override.status).toBe(201);
    expect((await conversationOf(open.conversationId)).function?.holderId).toBe(nightDoctor.user.id);
    for (const { started } of gateways.splice(0)) await started.close();
    offset = shiftChange + 31 * 60_000 - Date.now();
    gateways.push(await startOne());
    nurse.api = Object.assign(new ApiClient(gateways[0]!.started.url), { cookie: nurse.api.cookie });
    await gateways[0]!.ladder.scheduler.processDue();
    await gateways[0]!.ladder.scheduler.processDue();
    await gateways[0]!.push.notifier.whenIdle();

    expect((await conversationOf(open.conversationId)).function?.holderId).toBe(standIn.user.id);
    expect(await handoversOf(nurse, open.conversationId)).toEqual([dayToNight, { type: 'function.handover', functionId, fromUserId: nightDoctor.user.id, toUserId: standIn.user.id }]);
    expect(urgentPushesTo(standIn.user.id, open.messageId)).toHaveLength(1);
    expect(await remindersQueuedFor(standIn.user.id, open.messageId)).toBe(1);
    expect(await passedAudit(open.conversationId)).toHaveLength(2);
    expect((await conversationOf(answered.conversationId)).function?.holderId).toBe(dayDoctor.user.id);
  });
});
