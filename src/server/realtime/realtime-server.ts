import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { LIMITS } from '../../shared/limits.ts';
import { frameAction, rateLimitedFrame } from '../abuse/abuse-limits.ts';
import { ClientFrame, type ServerFrame } from '../../shared/realtime.ts';
import { originAllowed } from '../auth/origin.ts';
import { lookUpSession } from '../auth/require-user.ts';
import { liveSessions, SESSION_COOKIE, sessionKey } from '../auth/sessions.ts';
import type { GatewayCore } from '../core/context.ts';
import { errorFields } from '../core/error-fields.ts';
import { hostAllowed } from '../http/host-allowlist.ts';
import { rawRequestOrigin, trustFunction } from '../http/proxy-trust.ts';
import { isMember } from '../store/conversations.ts';
import { KEYS } from '../store/keys.ts';
import type { FrameHandler } from './frame-handler.ts';
import type { PresenceDevice } from './presence.ts';
import { SessionSockets } from './session-sockets.ts';

export const REALTIME_PATH = '/api/realtime';
/** A client that lets this much pile up unread is cut (1013 "try again later"), not buffered forever. */
export const BUFFERED_HIGH_WATERMARK = 1024 * 1024;
const TYPING_INTERVAL_MS = 3_000;

export interface Realtime {
  dropUserSockets(userId: string): number;
  /** Closes every socket and removes this gateway's presence entries. */
  close(): Promise<void>;
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * The `/api/realtime` WebSocket: authenticated by the session cookie and the Origin at upgrade,
 * carries live changes (from the bus), typing, presence, pings, and hands the frames features own
 * (`handlers`, e.g. `call.*`) to them; refuses frames for conversations the user is not in with the
 * same answer as for unknown ones, and frames past their abuse limit (abuse/) with `rate_limited`.
 */
export function attachRealtime(app: FastifyInstance, core: GatewayCore, handlers: readonly FrameHandler[]): Realtime {
  const { redis, config, live, sockets, presence, limits } = core;
  const wss = new WebSocketServer({ noServer: true, maxPayload: LIMITS.WS_FRAME_MAX, perMessageDeflate: false });
  const alive = new WeakSet<WebSocket>();
  const lastTyping = new Map<string, number>();
  /** Each socket's presence device. */
  const devices = new Map<WebSocket, PresenceDevice>();
  const sessionSockets = new SessionSockets();
  live.onSessionsEnded((keys) => sessionSockets.end(keys));

  /** Closes the sockets of the sessions that ended without an event reaching here (expiry, lost event). */
  async function endLapsedSessions(): Promise<void> {
    const keys = sessionSockets.keys();
    const stillLive = await liveSessions(redis, keys);
    const closed = sessionSockets.end(keys.filter((key) => !stillLive.has(key)));
    if (closed > 0) app.log.info({ sockets: closed, event: 'ws_session_ended' }, 'sockets of ended sessions closed');
  }

  const send = (socket: WebSocket, frame: ServerFrame): void => sockets.send(socket, JSON.stringify(frame));

  async function onFrame(socket: WebSocket, userId: string, session: string, data: RawData, isBinary: boolean): Promise<void> {
    let parsed: unknown;
    try {
      parsed = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      parsed = undefined;
    }
    const result = ClientFrame.safeParse(parsed);
    if (!result.success) return send(socket, { type: 'error', code: 'bad_request' });
    const frame = result.data;
    if (frame.type === 'ping') return send(socket, { type: 'pong', t: frame.t, serverTime: Date.now() });
    const action = frameAction(frame);
    const device = devices.get(socket);
    if (action && device) {
      const retryAfterMs = await limits.takeForFrame(action, device.socketId, userId);
      if (retryAfterMs > 0) return send(socket, rateLimitedFrame(frame, retryAfterMs));
    }
    if (frame.type === 'presence') {
      if (device) await presence.changed(device, frame.state);
      return;
    }
    const handler = handlers.find((h) => h.accepts(frame));
    if (handler) return handler.handle(userId, frame, (reply) => send(socket, reply), session);
    // A frame no registered feature takes is ignored.
    if (frame.type !== 'typing' && frame.type !== 'subscribe') return;
    if (!(await isMember(redis, userId, frame.conversationId))) {
      return send(socket, { type: 'error', code: 'conversation_not_found', conversationId: frame.conversationId });
    }
    if (frame.type === 'subscribe') return send(socket, { type: 'subscribed', conversationId: frame.conversationId });
    // typing: coalesced to one signal per 3 s per user and conversation, never stored.
    const key = `${userId}:${frame.conversationId}`;
    const now = Date.now();
    if (now - (lastTyping.get(key) ?? 0) < TYPING_INTERVAL_MS) return;
    lastTyping.set(key, now);
    const memberIds = await redis.smembers(KEYS.convMembers(frame.conversationId));
    live.publishTyping(frame.conversationId, memberIds, userId);
  }

  wss.on('connection', (socket: WebSocket, _request: IncomingMessage, userId: string, session: string) => {
    alive.add(socket);
    sockets.add(userId, socket);
    sessionSockets.add(session, socket);
    app.log.info({ userId, event: 'ws_open' }, 'realtime connected');
    socket.on('pong', () => alive.add(socket));
    socket.on('message', (data, isBinary) => {
      // Closing (its session ended, or it is cut): ws still hands over what arrives until the peer
      // answers the close, and none of it may act for the session.
      if (socket.readyState !== socket.OPEN) return;
      onFrame(socket, userId, session, data, isBinary).catch((err: unknown) => {
        app.log.warn({ err: errorFields(err), userId }, 'realtime frame failed');
        send(socket, { type: 'error', code: 'unavailable' });
      });
    });
    devices.set(socket, presence.opened(userId));
    const gone = (): void => {
      sockets.remove(userId, socket);
      sessionSockets.remove(session, socket);
      const device = devices.get(socket);
      if (device && devices.delete(socket)) presence.closed(device);
    };
    socket.on('close', gone);
    socket.on('error', gone);
    send(socket, { type: 'hello', userId, serverTime: Date.now() });
  });

  // Heartbeat: a socket that did not answer the previous ping is half-open and is dropped;
  // a socket whose unsent data passed the watermark is a slow client and is cut; a socket whose
  // session ended is closed.
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
    presence.refresh().catch((err: unknown) => app.log.warn({ err }, 'presence update failed'));
    const cutoff = Date.now() - TYPING_INTERVAL_MS;
    for (const [key, at] of lastTyping) if (at < cutoff) lastTyping.delete(key);
    endLapsedSessions().catch((err: unknown) => app.log.warn({ err: errorFields(err) }, 'session check failed'));
  }, config.heartbeatMs);
  heartbeat.unref();

  const trust = trustFunction(config.trustProxy);
  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = request.url ?? '';
    if (url.split('?')[0] !== REALTIME_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    const own = rawRequestOrigin(request, trust);
    if (!hostAllowed(own.host, config.allowedHosts)) return refuseUpgrade(socket, 421, 'Misdirected Request');
    if (!originAllowed(request.headers.origin, own, config.allowedOrigins)) {
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    const session = sessionKey(app.parseCookie(request.headers.cookie ?? '')[SESSION_COOKIE]);
    // Checked as any route's session, hints included: the device's pushes of messages may then skip
    // the lookup (auth/session-hints.ts), whether or not it pulled through this gateway first.
    lookUpSession(redis, session, core.settings.sessionTtlSeconds(), core.sessionHints).then(
      (userId) => {
        if (userId === null) return refuseUpgrade(socket, 401, 'Unauthorized');
        // Routed fan-out: this gateway follows the user's channels before the socket opens, so an
        // event published from then on reaches it; anything earlier was appended before the open,
        // and the client pulls once open. The routes go with the TCP socket, whatever ends it.
        return live.hold(userId).then(
          (release) => {
            if (socket.destroyed) return release();
            socket.once('close', release);
            // The socket belongs to this session: it is closed when the session ends.
            wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request, userId, session));
          },
          (err: unknown) => {
            app.log.warn({ err: errorFields(err), userId }, 'live routes not subscribed');
            refuseUpgrade(socket, 503, 'Service Unavailable');
          },
        );
      },
      () => refuseUpgrade(socket, 503, 'Service Unavailable'),
    );
  });

  return {
    dropUserSockets: (userId) => sockets.dropUser(userId),
    async close() {
      clearInterval(heartbeat);
      devices.clear();
      sockets.closeAll(1001, 'server shutting down');
      for (const socket of wss.clients) socket.terminate();
      wss.close();
      await presence.close();
    },
  };
}
