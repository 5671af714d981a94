import type { ChaosDevice } from './device.ts';
import type { FaultStats } from './faults.ts';
import type { Rng } from './prng.ts';

/** What the harness knows it asked for: the ground truth the invariants are checked against. */

export interface ChaosConversation {
  id: string;
  memberIds: string[];
}

export interface SentRecord {
  messageId: string;
  conversationId: string;
  senderId: string;
  body: string;
  device: string;
  /** Sent as urgent: its recipients acknowledge or claim it (`message.ack`). */
  urgent?: boolean;
}

/** One answer to an urgent message (`message.ack`): (message, user, claim), whatever devices sent it. */
export interface AckRecord {
  conversationId: string;
  messageId: string;
  userId: string;
  claim: boolean;
  /** The devices that sent it (one, or both of the user's). */
  devices: string[];
}

export class World {
  /** Every message a device accepted (`message.send` answered), by message id. */
  readonly sent = new Map<string, SentRecord>();
  /** Invariant violations seen during the run (checked cheaply as it goes). */
  readonly violations: string[] = [];
  /** Highest read mark each user asked for: `<conversationId>:<userId>` → seq. */
  readonly readMarks = new Map<string, number>();
  /** The edits each message's device asked for (`message.edit`), in order, by message id. */
  readonly edits = new Map<string, string[]>();
  /** Messages their device withdrew (`message.redact`). */
  readonly redacted = new Set<string>();
  /** The answers asked for urgent messages, by `<messageId>|<userId>|ack|claim`. */
  readonly acks = new Map<string, AckRecord>();
  /** Counts of actions run, by name. */
  readonly actionCounts = new Map<string, number>();

  constructor(
    readonly devices: ChaosDevice[],
    readonly conversations: ChaosConversation[],
    readonly rng: Rng,
    readonly stats: FaultStats,
  ) {}

  /** Conversations the user is in. */
  conversationsOf(userId: string): ChaosConversation[] {
    return this.conversations.filter((c) => c.memberIds.includes(userId));
  }

  /** Devices signed in as one of `userIds`. */
  devicesOf(userIds: readonly string[]): ChaosDevice[] {
    return this.devices.filter((d) => userIds.includes(d.account.id));
  }

  /** Counts one occurrence of `name` in the report's actions (e.g. the paths an acknowledgement took). */
  count(name: string): void {
    this.actionCounts.set(name, (this.actionCounts.get(name) ?? 0) + 1);
  }

  violation(text: string): void {
    if (this.violations.length < 50) this.violations.push(text);
  }
}
