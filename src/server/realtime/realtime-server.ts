import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { LIMITS } from '../../shared/limits.ts';
import { isCallFrame } from '../../shared/calls.ts';
import { ClientFrame, type ServerFrame } from '../../shared/realtime.ts';
import type { GatewayContext } from '../core/context.ts';
import { PresenceTracker } from './presence.ts';
import { originAllowed, rawRequestOrigin } from '../auth/origin.ts';
import { resolveSession, SESSION_COOKIE } from '../auth/sessions.ts';
import type { SocketRegistry } from './socket-registry.ts';
import { KEYS } from '../store/keys.ts';

export const REALTIME_PATH = '/api/realtime';
const HEARTBEAT_MS = 30_000;
/** A client that lets this much pile up unread is cut (1013 "try again later"), not buffered forever. */
export const BUFFERED_HIGH_WATERMARK = 1024 * 1024;
const TYPING_INTERVAL_MS = 3_000;

export interface Realtime {
  dropUserSockets(userId: string): number;
  close(): void;
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * The `/api/realtime` WebSocket: authenticated by the session cookie and the Origin at upgrade,
 * carries live changes (from the bus), typing, pings; refuses frames for conversations the user is
 * not in with the same answer as for unknown ones.
 */
export function attachRealtime(app: FastifyInstance, ctx: GatewayContext, sockets: SocketRegistry): Realtime {
  const wss = new WebSocketServer({ noServer: true, maxPayload: LIMITS.WS_FRAME_MAX, perMessageDeflate: false });
  const alive = new WeakSet<WebSocket>();
  const lastTyping = new Map<string, number>();
  const presence = new PresenceTracker(ctx.redis, ctx.live);
  /** Each socket's presence entry: its id in the user's presence hash and what the device said last. */
  const devices = new Map<WebSocket, { userId: string; socketId: string; state: 'online' | 'away' }>();
  const presenceFailed = (err: unknown): void => app.log.warn({ err }, 'presence update failed');

  const send = (socket: WebSocket, frame: ServerFrame): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };

  const isMember = async (userId: string, conversationId: string): Promise<boolean> =>
    (await ctx.redis.sismember(KEYS.convMembers(conversationId), userId)) === 1;

  async function onFrame(socket: WebSocket, userId: string, data: RawData, isBinary: boolean): Promise<void> {
    let parsed: unknown;
    try {
      parsed = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      parsed = undefined;
    }
    const frame = ClientFrame.safeParse(parsed);
    if (!frame.success) return send(socket, { type: 'error', code: 'bad_request' });
    const f = frame.data;
    if (f.type === 'ping') return send(socket, { type: 'pong', t: f.t, serverTime: Date.now() });
    if (f.type === 'presence') {
      const device = devices.get(socket);
      if (device && device.state !== f.state) {
        device.state = f.state;
        await presence.set(userId, device.socketId, f.state);
      }
      return;
    }
    if (isCallFrame(f)) return ctx.calls?.handleFrame(userId, f, (reply) => send(socket, reply));
    if (!(await isMember(userId, f.conversationId))) {
      return send(socket, { type: 'error', code: 'conversation_not_found', conversationId: f.conversationId });
    }
    if (f.type === 'subscribe') return send(socket, { type: 'subscribed', conversationId: f.conversationId });
    // typing: coalesced to one signal per 3 s per user and conversation, never stored.
    const key = `${userId}:${f.conversationId}`;
    const now = Date.now();
    if (now - (lastTyping.get(key) ?? 0) < TYPING_INTERVAL_MS) return;
    lastTyping.set(key, now);
    const memberIds = await ctx.redis.smembers(KEYS.convMembers(f.conversationId));
    ctx.live.publishTyping(f.conversationId, memberIds, userId);
  }

  wss.on('connection', (socket: WebSocket, _request: IncomingMessage, userId: string) => {
    alive.add(socket);
    sockets.add(userId, socket);
    app.log.info({ userId, event: 'ws_open' }, 'realtime connected');
    socket.on('pong', () => alive.add(socket));
    socket.on('message', (data, isBinary) => {
      onFrame(socket, userId, data, isBinary).catch((err: unknown) => {
        app.log.warn({ err, userId }, 'realtime frame failed');
        send(socket, { type: 'error', code: 'unavailable' });
      });
    });
    const device = { userId, socketId: PresenceTracker.socketId(), state: 'online' as const };
    devices.set(socket, device);
    presence.set(userId, device.socketId, 'online').catch(presenceFailed);
    const gone = (): void => {
      sockets.remove(userId, socket);
      if (devices.delete(socket)) presence.remove(userId, device.socketId).catch(presenceFailed);
    };
    socket.on('close', gone);
    socket.on('error', gone);
    send(socket, { type: 'hello', userId, serverTime: Date.now() });
  });

  // Heartbeat: a socket that did not answer the previous ping is half-open and is dropped;
  // a socket whose unsent data passed the watermark is a slow client and is cut.
  const heartbeat = setInterval(() => {
    for (const socket of wss.clients) {
      if (socket.bufferedAmount > BUFFERED_HIGH_WATERMARK) {
        socket.close(1013, 'slow client');
        continue;
      }
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
    presence.refresh([...devices.values()]).catch(presenceFailed);
    const cutoff = Date.now() - TYPING_INTERVAL_MS;
    for (const [key, at] of lastTyping) if (at < cutoff) lastTyping.delete(key);
  }, HEARTBEAT_MS);
  heartbeat.unref();

  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = request.url ?? '';
    if (url.split('?')[0] !== REALTIME_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    const encrypted = Boolean((request.socket as { encrypted?: boolean }).encrypted);
    const own = rawRequestOrigin(request.headers, encrypted, ctx.config.trustProxy);
    if (!originAllowed(request.headers.origin, own, ctx.config.allowedOrigins)) {
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    const cookies = app.parseCookie(request.headers.cookie ?? '');
    resolveSession(ctx.redis, cookies[SESSION_COOKIE], ctx.config.sessionTtlSeconds).then(
      (userId) => {
        if (userId === null) return refuseUpgrade(socket, 401, 'Unauthorized');
        wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request, userId));
      },
      () => refuseUpgrade(socket, 503, 'Service Unavailable'),
    );
  });

  return {
    dropUserSockets: (userId) => sockets.dropUser(userId),
    close() {
      clearInterval(heartbeat);
      sockets.closeAll(1001, 'server shutting down');
      for (const socket of wss.clients) socket.terminate();
      wss.close();
    },
  };
}
