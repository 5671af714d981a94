import { RelaisError } from '../../shared/errors.ts';
import { LIMITS } from '../../shared/limits.ts';
import type { ConversationSummary, LocalMessage } from '../../shared/sw-protocol.ts';
import { conversations, conversationsLoaded, findConversation, totalUnread } from '../state/conversations.ts';
import { messages, messagesError, messagesFor, readBy, readSeq } from '../state/messages.ts';
import { navigate, route } from '../state/route.ts';
import { newMessageId } from '../message-id.ts';
import { request } from '../sw-client.ts';

/** What `useChat()` gives a component (the seed's hook, over the SW-fed signals). */
export interface Chat {
  conversations: ConversationSummary[];
  conversationsLoaded: boolean;
  totalUnread: number;
  openConversationId: string | null;
  openConversation: ConversationSummary | undefined;
  messages: LocalMessage[];
  messagesLoaded: boolean;
  messagesError: string | null;
  readSeq: number;
  readBy: Record<string, number>;
  open(conversationId: string): void;
  close(): void;
  send(body: string): Promise<LocalMessage>;
  markRead(seq: number): Promise<void>;
  retry(messageId: string): Promise<void>;
}

/** Queue a message in the open conversation; the SW stores it (pending) and sends it when it can. */
export async function sendMessage(conversationId: string, body: string): Promise<LocalMessage> {
  const { message } = await request('message.send', {
    conversationId,
    messageId: newMessageId(),
    body: body.slice(0, LIMITS.MESSAGE_BODY_MAX),
  });
  return message;
}

/**
 * Conversations, the open conversation and its messages, and the actions on them. Reading it in a
 * component subscribes that component to the signals read.
 */
export function useChat(): Chat {
  const current = route.value;
  const openConversationId = current.name === 'conversation' ? current.conversationId : null;
  return {
    conversations: conversations.value,
    conversationsLoaded: conversationsLoaded.value,
    totalUnread: totalUnread.value,
    openConversationId,
    openConversation: findConversation(openConversationId),
    messages: messages.value,
    messagesLoaded: openConversationId !== null && messagesFor.value === openConversationId,
    messagesError: messagesError.value,
    readSeq: readSeq.value,
    readBy: readBy.value,
    open: (conversationId) => navigate(`/c/${conversationId}`),
    close: () => navigate('/'),
    send: (body) => {
      if (!openConversationId) return Promise.reject(new RelaisError('conversation_not_found'));
      return sendMessage(openConversationId, body);
    },
    markRead: async (seq) => {
      if (openConversationId) await request('read.mark', { conversationId: openConversationId, seq });
    },
    retry: async (messageId) => {
      await request('message.retry', { messageId });
    },
  };
}
