import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { LocalMessage } from '../../../shared/local-model.ts';
import { focusMessageId } from '../../core/focus.ts';
import { ChatSubtitle } from './ChatSubtitle.tsx';
import { ConversationMenu } from './ConversationMenu.tsx';
import { TypingLine } from './TypingLine.tsx';
import { conversationTitle } from '../../ui/display.ts';
import { recordOpened, useChat } from './use-chat.ts';
import { loadEditWindow } from './edit-window.ts';
import { t, tError } from '../../core/i18n/index.ts';
import { tChat } from '../../core/i18n/chat.ts';
import { highestSeq } from './message-order.ts';
import { loadOlderLocal } from './messages.ts';
import { quoteCopies, resolveQuote } from './quote.ts';
import { currentUserId, withPatient } from '../../core/session.ts';
import { CallButtons } from '../calls/CallButtons.tsx';
import { Composer } from './composer/Composer.tsx';
import { GroupPresence } from '../presence/GroupPresence.tsx';
import { MessageList } from './message-list/MessageList.tsx';
import { senderNameOf } from './message-list/MessageItem.tsx';
import { viewedFile } from './viewer/viewed-file.ts';
import { lazyComponent } from '../../ui/lazy-component.ts';

// The file viewer: its own chunk (and stylesheet), fetched when a file is first opened.
const FileViewer = lazyComponent(() => import('./viewer/FileViewer.tsx').then((m) => m.FileViewer));

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

/**
 * How long a conversation being opened may keep the pane as it was while its first page of messages
 * loads: arriving within it, the conversation is rendered once, with its messages, instead of an
 * empty conversation first (a frame and a layout more on a slow tablet).
 */
const FIRST_PAGE_GRACE_MS = 250;

/** True once `conversationId`'s messages are loaded, or FIRST_PAGE_GRACE_MS after it was opened. */
function useShown(conversationId: string | null, loaded: boolean): boolean {
  const [late, setLate] = useState<string | null>(null);
  useEffect(() => {
    if (!conversationId || loaded) return;
    const timer = setTimeout(() => setLate(conversationId), FIRST_PAGE_GRACE_MS);
    return () => clearTimeout(timer);
  }, [conversationId, loaded]);
  return loaded || late === conversationId;
}

/** The open conversation: header, messages (oldest first), composer. */
export function ChatWindow() {
  const chat = useChat();
  const myId = currentUserId.value;
  const { openConversationId, openConversation, messages } = chat;
  const top = useMemo(() => highestSeq(messages), [messages]);
  const [replyTo, setReplyTo] = useState<LocalMessage | null>(null);
  const copies = useMemo(() => quoteCopies(messages, chat.quoted), [messages, chat.quoted]);
  const [highlighted, setHighlighted] = useState<string | null>(null);
  useEffect(() => setReplyTo(null), [openConversationId]);
  useEffect(loadEditWindow, [openConversationId]);
  // A file belongs to its conversation: opening another one closes the viewer.
  useEffect(() => () => (viewedFile.value = null), [openConversationId]);
  // Each opening is an access the clinic's log records (CNIL), even from the device's own copy.
  useEffect(() => {
    if (openConversationId) recordOpened(openConversationId);
  }, [openConversationId]);
  useMarkRead(openConversationId, top, chat.readSeq, chat.markRead, chat.messagesLoaded);
  const shown = useShown(openConversationId, chat.messagesLoaded || chat.messagesError !== null);

  if (!openConversationId) {
    return (
      <section class="pane chat-pane chat-pane--empty">
        <p class="pane__empty">{tChat('chat.select')}</p>
      </section>
    );
  }
  if (!shown) return <section class="pane chat-pane chat-pane--empty" aria-busy="true" />;

  const conversation = openConversation?.conversation;
  const title = conversation ? conversationTitle(conversation, myId, { untitled: t('list.untitled'), deleted: t('user.deleted') }) : '';
  const participants = conversation?.participants ?? [];
  const isGroup = conversation?.kind === 'group';
  const nameOf = (userId: string): string =>
    userId === myId ? tChat('chat.you') : (senderNameOf(participants, userId) || tChat('system.someone'));
  const quoteOf = (message: LocalMessage): LocalMessage | null =>
    message.replyTo ? resolveQuote(message.replyTo, message.conversationId, copies) : null;
  return (
    <section class="pane chat-pane" data-testid="chat-window" aria-labelledby="chat-title">
      <div class="pane__header chat-header">
        <button type="button" class="button button--ghost chat-header__back" aria-label={tChat('chat.back')} onClick={chat.close}>
          <svg aria-hidden="true" viewBox="0 0 24 24" width="24" height="24">
            <path fill="currentColor" d="M15.4 7.4 14 6l-6 6 6 6 1.4-1.4L10.8 12z" />
          </svg>
        </button>
        <div class="chat-header__text">
          <h1 id="chat-title" class="pane__title">
            {title}
            {withPatient(participants) && (
              <span class="badge badge--patient" data-testid="patient-marker">
                {t('chat.patientMarker')}
              </span>
            )}
          </h1>
          {isGroup && <GroupPresence participants={participants} myId={myId} />}
          {conversation && <ChatSubtitle conversation={conversation} myId={myId} />}
        </div>
        <CallButtons conversationId={openConversationId} peer={isGroup ? null : (participants.find((p) => p.id !== myId) ?? null)} />
        {openConversation && <ConversationMenu summary={openConversation} />}
      </div>
      {chat.messagesError && !chat.messagesLoaded ? (
        <p class="pane__empty" role="alert">
          {chat.messagesError === 'conversation_not_found' ? tChat('chat.notFound') : tError(chat.messagesError)}
        </p>
      ) : (
        <MessageList
          conversationId={openConversationId}
          messages={messages}
          olderLocal={chat.olderLocal}
          onNearTop={loadOlderLocal}
          loaded={chat.messagesLoaded}
          myId={myId}
          participants={participants}
          isGroup={isGroup}
          readBy={chat.readBy}
          focusId={focusMessageId.value}
          onFocused={(messageId) => {
            setHighlighted(messageId);
            focusMessageId.value = null;
          }}
          highlighted={highlighted}
          nameOf={nameOf}
          onRetry={chat.retry}
          onReply={setReplyTo}
          quoteOf={quoteOf}
        />
      )}
      <TypingLine conversationId={openConversationId} participants={participants} myId={myId} />
      <Composer
        conversationId={openConversationId}
        onSend={chat.send}
        replyTo={replyTo}
        replyName={replyTo ? nameOf(replyTo.senderId) : ''}
        onCancelReply={() => setReplyTo(null)}
      />
      {viewedFile.value && <FileViewer file={viewedFile.value} onClose={() => (viewedFile.value = null)} />}
    </section>
  );
}
