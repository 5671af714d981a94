import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

/*
 * The peer: a Socket.IO 4 relay doing the gateway's job — rooms are conversations, a message goes
 * to every member's socket — on ws, with @socket.io/redis-streams-adapter (so several processes
 * share one Redis) and connection-state recovery (its closest match to Relais's pull after a
 * reconnect). Its acknowledgement does not wait for any durable write.
 * Env: PORT, REDIS_URL, BENCH_WORKLOAD (JSON file with userIds and conversations).
 */

interface Workload {
  userIds: string[];
  conversations: { id: string; members: number[] }[];
}

const workload = JSON.parse(readFileSync(process.env.BENCH_WORKLOAD as string, 'utf8')) as Workload;
const roomsOf = new Map<string, string[]>();
const membersOf = new Map<string, Set<string>>();
for (const c of workload.conversations) {
  const ids = c.members.map((m) => workload.userIds[m] as string);
  membersOf.set(c.id, new Set(ids));
  for (const id of ids) roomsOf.set(id, [...(roomsOf.get(id) ?? []), c.id]);
}

const redis = new Redis(process.env.REDIS_URL as string);
const httpServer = createServer();
const ioServer = new Server(httpServer, {
  transports: ['websocket'],
  perMessageDeflate: false,
  adapter: createAdapter(redis),
  connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: true },
});

ioServer.on('connection', (socket) => {
  const userId = String((socket.handshake.auth as { userId?: unknown }).userId ?? '');
  const rooms = roomsOf.get(userId);
  if (!rooms) {
    socket.disconnect(true);
    return;
  }
  // A sender only (the reconnect storm's senders, bench/storm): may post, receives nothing.
  const senderOnly = (socket.handshake.auth as { role?: unknown }).role === 'sender';
  if (!senderOnly) void socket.join(rooms);
  socket.on('send', (msg: { conversationId: string; messageId: string; body: string }, ack: (ok: boolean) => void) => {
    if (typeof ack !== 'function') return;
    // Same membership rule as the gateway: only members may post to a room.
    if (!membersOf.get(msg?.conversationId)?.has(userId)) return ack(false);
    ioServer.to(msg.conversationId).emit('m', { conversationId: msg.conversationId, messageId: msg.messageId, senderId: userId, body: msg.body });
    ack(true);
  });
  socket.emit('ready');
});

httpServer.listen(Number(process.env.PORT), '127.0.0.1', () => console.info(`socketio relay listening on ${process.env.PORT}`));
const stop = (): void => {
  void ioServer.close();
  redis.disconnect();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
