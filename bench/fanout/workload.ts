import { seededId, seededRandom, shuffle } from '../lib/rng.ts';

/** The users and conversations of a fan-out run, the same for every server under test. */
export interface Workload {
  userIds: string[];
  /** Conversations with their members (indexes into userIds). */
  conversations: { id: string; members: number[] }[];
}

/** Conversation sizes, each user being in one conversation of each size. */
export const GROUP_SIZES = [2, 10, 50] as const;

/** Builds the workload from a seed: `users` users, each in one conversation of 2, one of 10, one of 50. */
export function buildWorkload(users: number, seed: number): Workload {
  const random = seededRandom(seed);
  const userIds = Array.from({ length: users }, () => seededId(random));
  const conversations: Workload['conversations'] = [];
  for (const size of GROUP_SIZES) {
    const order = shuffle(
      userIds.map((_, i) => i),
      random,
    );
    for (let start = 0; start + size <= order.length; start += size) {
      conversations.push({ id: seededId(random), members: order.slice(start, start + size) });
    }
  }
  return { userIds, conversations };
}

/**
 * Picks each message's conversation and sender the way the load generator sends them: a group size
 * at random, a conversation of that size, one of its members. The write floor picks with it too.
 */
export function messagePicker(workload: Workload, random: () => number): () => { conversation: Workload['conversations'][number]; sender: number } | null {
  const bySize = GROUP_SIZES.map((size) => workload.conversations.filter((c) => c.members.length === size));
  return () => {
    const group = bySize[Math.floor(random() * bySize.length)] ?? [];
    const conversation = group[Math.floor(random() * group.length)];
    if (!conversation) return null;
    return { conversation, sender: conversation.members[Math.floor(random() * conversation.members.length)] as number };
  };
}

/** What the load generator process is told to do (written as JSON, path passed on argv). */
export interface LoadSpec {
  adapter: 'relais' | 'socketio';
  /** Base URLs of the server processes; user i connects to urls[i % urls.length]. */
  urls: string[];
  workload: Workload;
  /** Relais session tokens by user index (cookie), empty for Socket.IO. */
  tokens: string[];
  rate: number;
  /** Seconds sent at the same rate before measuring (not counted). */
  warmupSec: number;
  durationSec: number;
  drainSec: number;
  seed: number;
}

/** What the load generator reports. */
export interface LoadResult {
  offeredRate: number;
  sent: number;
  sendErrors: number;
  expected: number;
  delivered: number;
  duplicated: number;
  outOfOrder: number;
  /** End-to-end latency (intended send time → recipient socket), ms. */
  latency: { p50: number; p90: number; p99: number; max: number };
  /** Send → acknowledgement (Relais: stored; Socket.IO: relayed), ms. */
  ack: { p50: number; p99: number };
  /** Seconds the send phase really took (the generator itself may fall behind). */
  sendSeconds: number;
}
