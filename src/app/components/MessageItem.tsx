import { useState } from 'preact/hooks';
import type { Participant } from '../../shared/model.ts';
import type { LocalMessage } from '../../shared/sw-protocol.ts';
import { formatMessageTime, lang, t, tError } from '../i18n/index.ts';

interface Props {
  message: LocalMessage;
  mine: boolean;
  /** The sender's name, shown above the first message of a run in a group. */
  senderName: string | null;
  now: number;
  onRetry(messageId: string): Promise<void>;
}

function Status({ message, now, onRetry }: Pick<Props, 'message' | 'now' | 'onRetry'>) {
  const [retrying, setRetrying] = useState(false);
  if (message.status === 'pending') return <span class="message__status">{t('chat.pending')}</span>;
  if (message.status === 'failed') {
    return (
      <span class="message__status message__status--failed">
        <span role="alert">{message.errorCode ? tError(message.errorCode) : t('chat.failed')}</span>
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
          {t('chat.retry')}
        </button>
      </span>
    );
  }
  return (
    <time class="message__status" dateTime={new Date(message.time).toISOString()}>
      {formatMessageTime(message.time, now, lang.value)}
    </time>
  );
}

/** One message bubble: own messages on the right; pending, failed (with "Réessayer") or sent (with its time). */
export function MessageItem({ message, mine, senderName, now, onRetry }: Props) {
  return (
    <li
      class={`message${mine ? ' message--mine' : ''} message--${message.status}`}
      data-testid="message"
      data-message-id={message.messageId}
      data-status={message.status}
      data-seq={message.seq ?? ''}
    >
      {senderName && <span class="message__sender">{senderName}</span>}
      <div class="message__bubble">
        {message.urgent && <strong class="message__urgent">{t('chat.urgent')}</strong>}
        <p class="message__body" data-testid="message-body">
          {message.body}
        </p>
        <Status message={message} now={now} onRetry={onRetry} />
      </div>
    </li>
  );
}

/** The display name of a sender among the participants. */
export function senderNameOf(participants: readonly Participant[], senderId: string): string {
  return participants.find((participant) => participant.id === senderId)?.displayName ?? '';
}
