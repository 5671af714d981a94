import { ApiClient } from '../integration/helpers.ts';
import type { Message } from '../../src/shared/model.ts';
import { LIMITS } from '../../src/shared/limits.ts';
import { ackLineId } from '../../src/shared/urgent-ack.ts';
import type { ChaosDevice } from './device.ts';
import type { World } from './world.ts';

/**
 * The end-of-run invariants (DESIGN.md invariants 1–3): every accepted message is on the server
 * exactly once with gap-free seqs, and on every participant's device exactly once, in the server's
 * order, sent; every outbox is empty. Every edit and withdrawal asked is one line on the server, in
 * the order asked, and every device shows the result: the last text with each previous one as a
 * version, or a withdrawn message with no text. Every answer to an urgent message is one line under
 * its derived id, on the server and every device, answered with that line's seq to every push of it,
 * and never counted as unread.
 */

/** What a device must show of a server message once every edit and withdrawal is applied. */
function expectedOnDevice(world: World, message: Message): { body: string; versions: number; redacted?: boolean } {
  // A line keeps no text on a device (whether it says it was blanked depends on when it was pulled).
  if (message.system?.type === 'message.edited') return { body: '', versions: 0 };
  if (world.redacted.has(message.messageId)) return { body: '', versions: 0, redacted: true };
  const edits = world.edits.get(message.messageId) ?? [];
  return { body: edits.at(-1) ?? message.body, versions: edits.length, redacted: false };
}

/** A conversation's whole history as the server serves it (paged from the newest down). */
export async function serverHistory(api: ApiClient, conversationId: string): Promise<Message[]> {
  const pages: Message[][] = [];
  let before: number | undefined;
  for (;;) {
    const query = `?limit=${LIMITS.HISTORY_LIMIT_MAX}${before === undefined ? '' : `&before=${before}`}`;
    const reply = await api.get(`/api/conversations/${conversationId}/messages${query}`);
    if (reply.status !== 200) throw new Error(`history of ${conversationId}: ${reply.status}`);
    const { messages } = reply.body as { messages: Message[] };
    if (messages.length === 0) break;
    pages.unshift(messages);
    before = messages[0]!.seq;
    if (before <= 1) break;
  }
  return pages.flat();
}

/** Checks the server's log of one conversation: seqs 1..n, each message id once. */
export function checkServerLog(world: World, conversationId: string, history: Message[]): void {
  const ids = new Set<string>();
  history.forEach((message, index) => {
    if (message.seq !== index + 1) world.violation(`server ${conversationId}: seq ${message.seq} at position ${index + 1}`);
    if (ids.has(message.messageId)) world.violation(`server ${conversationId}: ${message.messageId} stored twice`);
    ids.add(message.messageId);
  });
}

/** Checks that a device holds exactly the server's history of a conversation, all sent, same order. */
export async function checkDevice(world: World, device: ChaosDevice, conversationId: string, history: Message[]): Promise<void> {
  const local = await device.history(conversationId);
  const unsent = await device.unsent();
  for (const message of unsent) {
    world.violation(`${device.name}: ${message.messageId} still ${message.status}${message.errorCode ? ` (${message.errorCode})` : ''}`);
  }
  if (local.length !== history.length) {
    world.violation(`${device.name}: ${local.length} messages in ${conversationId}, server has ${history.length}`);
  }
  const n = Math.min(local.length, history.length);
  for (let i = 0; i < n; i++) {
    const mine = local[i]!;
    const theirs = history[i]!;
    const want = expectedOnDevice(world, theirs);
    if (mine.messageId !== theirs.messageId || mine.seq !== theirs.seq || mine.body !== want.body || mine.status !== 'sent') {
      const bodies = mine.body === want.body ? '' : ` ("${mine.body}", want "${want.body}"${theirs.kind === 'system' ? `, a ${theirs.system?.type} line` : ''})`;
      world.violation(`${device.name}: position ${i + 1} of ${conversationId} is ${mine.messageId}@${mine.seq}, server ${theirs.messageId}@${theirs.seq}${bodies}`);
      return;
    }
    if ((mine.versions ?? 0) !== want.versions || (want.redacted !== undefined && (mine.redacted ?? false) !== want.redacted) || mine.pendingEdit) {
      world.violation(`${device.name}: ${mine.messageId} has ${mine.versions ?? 0} versions${mine.redacted ? ', withdrawn' : ''}${mine.pendingEdit ? ', an edit pending' : ''}; want ${want.versions}${want.redacted ? ', withdrawn' : ''}`);
    }
  }
}

/** Everything the harness sent to a conversation is in the server's log (nothing lost, nothing extra). */
export function checkDelivered(world: World, conversationId: string, history: Message[]): void {
  const stored = new Set(history.map((m) => m.messageId));
  const expected = [...world.sent.values()].filter((s) => s.conversationId === conversationId);
  for (const record of expected) {
    if (!stored.has(record.messageId)) world.violation(`${record.messageId} sent by ${record.device} never reached the server`);
  }
  // The edits', withdrawals' and answers' (urgent.ack) lines are the only system lines of these conversations.
  const written = history.filter((m) => m.kind !== 'system');
  if (written.length !== expected.length) {
    world.violation(`server ${conversationId}: ${written.length} messages, ${expected.length} were sent`);
  }
  for (const message of written) {
    const record = world.sent.get(message.messageId);
    if (!record) continue;
    const body = world.redacted.has(message.messageId) ? '' : record.body;
    if (body !== message.body || record.senderId !== message.senderId) {
      world.violation(`server ${conversationId}: ${message.messageId} altered`);
    }
  }
  // Each edit and withdrawal asked: applied exactly once, in the order asked (a withdrawal blanks the edits' lines).
  for (const record of expected) {
    const lines = (type: string) => history.filter((m) => m.system?.type === type && (m.system as { messageId?: string }).messageId === record.messageId);
    const edits = world.edits.get(record.messageId) ?? [];
    const want = world.redacted.has(record.messageId) ? edits.map(() => '') : edits;
    const got = lines('message.edited').map((m) => m.body);
    if (JSON.stringify(got) !== JSON.stringify(want)) world.violation(`server ${conversationId}: ${record.messageId} has ${got.length} edit lines, ${want.length} were asked (or out of order)`);
    if (lines('message.redacted').length !== (world.redacted.has(record.messageId) ? 1 : 0)) world.violation(`server ${conversationId}: ${record.messageId} withdrawal lines`);
  }
}

const ackKey = (messageId: string, userId: string, claim: boolean): string => `${messageId}|${userId}|${claim ? 'claim' : 'ack'}`;

/**
 * Each answer to an urgent message asked (world.acks) is exactly one `urgent.ack` line on the server,
 * under the id derived from (conversation, message, user, claim), written by that user after the
 * message; there is no other. (checkDevice then proves every device holds exactly these lines, in order.)
 */
export async function checkAcks(world: World, conversationId: string, history: Message[]): Promise<void> {
  const seqOf = new Map(history.map((m) => [m.messageId, m.seq]));
  const found = new Map<string, Message[]>();
  for (const line of history) {
    if (line.system?.type !== 'urgent.ack') continue;
    const { messageId, claim } = line.system;
    const key = ackKey(messageId, line.senderId, claim);
    found.set(key, [...(found.get(key) ?? []), line]);
    if (!world.acks.has(key)) world.violation(`server ${conversationId}: an answer nobody asked (${key}) at ${line.seq}`);
    if (line.messageId !== (await ackLineId(conversationId, messageId, line.senderId, claim))) {
      world.violation(`server ${conversationId}: answer ${key} under ${line.messageId}, not its derived id`);
    }
    if (!(line.seq > (seqOf.get(messageId) ?? Infinity))) world.violation(`server ${conversationId}: answer ${key} at ${line.seq}, before its message`);
  }
  for (const [key, answer] of world.acks) {
    if (answer.conversationId !== conversationId) continue;
    const lines = found.get(key) ?? [];
    if (lines.length !== 1) world.violation(`server ${conversationId}: answer ${key} (from ${answer.devices.join(', ')}) written ${lines.length} times`);
  }
}

/**
 * Every answer the gateway gave to a pushed `message.ack`, on any device, delivered or lost on the way
 * (then replayed by the outbox), is the seq of that answer's one line: a replay, or the same answer from
 * the user's other device, answers the line already written. Answers the number of mutations whose
 * first answer was lost and that were answered again.
 */
export async function checkAckAnswers(world: World, histories: ReadonlyMap<string, Message[]>): Promise<number> {
  const lineSeq = new Map<string, number>();
  for (const history of histories.values()) {
    for (const line of history) {
      if (line.system?.type === 'urgent.ack') lineSeq.set(ackKey(line.system.messageId, line.senderId, line.system.claim), line.seq);
    }
  }
  let replayed = 0;
  for (const device of world.devices) {
    const answers = await device.ackAnswers();
    const lost = new Set<string>();
    for (const answer of answers) {
      const key = ackKey(answer.messageId, device.account.id, answer.claim);
      if (answer.error) world.violation(`${device.name}: answer ${key} refused (${answer.error})`);
      else if (answer.seq !== lineSeq.get(key)) world.violation(`${device.name}: answer ${key} answered seq ${answer.seq}, its line is at ${lineSeq.get(key)}`);
      if (lost.has(answer.mutationId) && !answer.dropped) replayed += 1;
      if (answer.dropped) lost.add(answer.mutationId);
    }
  }
  return replayed;
}

/**
 * What the device's conversation list counts unread is what the server's log says: the messages of
 * others past the user's read mark, but for lines that answer or change a message already counted
 * (`urgent.ack`, `message.edited`, `message.redacted`): an acknowledgement is never unread.
 */
export async function checkUnread(world: World, device: ChaosDevice, unread: ReadonlyMap<string, number>, conversationId: string, history: Message[]): Promise<void> {
  const userId = device.account.id;
  const readSeq = await device.readSeq(conversationId, userId);
  const quiet = new Set(['urgent.ack', 'message.edited', 'message.redacted']);
  const want = history.filter((m) => m.seq > readSeq && m.senderId !== userId && !quiet.has(m.system?.type ?? '')).length;
  const got = unread.get(conversationId);
  if (got !== want) world.violation(`${device.name}: ${got} unread in ${conversationId}, want ${want} (read up to ${readSeq})`);
}

/** Every outbox is empty. */
export async function checkOutboxes(world: World): Promise<void> {
  for (const device of world.devices) {
    const left = await device.outboxCount();
    if (left > 0) world.violation(`${device.name}: ${left} outbox entries left`);
  }
}

/**
 * Syncs every device until nothing changes any more: two rounds in a row with the same messages,
 * cursors and empty outboxes. Answers the number of rounds it took.
 */
export async function syncUntilQuiescent(devices: readonly ChaosDevice[], maxRounds = 40): Promise<number> {
  let previous = '';
  for (let round = 1; round <= maxRounds; round++) {
    await Promise.all(devices.map((d) => d.request('sync.now', { reason: 'manual' }).catch(() => undefined)));
    await Promise.all(devices.map((d) => d.settle()));
    const prints = await Promise.all(devices.map((d) => d.fingerprint()));
    const print = prints.join('|');
    if (print === previous && !print.includes('outbox:') ) return round;
    previous = print;
  }
  // What each device still held (messages/reads/cursor[/outbox:n]), to tell a stuck outbox from a moving cursor.
  throw new Error(`devices did not become quiescent after ${maxRounds} rounds: ${previous}`);
}
