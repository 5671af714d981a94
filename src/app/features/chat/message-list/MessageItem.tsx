import { useState } from 'preact/hooks';
import type { Participant } from '../../../../shared/model.ts';
import type { LocalMessage } from '../../../../shared/local-model.ts';
import { formatMessageTime, lang, t, tError } from '../../../core/i18n/index.ts';
import { tChat } from '../../../core/i18n/chat.ts';
import { linkify } from '../linkify.ts';
import { systemText } from '../system-text.ts';
import { quotePreview } from '../quote.ts';
import { unreadMinutes } from '../unread-since.ts';
import { AttachmentView } from './AttachmentView.tsx';
import { UrgentAck } from './UrgentAck.tsx';
import { EditedMark, MessageEditor, OwnActions, shownBody } from './MessageEdits.tsx';
import type { Ack } from '../urgent-acks.ts';
import type { Receipt } from './receipt.ts';
import { participantName } from '../../../ui/display.ts';

interface Props {
  message: LocalMessage;
  mine: boolean;
  /** The sender's name, shown above the first message of a run in a group. */
  senderName: string | null;
  now: number;
  onRetry(messageId: string): Promise<void>;
}

/** A clock face: the message waits on this device (drawn, so it looks the same on every system). */
function ClockIcon() {
  return (
    <svg class="message__icon" data-testid="pending-clock" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" stroke-width="1.5" />
      <path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" />
    </svg>
  );
}

/** A camera or a handset beside a call's line; the words carry the meaning (hidden from screen readers). */
function CallIcon({ video }: { video: boolean }) {
  return (
    <svg class="message__icon" data-testid="call-line-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d={
          video
            ? 'M17 10.5V7a1 1 0 0 0-1-1H4a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-3.5l4 4v-11z'
            : 'M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z'
        }
      />
    </svg>
  );
}

function MessageTime({ message, now }: Pick<Props, 'message' | 'now'>) {
  return (
    <time dateTime={new Date(message.time).toISOString()} data-testid="message-time">
      {formatMessageTime(message.time, now, lang.value)}
    </time>
  );
}

function Status({ message, now, onRetry }: Pick<Props, 'message' | 'now' | 'onRetry'>) {
  const [retrying, setRetrying] = useState(false);
  if (message.status === 'pending') {
    // The clock and the word, then the time it was written: "🕒 En attente 14:32".
    return (
      <span class="message__status message__status--pending" data-testid="message-state">
        <ClockIcon />
        <span>{tChat('chat.pending')}</span>
        <MessageTime message={message} now={now} />
      </span>
    );
  }
  if (message.status === 'failed') {
    return (
      <span class="message__status message__status--failed">
        <span role="alert">{message.errorCode ? tError(message.errorCode) : tChat('chat.failed')}</span>
        <button
          type="button"
          class="button button--small"
          data-testid="retry-button"
          disabled={retrying}
          onClick={() => {
            setRetrying(true);
            onRetry(message.messageId).finally(() => setRetrying(false));
          }}
        >
          {tChat('chat.retry')}
        </button>
      </span>
    );
  }
  return (
    <span class="message__status">
      <MessageTime message={message} now={now} />
    </span>
  );
}

interface ItemProps extends Props {
  receipt?: Receipt | null;
  /** Display name of any user id (system messages, quoted replies). */
  nameOf(userId: string): string;
  onReply?(message: LocalMessage): void;
  /** For a reply: this device's copy of the quoted message, or null when it has none (quote.ts). */
  quote?: LocalMessage | null;
  highlighted?: boolean;
  /** Where the row stands in the whole conversation (only some rows are rendered at a time). */
  position?: { index: number; total: number };
  /** An urgent message's answers (`urgent.ack` lines), with who is asked: the acknowledgement bar. */
  urgentAck?: { acks: readonly Ack[]; participants: readonly Participant[]; myId: string | null };
}

function Body({ text }: { text: string }) {
  // Text and <a> elements only: nothing in a message is ever parsed as HTML.
  return (
    <p class="message__body" data-testid="message-body">
      {linkify(text).map((part, i) =>
        'href' in part ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer nofollow">
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </p>
  );
}

/**
 * The state of one of my sent messages, ticks AND words (the ticks are hidden from screen readers,
 * the word is read): "✓ Envoyé" (on the server, nobody else in the conversation), "✓✓ Distribué"
 * (in every member's queue), "✓✓ Lu" or "✓✓ Lu par 2/4" coloured (names on tap).
 */
function ReceiptLine({ receipt }: { receipt: Receipt }) {
  const [open, setOpen] = useState(false);
  const state = receipt.of === 0 ? 'sent' : receipt.read > 0 ? 'read' : 'delivered';
  const ticks = (
    <span class={`message__ticks message__ticks--${state}`} aria-hidden="true">
      {state === 'sent' ? '✓' : '✓✓'}
    </span>
  );
  if (receipt.of <= 1) {
    return (
      <span class={`message__state message__state--${state}`} data-state={state}>
        {ticks}
        <span class="message__receipt" data-testid="receipt">
          {tChat(state === 'sent' ? 'chat.sent' : state === 'read' ? 'chat.read' : 'chat.delivered')}
        </span>
      </span>
    );
  }
  return (
    <span class={`message__state message__state--${state}`} data-state={state}>
      {ticks}
      <span class="message__receipt" data-testid="receipt">
        <button type="button" class="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {receipt.read > 0 ? tChat('chat.readByCount', { count: receipt.read, total: receipt.of }) : tChat('chat.delivered')}
        </button>
        {open && receipt.names.length > 0 && <span class="message__readers">{receipt.names.join(', ')}</span>}
      </span>
    </span>
  );
}

/** One message bubble: own messages on the right; pending, failed (with "Réessayer") or sent (with its time). */
export function MessageItem({ message, mine, senderName, now, onRetry, receipt, nameOf, onReply, quote, highlighted, position, urgentAck }: ItemProps) {
  const [editing, setEditing] = useState(false);
  const setPosition = position ? { 'aria-posinset': position.index + 1, 'aria-setsize': position.total } : {};
  if (message.kind === 'system') {
    const event = message.system;
    const call = event?.type === 'call.ended' ? event.outcome : event?.type === 'call.missed' ? 'missed' : null;
    return (
      <li
        class={`message message--system${call ? ` message--call message--call-${call}` : ''}`}
        data-testid="system-message"
        data-message-id={message.messageId}
        data-seq={message.seq ?? ''}
        data-event={event?.type}
        {...setPosition}
      >
        <span class="message__system-line">
          {call && <CallIcon video={event?.type === 'call.ended' && event.video} />}
          {/* A call's line is written as the caller's: `mine` says the viewer placed it (system-text.ts). */}
          <span data-testid="system-text">{systemText(event, nameOf, mine ? message.senderId : null, message.senderId)}</span>
        </span>{' '}
        <Status message={message} now={now} onRetry={onRetry} />
      </li>
    );
  }
  return (
    <li
      class={`message${mine ? ' message--mine' : ''}${message.urgent ? ' message--urgent' : ''} message--${message.status}${highlighted ? ' message--focus' : ''}${message.redacted ? ' message--redacted' : ''}`}
      data-testid="message"
      data-message-id={message.messageId}
      data-status={message.status}
      data-seq={message.seq ?? ''}
      data-edited={message.editedAt !== undefined || undefined}
      data-redacted={message.redacted}
      {...setPosition}
    >
      {senderName && <span class="message__sender">{senderName}</span>}
      <div class="message__bubble">
        {message.urgent && (
          // Not colour alone: a red band, a warning sign and the word, large enough to read at arm's length.
          <strong class="message__urgent" data-testid="urgent-badge">
            <span aria-hidden="true">⚠</span> {t('chat.urgent')}
          </strong>
        )}
        {message.redacted && (
          // Withdrawn by its author: nothing of it is left, but where it was.
          <p class="message__body message__body--redacted" data-testid="message-redacted">
            {mine ? tChat('chat.redactedByYou') : tChat('chat.redactedBy', { name: nameOf(message.senderId) })}
          </p>
        )}
        {message.replyTo && (
          <blockquote class="message__quote" data-testid="reply-quote">
            {quote ? (
              <>
                <strong>{nameOf(quote.senderId)}</strong> {quote.redacted ? <em>{tChat('chat.redactedQuote')}</em> : quotePreview(quote)}
              </>
            ) : (
              <em>{tChat('chat.quoteUnavailable')}</em>
            )}
          </blockquote>
        )}
        {message.attachments?.map((attachment) => (
          <AttachmentView key={attachment.localId ?? attachment.id} conversationId={message.conversationId} attachment={attachment} />
        ))}
        {editing ? <MessageEditor message={message} onClose={() => setEditing(false)} /> : shownBody(message) !== '' && <Body text={shownBody(message)} />}
        {message.editError && (
          <p role="alert" class="message__edit-error" data-testid="edit-error">
            {tError(message.editError)}
          </p>
        )}
        <span class="message__meta">
          <Status message={message} now={now} onRetry={onRetry} />
          <EditedMark message={message} now={now} />
          {mine && message.status === 'sent' && receipt && <ReceiptLine receipt={receipt} />}
          {mine && receipt && unreadMinutes(message, receipt.read, now) !== null && (
            <span class="message__receipt message__receipt--late" role="status" data-testid="unread-since">
              {tChat('chat.unreadSince', { minutes: unreadMinutes(message, receipt.read, now) ?? 0 })}
            </span>
          )}
          {onReply && message.status === 'sent' && !message.redacted && (
            <button type="button" class="link-button" data-testid="reply-button" onClick={() => onReply(message)}>
              {tChat('chat.reply')}
            </button>
          )}
          {mine && !editing && <OwnActions message={message} now={now} onEdit={() => setEditing(true)} />}
        </span>
        {message.urgent && urgentAck && <UrgentAck message={message} mine={mine} nameOf={nameOf} now={now} {...urgentAck} />}
      </div>
    </li>
  );
}

/** The display name of a sender among the participants. */
export function senderNameOf(participants: readonly Participant[], senderId: string): string {
  const sender = participants.find((participant) => participant.id === senderId);
  return sender ? participantName(sender, t('user.deleted')) : '';
}
