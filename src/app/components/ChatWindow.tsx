import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { conversationTitle } from '../display.ts';
import { useChat } from '../hooks/use-chat.ts';
import { t, tError } from '../i18n/index.ts';
import { highestSeq, startsRun } from '../state/message-order.ts';
import { currentUserId } from '../state/session.ts';
import { Composer } from './Composer.tsx';
import { MessageItem, senderNameOf } from './MessageItem.tsx';

/** Mark read up to the newest message while the conversation is open and the tab visible. */
function useMarkRead(conversationId: string | null, top: number, readSeq: number, markRead: (seq: number) => Promise<void>, ready: boolean): void {
  const marked = useRef({ conversationId: '', seq: 0 });
  useEffect(() => {
    if (!conversationId || !ready) return;
    const mark = (): void => {
      if (document.visibilityState !== 'visible' || top <= readSeq) return;
      const last = marked.current;
      if (last.conversationId === conversationId && last.seq >= top) return;
      marked.current = { conversationId, seq: top };
      markRead(top).catch(() => {
        // Try again on the next change or when the tab shows again.
        marked.current = { conversationId: '', seq: 0 };
      });
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [conversationId, top, readSeq, ready, markRead]);
}

/** The open conversation: header, messages (oldest first), composer. */
export function ChatWindow() {
  const chat = useChat();
  const myId = currentUserId.value;
  const list = useRef<HTMLOListElement>(null);
  const { openConversationId, openConversation, messages } = chat;
  const top = highestSeq(messages);
  useMarkRead(openConversationId, top, chat.readSeq, chat.markRead, chat.messagesLoaded);

  // Keep the newest message in view when messages arrive or the conversation changes.
  useLayoutEffect(() => {
    const element = list.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [openConversationId, messages.length]);

  if (!openConversationId) {
    return (
      <section class="pane chat-pane chat-pane--empty">
        <p class="pane__empty">{t('chat.select')}</p>
      </section>
    );
  }

  const conversation = openConversation?.conversation;
  const title = conversation ? conversationTitle(conversation, myId, t('list.untitled')) : '';
  const participants = conversation?.participants ?? [];
  const isGroup = conversation?.kind === 'group';
  const now = Date.now();
  return (
    <section class="pane chat-pane" data-testid="chat-window" aria-labelledby="chat-title">
      <div class="pane__header chat-header">
        <button type="button" class="button button--ghost chat-header__back" aria-label={t('chat.back')} onClick={chat.close}>
          <svg aria-hidden="true" viewBox="0 0 24 24" width="24" height="24">
            <path fill="currentColor" d="M15.4 7.4 14 6l-6 6 6 6 1.4-1.4L10.8 12z" />
          </svg>
        </button>
        <div class="chat-header__text">
          <h2 id="chat-title" class="pane__title">
            {title}
          </h2>
          {isGroup && (
            <p class="chat-header__participants">
              {t('chat.participants', { names: participants.map((p) => (p.id === myId ? t('chat.you') : p.displayName)).join(', ') })}
            </p>
          )}
        </div>
      </div>
      {chat.messagesError && !chat.messagesLoaded ? (
        <p class="pane__empty" role="alert">
          {chat.messagesError === 'conversation_not_found' ? t('chat.notFound') : tError(chat.messagesError)}
        </p>
      ) : (
        <ol ref={list} class="message-list" aria-live="polite" aria-label={t('chat.messages')} tabIndex={0}>
          {chat.messagesLoaded && messages.length === 0 && <li class="pane__empty">{t('chat.empty')}</li>}
          {messages.map((message, index) => {
            const mine = message.senderId === myId;
            const showSender = isGroup && !mine && startsRun(message, messages[index - 1]);
            return (
              <MessageItem
                key={message.messageId}
                message={message}
                mine={mine}
                senderName={showSender ? senderNameOf(participants, message.senderId) : null}
                now={now}
                onRetry={chat.retry}
              />
            );
          })}
        </ol>
      )}
      <Composer conversationId={openConversationId} onSend={chat.send} />
    </section>
  );
}
