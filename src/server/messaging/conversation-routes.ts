import type { FastifyInstance } from 'fastify';
import { HistoryQuery, UsersQuery } from '../../shared/http.ts';
import { LIMITS } from '../../shared/limits.ts';
import { Id } from '../../shared/model.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendRateLimited } from '../abuse/abuse-limits.ts';
import { sendError } from '../http/http-errors.ts';
import { getConversation, listConversations, readHistory } from '../store/conversations.ts';
import { searchDirectory } from '../policy/directory.ts';
import { openUrgentOf } from '../store/urgent-open.ts';

const USERS_MAX = 20;

/** `GET /api/users`, `GET /api/urgent/open`, `GET /api/conversations`, `GET /api/conversations/:id/messages`. */
export async function conversationRoutes(app: FastifyInstance, ctx: GatewayCore): Promise<void> {
  const preHandler = ctx.requireUser;

  app.get('/api/users', { preHandler }, async (request, reply) => {
    const query = UsersQuery.safeParse(request.query);
    if (!query.success) return sendError(reply, 'bad_request');
    return { users: await searchDirectory(ctx.redis, request.userId, query.data.q ?? '', USERS_MAX) };
  });

  // My urgent messages some recipient has not answered yet (store/urgent-open.ts): ids and states, never text.
  app.get('/api/urgent/open', { preHandler }, async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    const { allowed, retryAfterMs } = await ctx.limits.takeForUser('urgentList', request.userId);
    if (allowed === 0) return sendRateLimited(reply, retryAfterMs);
    return { urgent: await openUrgentOf(ctx.redis, request.userId, Date.now()) };
  });

  app.get('/api/conversations', { preHandler }, async (request) => {
    return { conversations: await listConversations(ctx.redis, request.userId) };
  });

  app.get('/api/conversations/:id/messages', { preHandler }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const query = HistoryQuery.safeParse(request.query);
    if (!query.success) return sendError(reply, 'bad_request');
    // A malformed id gets the same answer as a conversation the user is not in.
    if (!Id.safeParse(id).success) return sendError(reply, 'conversation_not_found');
    const messages = await readHistory(ctx.redis, request.userId, id, {
      before: query.data.before,
      limit: query.data.limit ?? LIMITS.HISTORY_LIMIT_DEFAULT,
    });
    if (messages === null) return sendError(reply, 'conversation_not_found');
    const patientId = (await getConversation(ctx.redis, id))?.patient?.nationalId;
    await ctx.audit.record({ action: 'conversation.opened', actor: request.userId, conversationId: id, ...(patientId ? { patientId } : {}) });
    return { messages };
  });
}
