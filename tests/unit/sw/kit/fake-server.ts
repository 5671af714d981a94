import { Mutation, type MutationResult } from '../../../../src/shared/mutations.ts';
import { newId } from '../../../../src/shared/ids.ts';
import type { Change, Conversation, Message, User } from '../../../../src/shared/model.ts';

/**
 * A small in-memory Relais gateway speaking the real `/api` shapes (push, pull, login, logout,
 * users), for unit tests of the service worker modules. Faults are scripted per request.
 */

/** A scripted outcome for the next request: `none` lets it through. */
export type Fault = 'none' | 'network' | 'lose-response' | { status: number; code: string };

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

function json(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

function error(status: number, code: string): Response {
  return json(status, { error: { code, message: code } });
}

export class FakeServer {
  readonly users = new Map<string, User & { password: string }>();
  /** Accounts with a second factor: user id → the one code the fake takes. */
  readonly otpCodes = new Map<string, string>();
  readonly conversations = new Map<string, Conversation>();
  readonly logs = new Map<string, Message[]>();
  readonly feeds = new Map<string, Change[]>();
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  epoch = 'e1';
  pageSize = 500;
  clock = 1_000_000;
  inFlight = 0;
  maxInFlight = 0;
  /** While set, every request waits for it (to observe concurrency). */
  gate: Promise<void> | null = null;
  /** The `conversation.open` mutations received: who opened which conversation (the audit trail's record). */
  readonly opened: { userId: string; conversationId: string }[] = [];
  /** Users whose session the server considers gone (401). */
  readonly expired = new Set<string>();
  /** Users whose session was ended from elsewhere, and the code the server says it with (remote wipe). */
  readonly revoked = new Map<string, 'device_revoked' | 'account_closed'>();
  readonly #results = new Map<string, MutationResult>();

  addUser(username: string, displayName = username): User {
    const user: User = { id: newId(), username, displayName, role: 'doctor' };
    this.users.set(user.id, { ...user, password: 'correct horse' });
    return user;
  }

  /** Creates a conversation directly on the server and feeds it to its members. */
  addConversation(participants: User[]): Conversation {
    const conversation: Conversation = {
      id: newId(),
      kind: participants.length === 2 ? 'direct' : 'group',
      title: null,
      participants: participants.map((u) => ({ id: u.id, displayName: u.displayName, role: u.role })),
      createdBy: participants[0]!.id,
      createdAt: this.clock++,
      patient: null,
    };
    this.conversations.set(conversation.id, conversation);
    this.logs.set(conversation.id, []);
    this.#fanOut(conversation, { type: 'conversation', conversation });
    return conversation;
  }

  /** Appends a message as if `sender` had pushed it; returns it. */
  addMessage(conversationId: string, sender: User, body: string): Message {
    return this.#append(conversationId, sender.id, newId(), body, false);
  }

  /** The changes `userId` would pull, from the start. */
  feed(userId: string): Change[] {
    return this.feeds.get(userId) ?? [];
  }

  /** Drops everything (as if Redis lost its data): cursors from before now answer `reset`. */
  newEpoch(): void {
    this.epoch = `e${Number(this.epoch.slice(1)) + 1}`;
  }

  /** A `fetch` for a device where `userId` is signed in (null: no session cookie yet). */
  fetchFor(device: { userId: string | null }): (input: string, init?: RequestInit) => Promise<Response> {
    return async (input, init) => {
      const url = new URL(input);
      const method = init?.method ?? 'GET';
      const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
      this.requests.push({ method, path: url.pathname + url.search, body });
      this.inFlight += 1;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      try {
        if (this.gate) await this.gate;
        const fault = this.faults.shift();
        if (fault === 'network') throw new TypeError('Failed to fetch');
        if (fault && fault !== 'lose-response' && fault !== 'none') return error(fault.status, fault.code);
        const response = this.#route(device, method, url, body);
        if (fault === 'lose-response') throw new TypeError('network connection lost');
        return response;
      } finally {
        this.inFlight -= 1;
      }
    };
  }

  #route(device: { userId: string | null }, method: string, url: URL, body: unknown): Response {
    if (method === 'POST' && url.pathname === '/api/auth/login') {
      const { username, password, otp } = body as { username: string; password: string; otp?: string };
      const user = [...this.users.values()].find((u) => u.username === username && u.password === password);
      if (!user) return error(401, 'invalid_credentials');
      const code = this.otpCodes.get(user.id);
      if (code !== undefined && otp !== code) return error(401, otp === undefined ? 'otp_required' : 'otp_invalid');
      device.userId = user.id;
      this.expired.delete(user.id);
      const { password: _password, ...publicUser } = user;
      return json(200, { user: publicUser });
    }
    const userId = device.userId;
    const revoked = userId === null ? undefined : this.revoked.get(userId);
    if (revoked) return error(401, revoked);
    if (!userId || this.expired.has(userId)) return error(401, 'unauthenticated');
    if (method === 'POST' && url.pathname === '/api/auth/logout') {
      device.userId = null;
      return new Response(null, { status: 204 });
    }
    if (method === 'GET' && url.pathname === '/api/users') {
      const q = (url.searchParams.get('q') ?? '').toLowerCase();
      const users = [...this.users.values()]
        .filter((u) => u.displayName.toLowerCase().includes(q))
        .map((u) => ({ id: u.id, displayName: u.displayName, role: u.role }));
      return json(200, { users });
    }
    if (method === 'POST' && url.pathname === '/api/sync/push') return this.#push(userId, body);
    if (method === 'GET' && url.pathname === '/api/sync/pull') return this.#pull(userId, url);
    return error(404, 'not_found');
  }

  #push(userId: string, body: unknown): Response {
    const { mutations } = body as { mutations: unknown[] };
    const results = mutations.map((raw): MutationResult => {
      const parsed = Mutation.safeParse(raw);
      const id = (raw as { id?: unknown }).id;
      if (!parsed.success) return { id: String(id), ok: false, error: { code: 'bad_request' } };
      const key = `${userId}:${parsed.data.id}`;
      const previous = this.#results.get(key);
      if (previous) return previous;
      const result = this.#apply(userId, parsed.data);
      // Only committed outcomes are remembered: a refused mutation may succeed when retried later.
      if (result.ok) this.#results.set(key, result);
      return result;
    });
    return json(200, { results });
  }

  #apply(userId: string, mutation: Mutation): MutationResult {
    switch (mutation.kind) {
      case 'message.send': {
        const conversation = this.conversations.get(mutation.args.conversationId);
        if (!conversation || !conversation.participants.some((p) => p.id === userId)) {
          return { id: mutation.id, ok: false, error: { code: 'conversation_not_found' } };
        }
        // As the gateway: an id is taken once per conversation; a quote names a message of it.
        const log = this.logs.get(conversation.id) ?? [];
        if (log.some((m) => m.messageId === mutation.args.messageId)) return { id: mutation.id, ok: false, error: { code: 'message_id_taken' } };
        const quoted = mutation.args.replyTo && log.find((m) => m.messageId === mutation.args.replyTo?.messageId);
        if (mutation.args.replyTo && !quoted) return { id: mutation.id, ok: false, error: { code: 'reply_not_found' } };
        const replyTo = quoted ? { messageId: quoted.messageId, senderId: quoted.senderId } : undefined;
        const message = this.#append(conversation.id, userId, mutation.args.messageId, mutation.args.body, mutation.args.urgent ?? false, replyTo);
        return { id: mutation.id, ok: true, result: { seq: message.seq, serverTime: message.serverTime } };
      }
      case 'read.mark': {
        const conversation = this.conversations.get(mutation.args.conversationId);
        if (!conversation) return { id: mutation.id, ok: false, error: { code: 'conversation_not_found' } };
        this.#fanOut(conversation, { type: 'read', conversationId: conversation.id, userId, seq: mutation.args.seq });
        return { id: mutation.id, ok: true, result: {} };
      }
      case 'conversation.create': {
        const creator = this.users.get(userId)!;
        const others = mutation.args.participantIds.map((id) => this.users.get(id));
        if (others.some((u) => !u)) return { id: mutation.id, ok: false, error: { code: 'participants_invalid' } };
        const members = [creator, ...(others as User[])];
        const existing = [...this.conversations.values()].find(
          (c) => c.kind === 'direct' && members.length === 2 && members.every((m) => c.participants.some((p) => p.id === m.id)),
        );
        if (existing) return { id: mutation.id, ok: true, result: { conversation: existing } };
        const conversation = this.addConversation(members);
        return { id: mutation.id, ok: true, result: { conversation } };
      }
      case 'conversation.open': {
        // As the gateway: recorded (here, in `opened`), nothing written to the conversation.
        const conversation = this.conversations.get(mutation.args.conversationId);
        if (!conversation?.participants.some((p) => p.id === userId)) return { id: mutation.id, ok: false, error: { code: 'conversation_not_found' } };
        this.opened.push({ userId, conversationId: conversation.id });
        return { id: mutation.id, ok: true, result: {} };
      }
      default:
        return { id: mutation.id, ok: false, error: { code: 'unknown_mutation' } };
    }
  }

  #pull(userId: string, url: URL): Response {
    const cursor = url.searchParams.get('cursor');
    let from = 0;
    if (cursor !== null) {
      const [epoch, index] = cursor.split(':');
      // Of another epoch, or malformed: a reset, as the gateway answers.
      if (epoch !== this.epoch || !/^\d{1,16}$/.test(index ?? '')) return json(200, { reset: true, cursor: `${this.epoch}:0` });
      from = Number(index);
    }
    const feed = this.feed(userId);
    const changes = feed.slice(from, from + this.pageSize);
    const next = from + changes.length;
    return json(200, { changes, cursor: `${this.epoch}:${next}`, hasMore: next < feed.length });
  }

  #append(conversationId: string, senderId: string, messageId: string, body: string, urgent: boolean, replyTo?: Message['replyTo']): Message {
    const log = this.logs.get(conversationId)!;
    const message: Message = { conversationId, messageId, seq: log.length + 1, senderId, body, serverTime: this.clock++, urgent, ...(replyTo ? { replyTo } : {}) };
    log.push(message);
    this.#fanOut(this.conversations.get(conversationId)!, { type: 'message', message });
    return message;
  }

  #fanOut(conversation: Conversation, change: Change): void {
    for (const participant of conversation.participants) {
      const feed = this.feeds.get(participant.id) ?? [];
      feed.push(change);
      this.feeds.set(participant.id, feed);
    }
  }
}
