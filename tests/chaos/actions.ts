import { newId } from '../../src/shared/ids.ts';
import type { ChaosDevice } from './device.ts';
import type { AckRecord, World } from './world.ts';

/**
 * The table of things simulated users do, each with a weight and, when it adds a kind of state,
 * its own end-of-run invariant. A later feature (receipts, archive, files…) adds a row here:
 * `run` performs it through the service worker like a tab would; `check` proves its invariant on
 * every device once everything is quiescent.
 */
export interface ChaosAction {
  name: string;
  weight: number;
  /** `send` actions count toward the run's message target. */
  sends?: boolean;
  run(world: World, device: ChaosDevice): Promise<void>;
  /** Runs after the final sync; reports violations with `world.violation`. */
  check?(world: World): Promise<void>;
}

/** Composes a message in one of the user's conversations (works offline: it queues). */
const send: ChaosAction = {
  name: 'send',
  weight: 85,
  sends: true,
  async run(world, device) {
    const conversation = world.rng.pick(world.conversationsOf(device.account.id));
    const messageId = newId();
    const body = `chaos ${world.sent.size} ${world.rng.int(0, 1e6)}`;
    // One in ten is urgent: its recipients answer it (`ack` below).
    const urgent = world.rng.chance(0.1);
    // Recorded before the call: a send that the SW accepted must show up everywhere.
    world.sent.set(messageId, { messageId, conversationId: conversation.id, senderId: device.account.id, body, device: device.name, ...(urgent ? { urgent } : {}) });
    const { message } = await device.request('message.send', { conversationId: conversation.id, messageId, body, ...(urgent ? { urgent } : {}) });
    if (message.messageId !== messageId) world.violation(`${device.name}: send answered another message`);
  },
  // Delivery of every sent message is the core invariant, checked in invariants.ts.
};

/** Opens a conversation: what the tab shows must never list a message twice or out of seq order. */
const view: ChaosAction = {
  name: 'view',
  weight: 6,
  async run(world, device) {
    const conversation = world.rng.pick(world.conversationsOf(device.account.id));
    const { messages } = await device.request('messages.list', { conversationId: conversation.id });
    const ids = new Set<string>();
    let lastSeq = 0;
    for (const message of messages) {
      if (ids.has(message.messageId)) world.violation(`${device.name} showed ${message.messageId} twice`);
      ids.add(message.messageId);
      if (message.status === 'sent') {
        if (message.seq === null || message.seq <= lastSeq) world.violation(`${device.name} showed seq ${message.seq} after ${lastSeq}`);
        lastSeq = message.seq ?? lastSeq;
      }
    }
  },
};

/** Marks a conversation read up to what this device has. */
const read: ChaosAction = {
  name: 'read',
  weight: 4,
  async run(world, device) {
    const conversation = world.rng.pick(world.conversationsOf(device.account.id));
    const seq = await device.lastSentSeq(conversation.id);
    if (seq === 0) return;
    await device.request('read.mark', { conversationId: conversation.id, seq });
    const key = `${conversation.id}:${device.account.id}`;
    world.readMarks.set(key, Math.max(world.readMarks.get(key) ?? 0, seq));
  },
  async check(world) {
    // Every participant's device ends with each reader's highest mark.
    for (const conversation of world.conversations) {
      for (const device of world.devicesOf(conversation.memberIds)) {
        for (const readerId of conversation.memberIds) {
          const want = world.readMarks.get(`${conversation.id}:${readerId}`) ?? 0;
          const seq = await device.readSeq(conversation.id, readerId);
          if (seq !== want) {
            world.violation(`${device.name}: read of ${readerId} in ${conversation.id} is ${seq}, want ${want}`);
          }
        }
      }
    }
  },
};

/** Loses the network for a while (offline periods overlap with everything else). */
const offline: ChaosAction = {
  name: 'offline',
  weight: 3,
  async run(world, device) {
    device.goOffline(world.rng.int(200, 4_000));
  },
};

/** The tab asks for a sync (visibility change, pull-to-refresh). */
const syncNow: ChaosAction = {
  name: 'sync',
  weight: 2,
  async run(_world, device) {
    await device.request('sync.now', { reason: 'visible' });
  },
};

/**
 * One of this device's own messages, sent (the SW offers edits and withdrawals only then) and not
 * withdrawn. Only the device that sent it changes it, so its outbox orders the changes as asked.
 */
async function ownSentMessage(world: World, device: ChaosDevice) {
  const own = [...world.sent.values()].filter((record) => record.device === device.name && !world.redacted.has(record.messageId));
  if (own.length === 0) return null;
  const record = world.rng.pick(own);
  const held = (await device.history(record.conversationId)).find((message) => message.messageId === record.messageId);
  return held?.status === 'sent' ? record : null;
}

/** Edits one of its own messages (through the outbox: offline too). Checked by invariants.ts: every device ends with the last text and every previous one. */
const edit: ChaosAction = {
  name: 'edit',
  weight: 3,
  async run(world, device) {
    const record = await ownSentMessage(world, device);
    if (!record) return;
    const body = `edit ${world.rng.int(0, 1e9)} of ${record.messageId.slice(-8)}`;
    world.edits.set(record.messageId, [...(world.edits.get(record.messageId) ?? []), body]);
    await device.request('conversation.act', { kind: 'message.edit', conversationId: record.conversationId, messageId: record.messageId, body });
  },
};

/** Withdraws one of its own messages: its texts must be gone from every store. */
const redact: ChaosAction = {
  name: 'redact',
  weight: 1,
  async run(world, device) {
    const record = await ownSentMessage(world, device);
    if (!record) return;
    world.redacted.add(record.messageId);
    await device.request('conversation.act', { kind: 'message.redact', conversationId: record.conversationId, messageId: record.messageId });
  },
  async check(world) {
    for (const messageId of world.redacted) {
      const record = world.sent.get(messageId)!;
      const texts = [record.body, ...(world.edits.get(messageId) ?? [])];
      const conversation = world.conversations.find((c) => c.id === record.conversationId)!;
      for (const device of world.devicesOf(conversation.memberIds)) {
        const left = await device.textsHeld(texts);
        if (left.length > 0) world.violation(`${device.name} still holds ${left.length} text(s) of withdrawn ${messageId}`);
      }
    }
  },
};

/** An answer of `userId` to an urgent message of someone else in one of their conversations (or one asked before). */
function newAnswer(world: World, userId: string): AckRecord | null {
  const conversation = world.rng.pick(world.conversationsOf(userId));
  const urgent = [...world.sent.values()].filter((r) => r.urgent && r.conversationId === conversation.id && r.senderId !== userId);
  if (urgent.length === 0) return null;
  const record = world.rng.pick(urgent);
  const claim = world.rng.chance(0.3);
  return world.acks.get(`${record.messageId}|${userId}|${claim ? 'claim' : 'ack'}`) ?? { conversationId: conversation.id, messageId: record.messageId, userId, claim, devices: [] };
}

/**
 * A recipient answers an urgent message it holds: "Pris en compte", or "Je prends en charge" (`claim`),
 * through the outbox. Sometimes the same answer again from the user's other device, sometimes while
 * offline (it waits in the outbox). Checked by invariants.ts (checkAcks, checkAckAnswers, checkUnread):
 * each answer one `urgent.ack` line under its derived id on the server and on every device, every
 * push of it (replays after a lost answer, the other device) answered with that line's seq, and none
 * counted as unread.
 */
const ack: ChaosAction = {
  name: 'ack',
  weight: 5,
  async run(world, device) {
    const userId = device.account.id;
    const again = [...world.acks.values()].filter((a) => a.userId === userId && !a.devices.includes(device.name));
    const answer = again.length > 0 && world.rng.chance(0.3) ? world.rng.pick(again) : newAnswer(world, userId);
    if (!answer) return;
    // The tab offers the buttons only on a message it shows as sent.
    if ((await device.statusOf(answer.messageId)) !== 'sent') return;
    if (world.rng.chance(0.2)) {
      device.goOffline(world.rng.int(200, 1_500));
      world.count('ack-offline');
    }
    if (answer.devices.length > 0) world.count(answer.devices.includes(device.name) ? 'ack-same-device-again' : 'ack-second-device');
    // Recorded before the call: an answer the SW accepted must show up everywhere.
    world.acks.set(`${answer.messageId}|${userId}|${answer.claim ? 'claim' : 'ack'}`, { ...answer, devices: [...new Set([...answer.devices, device.name])] });
    const { conversationId, messageId, claim } = answer;
    await device.request('conversation.act', { kind: 'message.ack', conversationId, messageId, ...(claim ? { claim } : {}) });
  },
};

export const ACTIONS: readonly ChaosAction[] = [send, view, read, offline, syncNow, edit, redact, ack];
