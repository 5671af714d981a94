import { RelaisError } from '../../../shared/errors.ts';
import { LIMITS } from '../../../shared/limits.ts';
import type { ReplyTarget } from '../../../shared/model.ts';
import type { ConversationSummary, LocalMessage } from '../../../shared/local-model.ts';
import type { FileUpload } from '../../../shared/sw-requests.ts';
import { conversations, conversationsLoaded, totalUnread } from '../conversations/conversations.ts';
import { messages, messagesError, messagesFor, olderLocal, openSummary, quoted, readBy, readSeq } from './messages.ts';
import { navigate, route } from '../../core/route.ts';
import { newId } from '../../../shared/ids.ts';
import { request } from '../../core/sw-client.ts';

/** What `useChat()` gives a component (the seed's hook, over the SW-fed signals). */
export interface Chat {
  conversations: ConversationSummary[];
  conversationsLoaded: boolean;
  totalUnread: number;
  openConversationId: string | null;
  openConversation: ConversationSummary | undefined;
  /** The loaded messages (the newest page, then older ones as the user scrolls up). */
  messages: LocalMessage[];
  /** Sent messages stored on this device before the first loaded one. */
  olderLocal: number;
  /** Stored copies of quoted messages outside the loaded pages, by id. */
  quoted: ReadonlyMap<string, LocalMessage>;
  messagesLoaded: boolean;
  messagesError: string | null;
  readSeq: number;
  readBy: Record<string, number>;
  open(conversationId: string): void;
  close(): void;
  send(body: string, extra?: SendExtras): Promise<LocalMessage>;
  markRead(seq: number): Promise<void>;
  retry(messageId: string): Promise<void>;
}

/**
 * Queue a message in the open conversation; the SW stores it (pending) and sends it when it can.
 * A body over the limit is refused with `message_too_long` (never cut: the sender keeps the text).
 */
export async function sendMessage(conversationId: string, body: string, extra: SendExtras = {}): Promise<LocalMessage> {
  if (body.length > LIMITS.MESSAGE_BODY_MAX) throw new RelaisError('message_too_long');
  const args = {
    conversationId,
    messageId: newId(),
    body,
    ...(extra.urgent ? { urgent: true } : {}),
    ...(extra.replyTo ? { replyTo: extra.replyTo } : {}),
    ...(extra.files && extra.files.length > 0 ? { files: extra.files } : {}),
  };
  try {
    return (await request('message.send', args)).message;
  } catch (error) {
    // The service worker may have been stopped while it handled the request, after storing the
    // message or before: asked again under the same id, it answers the stored row, or stores it now
    // — never a second message, and the composer does not give back a text already queued.
    if (!(error instanceof RelaisError && error.code === 'timeout')) throw error;
    return (await request('message.send', args)).message;
  }
}

/** What a message may carry besides its text: urgent flag, quoted message, files. */
export interface SendExtras {
  urgent?: boolean;
  /** The quoted message: its id only (the server finds its author; every device shows its own copy). */
  replyTo?: ReplyTarget;
  files?: FileUpload[];
}

/**
 * Tells the server (through the outbox: offline too) that the user opened this conversation on this
 * device: the audit trail's `conversation.opened`, the access log of who read which conversation.
 */
export function recordOpened(conversationId: string): void {
  request('conversation.act', { kind: 'conversation.open', conversationId }).catch(() => undefined);
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
    openConversation: conversations.value.find((summary) => summary.conversation.id === openConversationId) ?? (openSummary.value?.conversation.id === openConversationId ? openSummary.value ?? undefined : undefined),
    messages: messages.value,
    olderLocal: olderLocal.value,
    quoted: quoted.value,
    messagesLoaded: openConversationId !== null && messagesFor.value === openConversationId,
    messagesError: messagesError.value,
    readSeq: readSeq.value,
    readBy: readBy.value,
    open: (conversationId) => navigate(`/c/${conversationId}`),
    close: () => navigate('/'),
    send: (body, extra) => {
      if (!openConversationId) return Promise.reject(new RelaisError('conversation_not_found'));
      return sendMessage(openConversationId, body, extra);
    },
    markRead: async (seq) => {
      if (openConversationId) await request('read.mark', { conversationId: openConversationId, seq });
    },
    retry: async (messageId) => {
      await request('message.retry', { messageId });
    },
  };
}
