import type { CallServerFrame } from '../../shared/calls.ts';
import { Change, type Message } from '../../shared/model.ts';
import { PUSH_BODY_MAX, shouldAlert, type NotificationPreferences, type PushPayload } from '../../shared/push.ts';
import type { RedisClient } from '../redis/redis-connection.ts';
import type { Appended } from '../store/conversations.ts';
import { getSummaries } from '../store/users.ts';
import type { Escalation, EscalationScheduler } from './escalation.ts';
import { loadPreferencesOf } from './preferences.ts';
import { connectedAnywhere } from '../realtime/presence.ts';
import { NORMAL_DELIVERY, URGENT_DELIVERY, type PushSender } from './sender.ts';

/** Someone to alert of an urgent message now (the escalation ladder, a handover): ids, the sender's name. */
export type UrgentAlert = Omit<Escalation, 'reminder'>;

/** An incoming call, as the push for the callee needs it (from the `call.incoming` frame). */
export type IncomingCall = Pick<Extract<CallServerFrame, { type: 'call.incoming' }>, 'callId' | 'conversationId' | 'callerName' | 'functionName'> & {
  calleeId: string;
};

export interface PushNotifierOptions {
  redis: RedisClient;
  sender: PushSender;
  escalations: EscalationScheduler;
  now?: () => number;
  log: { warn(details: object, text: string): void };
  /**
   * True when the user holds a socket on this gateway: no Redis lookup is needed to know they are
   * live (the common case, and what made one presence round trip per recipient dominate the CPU).
   */
  connectedHere?: (userId: string) => boolean;
}

function preview(body: string): string {
  return body.length <= PUSH_BODY_MAX ? body : `${body.slice(0, PUSH_BODY_MAX - 1)}…`;
}

/**
 * Decides who gets a push for what happened:
 *   - a new message: each other member with no live socket on any gateway, unless the
 *     conversation is muted or it is their quiet hours;
 *   - an urgent message: every other member, always (Urgency high, short TTL), and its escalation;
 *   - a missed call (the server's `call.missed` line): like a message, to the callee; the line of
 *     an answered, declined or cut-off call (`call.ended`) wakes nobody, like the other system lines;
 *   - an incoming call: the callee, always, Urgency high.
 * The payload carries ids and the sender's name; the text only for users who enabled previews.
 */
export class PushNotifier {
  readonly #options: Required<PushNotifierOptions>;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(options: PushNotifierOptions) {
    this.#options = { now: Date.now, connectedHere: () => false, ...options };
  }

  /** Hook for every appended change (fire and forget): messages become pushes. */
  onAppended(appended: Appended): void {
    // Reads and conversation changes are the common case: skip them without parsing.
    if (!appended.change.startsWith('{"type":"message"')) return;
    // Every member connected here (the sender included, whose socket carried it) and no urgent flag
    // anywhere in the text (a flag in a body is escaped, `\"urgent\":true`, so it cannot match):
    // nobody to wake, and the change is not even parsed.
    if (!appended.change.includes('"urgent":true') && appended.memberIds.every(this.#options.connectedHere)) return;
    let raw: { message?: { senderId?: unknown; urgent?: unknown } };
    try {
      raw = JSON.parse(appended.change) as typeof raw;
    } catch {
      return;
    }
    // Before the schema: most messages have every recipient connected here, or connected on another
    // gateway (one lookup), and need nothing more.
    const senderId = raw.message?.senderId;
    if (raw.message?.urgent === true) return this.#notifyParsed(raw, appended.memberIds);
    const elsewhere = appended.memberIds.filter((id) => id !== senderId && !this.#options.connectedHere(id));
    if (elsewhere.length === 0) return;
    this.track(
      connectedAnywhere(this.#options.redis, elsewhere, this.#options.now()).then((live) => {
        const offline = elsewhere.filter((_, i) => !live[i]);
        if (offline.length > 0) this.#notifyParsed(raw, appended.memberIds, offline);
      }),
    );
  }

  /**
   * Checks a parsed change against its schema, then sends its pushes: to the members found `offline`,
   * or, urgent, to every member but its author, live or not.
   */
  #notifyParsed(raw: unknown, memberIds: readonly string[], offline?: readonly string[]): void {
    const parsed = Change.safeParse(raw);
    if (!parsed.success || parsed.data.type !== 'message') return;
    const { message } = parsed.data;
    this.track(this.notifyMessage(message, offline ?? memberIds.filter((id) => id !== message.senderId)));
  }

  /** Runs a push in the background (errors logged, never thrown); `whenIdle()` waits for it. */
  track(work: Promise<void>): void {
    const running = work.catch((err: unknown) => {
      this.#options.log.warn({ err: err instanceof Error ? err.message : 'unknown' }, 'push failed');
    });
    this.#inFlight.add(running);
    void running.finally(() => this.#inFlight.delete(running));
  }

  /** Resolves when every background push has settled (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  /** Sends the pushes for one new message to `recipients` (see the class comment and `onAppended`). */
  async notifyMessage(message: Message, recipients: readonly string[]): Promise<void> {
    const system = message.kind === 'system' ? message.system : undefined;
    const missedCallId = system?.type === 'call.missed' ? system.callId : undefined;
    // Other system lines (renames, members, calls that were not missed) are seen in the app, not worth waking a tablet.
    if (message.kind === 'system' && missedCallId === undefined) return;
    const missedCall = missedCallId !== undefined;
    const now = this.#options.now();
    if (recipients.length === 0) return;
    const preferences = await loadPreferencesOf(this.#options.redis, recipients);
    const alerted = recipients
      .map((userId, i) => ({ userId, preferences: preferences[i] as NotificationPreferences }))
      .filter(({ preferences: p }) => shouldAlert(p, { conversationId: message.conversationId, urgent: message.urgent }, now));
    if (alerted.length === 0) return;
    const [sender] = await getSummaries(this.#options.redis, [message.senderId]);
    const senderName = sender?.displayName ?? '';
    await Promise.all(
      alerted.map(async ({ userId, preferences: p }) => {
        const payload: PushPayload = {
          v: 1,
          kind: missedCall ? 'missed_call' : 'message',
          userId,
          conversationId: message.conversationId,
          messageId: message.messageId,
          seq: message.seq,
          ...(missedCallId === undefined ? {} : { callId: missedCallId }),
          senderName,
          urgent: message.urgent,
          ...(p.showPreview && !missedCall && message.body !== '' ? { body: preview(message.body) } : {}),
          sentAt: now,
        };
        await this.#options.sender.sendToUser(userId, payload, message.urgent ? URGENT_DELIVERY : NORMAL_DELIVERY);
        if (message.urgent) {
          await this.#options.escalations.schedule({
            userId,
            conversationId: message.conversationId,
            messageId: message.messageId,
            seq: message.seq,
            senderName,
          });
        }
      }),
    );
  }

  /** A reminder of an urgent message still unread (called by the escalation scheduler). */
  async sendReminder(entry: Escalation): Promise<void> {
    const payload: PushPayload = {
      v: 1,
      kind: 'escalation',
      userId: entry.userId,
      conversationId: entry.conversationId,
      messageId: entry.messageId,
      seq: entry.seq,
      senderName: entry.senderName,
      urgent: true,
      reminder: entry.reminder,
      sentAt: this.#options.now(),
    };
    await this.#options.sender.sendToUser(entry.userId, payload, URGENT_DELIVERY);
  }

  /** An urgent message, pushed with Urgency high to someone it just reached (a ladder's step, a new holder). */
  async alertUrgent(alert: UrgentAlert): Promise<void> {
    const payload: PushPayload = {
      v: 1,
      kind: 'message',
      userId: alert.userId,
      conversationId: alert.conversationId,
      messageId: alert.messageId,
      seq: alert.seq,
      senderName: alert.senderName,
      urgent: true,
      sentAt: this.#options.now(),
    };
    await this.#options.sender.sendToUser(alert.userId, payload, URGENT_DELIVERY);
  }

  /** Rings the callee's devices through push (the open tabs ring through the WebSocket too). */
  async notifyCall(call: IncomingCall): Promise<void> {
    const payload: PushPayload = {
      v: 1,
      kind: 'call',
      userId: call.calleeId,
      conversationId: call.conversationId,
      callId: call.callId,
      senderName: call.callerName,
      // A call to a function says so on the sleeping tablet too (the rota's name, from call.incoming).
      ...(call.functionName !== undefined ? { functionName: call.functionName } : {}),
      urgent: true,
      sentAt: this.#options.now(),
    };
    await this.#options.sender.sendToUser(call.calleeId, payload, URGENT_DELIVERY);
  }
}
