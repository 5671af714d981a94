import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Participant } from '../../../../shared/model.ts';
import type { LocalMessage } from '../../../../shared/local-model.ts';
import { useVirtualRows } from './use-virtual-rows.ts';
import { tChat } from '../../../core/i18n/chat.ts';
import { t } from '../../../core/i18n/index.ts';
import { startsRun } from '../message-order.ts';
import { OlderButton } from './OlderButton.tsx';
import { hasOlder } from './has-older.ts';
import { receiptOf } from './receipt.ts';
import { MessageItem, senderNameOf } from './MessageItem.tsx';
import { acksByMessage } from '../urgent-acks.ts';

interface Props {
  conversationId: string;
  /** The loaded messages: the newest page, then older ones. */
  messages: LocalMessage[];
  /** Sent messages stored on this device above the loaded ones (positions count them). */
  olderLocal: number;
  /** The first rows are (nearly) in view: load the next older page stored on this device. */
  onNearTop(): Promise<void>;
  loaded: boolean;
  myId: string | null;
  participants: Participant[];
  isGroup: boolean;
  readBy: Record<string, number>;
  /** A message to bring into view and mark (a search hit), then `onFocused`. */
  focusId: string | null;
  onFocused(messageId: string): void;
  highlighted: string | null;
  nameOf(userId: string): string;
  onRetry(messageId: string): Promise<void>;
  onReply(message: LocalMessage): void;
  /** This device's copy of the message a reply quotes, or null (quote.ts). */
  quoteOf(message: LocalMessage): LocalMessage | null;
}

interface Arrival {
  messageId: string;
  text: string;
}

/** Announcements kept in the live region at once (older ones are dropped: they were read). */
const ANNOUNCED_MAX = 3;

/**
 * Messages from others that arrived while the conversation is open, as sentences for the live
 * region. The list itself is not live: windowed rendering adds rows while the user scrolls, and a
 * screen reader would read those again as if they were new.
 */
function useArrivals(props: Pick<Props, 'conversationId' | 'messages' | 'loaded' | 'myId' | 'nameOf'>): Arrival[] {
  const [arrivals, setArrivals] = useState<Arrival[]>([]);
  const seen = useRef<{ conversationId: string; lastId: string | undefined } | null>(null);
  const { conversationId, messages, loaded, myId, nameOf } = props;
  useEffect(() => {
    const lastId = messages.at(-1)?.messageId;
    const before = seen.current;
    if (!loaded) return;
    seen.current = { conversationId, lastId };
    if (!before || before.conversationId !== conversationId) {
      // The same (empty) list kept: a new one would render every row again, just after the conversation's first paint.
      setArrivals((current) => (current.length === 0 ? current : []));
      return;
    }
    if (before.lastId === lastId || before.lastId === undefined) return;
    let from = messages.length - 1;
    while (from >= 0 && messages[from]?.messageId !== before.lastId) from -= 1;
    if (from < 0) return;
    const fresh = messages
      .slice(from + 1)
      .filter((message) => message.kind !== 'system' && message.senderId !== myId)
      .map((message) => ({
        messageId: message.messageId,
        text: tChat('chat.arrived', { name: nameOf(message.senderId), body: message.body || (message.attachments?.[0]?.name ?? '') }),
      }));
    if (fresh.length > 0) setArrivals((current) => [...current, ...fresh].slice(-ANNOUNCED_MAX));
  }, [conversationId, messages, loaded]);
  return arrivals;
}

/**
 * The open conversation's messages, oldest first, windowed: a conversation of 10,000 messages
 * keeps a few dozen rows in the DOM (the rest stands in two spacers), follows the bottom while the
 * user is there, and keeps a row in view in place when older pages are added above. Rows carry
 * their position (`aria-posinset` of `aria-setsize`) for screen readers; new messages from others
 * are announced by a live region apart.
 */
export function MessageList(props: Props) {
  const { conversationId, messages: stored, olderLocal, onNearTop, loaded, myId, participants, isGroup, readBy, highlighted, nameOf, onRetry, onReply, quoteOf } = props;
  // Edits and withdrawals show on the message they change ("modifié", "Message retiré par …"), not as rows.
  const messages = useMemo(() => stored.filter((message) => !message.system?.type.startsWith('message.')), [stored]);
  const keys = useMemo(() => messages.map((message) => message.messageId), [messages]);
  const acks = useMemo(() => acksByMessage(messages), [messages]);
  const newest = messages.at(-1);
  const rows = useVirtualRows({
    keys,
    resetKey: conversationId,
    centerKey: props.focusId,
    onCentered: props.onFocused,
    followLast: newest !== undefined && newest.senderId === myId && newest.status === 'pending',
  });
  const arrivals = useArrivals({ ...props, messages });
  const nearTop = loaded && rows.start === 0 && olderLocal > 0;
  useEffect(() => {
    // Once the page is in, the row in view keeps its place: the first row is away again, or still in
    // reach (a short page) and the next one is asked for.
    if (nearTop) onNearTop().catch(() => undefined);
  }, [nearTop, messages.length]);
  // A search hit further up than the loaded pages: load pages until it is there.
  const focusAbove = loaded && props.focusId !== null && olderLocal > 0 && !keys.includes(props.focusId);
  useEffect(() => {
    if (focusAbove) onNearTop().catch(() => undefined); // the hit stays unfocused; the user can still scroll to it
  }, [focusAbove, messages.length]);
  const now = Date.now();
  const shown = messages.slice(rows.start, rows.end);
  return (
    <>
      <ol {...rows.listProps} class="message-list" aria-label={tChat('chat.messages')} tabIndex={0} data-testid="message-list">
        {loaded && hasOlder(messages, olderLocal) && (
          <li class="older-row">
            <OlderButton conversationId={conversationId} />
          </li>
        )}
        {loaded && messages.length === 0 && <li class="pane__empty">{tChat('chat.empty')}</li>}
        <li class="message-spacer" data-spacer="before" aria-hidden="true" style={{ height: `${Math.round(rows.before)}px` }} />
        {shown.map((message, offset) => {
          const index = rows.start + offset;
          const mine = message.senderId === myId;
          const showSender = isGroup && !mine && startsRun(message, messages[index - 1]);
          return (
            <MessageItem
              key={message.messageId}
              message={message}
              mine={mine}
              senderName={showSender ? senderNameOf(participants, message.senderId) : null}
              now={now}
              onRetry={onRetry}
              receipt={mine ? receiptOf(message, participants, readBy, myId, t('user.deleted')) : null}
              nameOf={nameOf}
              onReply={onReply}
              quote={message.replyTo ? quoteOf(message) : null}
              highlighted={highlighted === message.messageId}
              position={{ index: olderLocal + index, total: olderLocal + messages.length }}
              urgentAck={message.urgent ? { acks: acks.get(message.messageId) ?? [], participants, myId } : undefined}
            />
          );
        })}
        <li class="message-spacer" data-spacer="after" aria-hidden="true" style={{ height: `${Math.round(rows.after)}px` }} />
      </ol>
      <div class="visually-hidden" role="log" aria-live="polite" data-testid="message-arrivals">
        {arrivals.map((arrival) => (
          <p key={arrival.messageId}>{arrival.text}</p>
        ))}
      </div>
    </>
  );
}
