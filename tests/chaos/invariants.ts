import { ApiClient } from '../integration/helpers.ts';
import type { Message } from '../../src/shared/model.ts';
import { LIMITS } from '../../src/shared/limits.ts';
import type { ChaosDevice } from './device.ts';
import type { World } from './world.ts';

/**
 * The end-of-run invariants (DESIGN.md invariants 1–3): every accepted message is on the server
 * exactly once with gap-free seqs, and on every participant's device exactly once, in the server's
 * order, sent; every outbox is empty.
 */

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
    if (mine.messageId !== theirs.messageId || mine.seq !== theirs.seq || mine.body !== theirs.body || mine.status !== 'sent') {
      world.violation(`${device.name}: position ${i + 1} of ${conversationId} is ${mine.messageId}@${mine.seq}, server ${theirs.messageId}@${theirs.seq}`);
      return;
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
  if (history.length !== expected.length) {
    world.violation(`server ${conversationId}: ${history.length} messages, ${expected.length} were sent`);
  }
  for (const message of history) {
    const record = world.sent.get(message.messageId);
    if (!record) continue;
    if (record.body !== message.body || record.senderId !== message.senderId) {
      world.violation(`server ${conversationId}: ${message.messageId} altered`);
    }
  }
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
