import { Agent, request } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { SESSION_COOKIE } from '../../src/server/auth/sessions.ts';

/** A message as a recipient's socket sees it. */
export interface Received {
  conversationId: string;
  messageId: string;
  senderId: string;
  body: string;
  /** Relais's per-conversation sequence number (absent for the peer). */
  seq?: number;
}

/** One user's connection to a server under test: the thin layer between the load generator and a protocol. */
export interface ClientConnection {
  /** Sends a message; resolves when the server acknowledged it. */
  send(conversationId: string, messageId: string, body: string): Promise<void>;
  close(): void;
}

export type Connect = (
  user: { id: string; token: string },
  baseUrl: string,
  onMessage: (message: Received) => void,
) => Promise<ClientConnection>;

const agents = new Map<string, Agent>();
function agentFor(baseUrl: string): Agent {
  let agent = agents.get(baseUrl);
  if (!agent) agents.set(baseUrl, (agent = new Agent({ keepAlive: true, maxSockets: 128 })));
  return agent;
}

function postJson(baseUrl: string, path: string, cookie: string, body: string): Promise<string> {
  return new Promise((done, fail) => {
    const url = new URL(path, baseUrl);
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent: agentFor(baseUrl),
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), cookie, origin: baseUrl },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode === 200) done(text);
          else fail(new Error(`HTTP ${res.statusCode}`));
        });
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

/**
 * Relais: live changes on `/api/realtime` (session cookie); sends go as the outbox batch in a `push`
 * frame on that socket, answered by `pushed` once stored in Redis (the gateway's path for a push a tab
 * carries, src/sw/sync/tab-carrier.ts). BENCH_RELAIS_PUSH=http sends them as `POST /api/sync/push`
 * instead: the service worker's way today, the carrier not being wired yet.
 */
export const connectRelais: Connect = (user, baseUrl, onMessage) =>
  new Promise((done, fail) => {
    const cookie = `${SESSION_COOKIE}=${user.token}`;
    const socket = new WebSocket(baseUrl.replace(/^http/, 'ws') + '/api/realtime', {
      headers: { cookie, origin: baseUrl },
      perMessageDeflate: false,
    });
    const answers = new Map<string, (answer: { status: number; body: unknown }) => void>();
    let refs = 0;
    const overSocket = (payload: string): Promise<string> =>
      new Promise((answered, failed) => {
        const ref = String((refs += 1));
        answers.set(ref, ({ status, body }) => (status === 200 ? answered(JSON.stringify(body)) : failed(new Error(`pushed ${status}`))));
        socket.send(`{"type":"push","ref":"${ref}","push":${payload}}`);
      });
    const viaHttp = (payload: string): Promise<string> => postJson(baseUrl, '/api/sync/push', cookie, payload);
    socket.once('error', fail);
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; ref?: string; status?: number; body?: unknown; changes?: { type: string; message?: Received }[] };
      if (frame.type === 'hello') {
        done({ send: outbox(process.env.BENCH_RELAIS_PUSH === 'http' ? viaHttp : overSocket), close: () => socket.terminate() });
        return;
      }
      if (frame.type === 'pushed') {
        const answer = answers.get(frame.ref ?? '');
        answers.delete(frame.ref ?? '');
        answer?.({ status: frame.status ?? 0, body: frame.body });
        return;
      }
      if (frame.type !== 'changes' || !frame.changes) return;
      for (const change of frame.changes) if (change.type === 'message' && change.message) onMessage(change.message);
    });
  });

/**
 * Sends like the service worker's outbox: one push in flight per user; messages queued meanwhile go
 * together in the next push (≤ 100), in order. Each send resolves when its push answered.
 */
function outbox(pushBody: (payload: string) => Promise<string>): ClientConnection['send'] {
  let queue: { mutation: object; done: () => void; fail: (err: Error) => void }[] = [];
  let flushing = false;
  const flush = async (): Promise<void> => {
    flushing = true;
    while (queue.length > 0) {
      const batch = queue.slice(0, 100);
      queue = queue.slice(batch.length);
      const payload = JSON.stringify({ deviceId: 'bench', mutations: batch.map((b) => b.mutation) });
      try {
        const answer = JSON.parse(await pushBody(payload)) as { results: { ok: boolean }[] };
        batch.forEach((b, i) => (answer.results[i]?.ok ? b.done() : b.fail(new Error('refused'))));
      } catch (err) {
        for (const b of batch) b.fail(err as Error);
      }
    }
    flushing = false;
  };
  return (conversationId, messageId, body) =>
    new Promise((done, fail) => {
      queue.push({ mutation: { id: messageId, kind: 'message.send', args: { conversationId, messageId, body } }, done, fail });
      if (!flushing) void flush();
    });
}

/** The Socket.IO relay (bench/peers): `send` with an acknowledgement, messages as `m` events. */
export const connectSocketIo: Connect = (user, baseUrl, onMessage) =>
  new Promise((done, fail) => {
    const socket: Socket = io(baseUrl, { transports: ['websocket'], auth: { userId: user.id }, reconnection: false });
    socket.once('connect_error', fail);
    socket.on('m', (message: Received) => onMessage(message));
    // The server has joined the user's rooms before it answers "ready".
    socket.once('ready', () =>
      done({
        send: (conversationId, messageId, body) =>
          new Promise((sent, refused) => {
            socket.timeout(30_000).emit('send', { conversationId, messageId, body }, (err: unknown, ok: boolean) =>
              err || !ok ? refused(err ?? new Error('refused')) : sent(),
            );
          }),
        close: () => socket.disconnect(),
      }),
    );
  });
