import { useEffect, useState } from 'preact/hooks';
import type { Conversation, Participant, Presence } from '../../../shared/model.ts';
import type { ConversationSummary, LocalMessage } from '../../../shared/local-model.ts';
import { formatMessageTime, lang, t, tError } from '../../core/i18n/index.ts';
import { tChat } from '../../core/i18n/chat.ts';
import { presence, loadPresence } from '../presence/presence.ts';
import { navigate } from '../../core/route.ts';
import { loadOlder } from './messages.ts';
import { currentUser } from '../../core/session.ts';
import { typing } from './typing.ts';
import { request } from '../../core/sw-client.ts';
import { lazyComponent } from '../../ui/lazy-component.ts';
import type { Receipt } from './message-list/MessageItem.tsx';

// Group management is a secondary screen: its own chunk.
const GroupPanel = lazyComponent(() => import('./GroupPanel.tsx').then((m) => m.GroupPanel));

/** "En ligne", "Absent", "Hors ligne · vu à 14:32". */
export function presenceLabel(entry: Presence | undefined, now: number): string {
  if (!entry) return '';
  if (entry.state === 'online') return t('presence.online');
  if (entry.state === 'away') return t('presence.away');
  return entry.lastSeen ? t('presence.seen', { time: formatMessageTime(entry.lastSeen, now, lang.value) }) : t('presence.offline');
}

/** Under the title: the patient the conversation is about, and the other person's presence (1:1; a group's is GroupPresence). */
export function ChatSubtitle({ conversation, myId }: { conversation: Conversation; myId: string | null }) {
  const others = conversation.participants.filter((p) => p.id !== myId);
  // Everyone's presence (a group shows each participant's): asked again when someone joins.
  const otherIds = others.map((p) => p.id).join(',');
  useEffect(() => loadPresence(otherIds === '' ? [] : otherIds.split(',')), [otherIds]);
  const peer = conversation.kind === 'direct' ? others[0] : undefined;
  const state = peer ? presence.value[peer.id] : undefined;
  return (
    <>
      {conversation.patient && (
        <p class="chat-header__patient" data-testid="chat-patient">
          {tChat('chat.patient', { name: conversation.patient.displayName, id: conversation.patient.nationalId })}
        </p>
      )}
      {peer && state && (
        <p class={`chat-header__presence presence presence--${state.state}`} data-testid="chat-presence">
          {presenceLabel(state, Date.now())}
        </p>
      )}
    </>
  );
}

/** "Dr Martin écrit…" while someone types (expires ~6 s after their last signal). */
export function TypingLine({ conversationId, participants, myId }: { conversationId: string; participants: Participant[]; myId: string | null }) {
  const ids = Object.keys(typing.value[conversationId] ?? {}).filter((id) => id !== myId);
  const names = ids.map((id) => participants.find((p) => p.id === id)?.displayName).filter((n): n is string => Boolean(n));
  return (
    <p class="typing-line" data-testid="typing-indicator" aria-live="polite">
      {names.length === 0 ? '' : names.length === 1 ? tChat('chat.typing', { name: names[0] as string }) : tChat('chat.typingMany', { names: names.join(', ') })}
    </p>
  );
}

/** The read receipt of one of my messages: who of the others read up to it. */
export function receiptOf(message: LocalMessage, participants: Participant[], readBy: Record<string, number>, myId: string | null): Receipt | null {
  if (message.seq === null) return null;
  const others = participants.filter((p) => p.id !== myId);
  const readers = others.filter((p) => (readBy[p.id] ?? 0) >= (message.seq as number));
  return { read: readers.length, of: others.length, names: readers.map((p) => p.displayName) };
}

/** "Messages précédents": the next older page stored on this device, else older history from the server. */
export function OlderButton({ conversationId }: { conversationId: string }) {
  const [state, setState] = useState<{ busy: boolean; done: boolean; error: unknown }>({ busy: false, done: false, error: null });
  useEffect(() => setState({ busy: false, done: false, error: null }), [conversationId]);
  if (state.done) return null;
  return (
    <p class="older">
      <button
        type="button"
        class="button button--small"
        data-testid="load-older"
        disabled={state.busy}
        onClick={() => {
          setState({ ...state, busy: true });
          loadOlder(conversationId).then(
            (more) => setState({ busy: false, done: !more, error: null }),
            (error: unknown) => setState({ busy: false, done: false, error }),
          );
        }}
      >
        {tChat('chat.older')}
      </button>
      {state.error !== null && <span role="alert"> {tError(state.error)}</span>}
    </p>
  );
}

/** Archive, delete (for me / for everyone), group management: the conversation's action menu. */
export function ConversationMenu({ summary }: { summary: ConversationSummary }) {
  const [error, setError] = useState<unknown>(null);
  const [groupOpen, setGroupOpen] = useState(false);
  const me = currentUser.value;
  const { conversation } = summary;
  const mayManage = me !== null && (conversation.createdBy === me.id || me.role === 'admin');
  const run = (action: Parameters<typeof request<'conversation.act'>>[1], confirmKey?: 'chat.confirmHide' | 'chat.confirmDelete' | 'chat.confirmLeave', leave?: boolean): void => {
    if (confirmKey && !confirm(tChat(confirmKey))) return;
    setError(null);
    request('conversation.act', action).then(
      () => {
        if (leave) navigate('/');
      },
      setError,
    );
  };
  const id = conversation.id;
  return (
    <details class="menu" data-testid="conversation-menu">
      <summary class="button button--ghost">{tChat('chat.actions')}</summary>
      <div class="menu__items">
        {summary.archived ? (
          <button type="button" class="button button--small" data-testid="unarchive" onClick={() => run({ kind: 'conversation.unarchive', conversationId: id })}>
            {tChat('chat.unarchive')}
          </button>
        ) : (
          <button type="button" class="button button--small" data-testid="archive" onClick={() => run({ kind: 'conversation.archive', conversationId: id }, undefined, true)}>
            {tChat('chat.archive')}
          </button>
        )}
        <button type="button" class="button button--small" data-testid="hide" onClick={() => run({ kind: 'conversation.hide', conversationId: id }, 'chat.confirmHide', true)}>
          {tChat('chat.hide')}
        </button>
        {mayManage && (
          <button type="button" class="button button--small" data-testid="delete-everyone" onClick={() => run({ kind: 'conversation.delete', conversationId: id }, 'chat.confirmDelete', true)}>
            {tChat('chat.deleteAll')}
          </button>
        )}
        {conversation.kind === 'group' && (
          <>
            <button type="button" class="button button--small" data-testid="manage-group" onClick={() => setGroupOpen(true)}>
              {tChat('group.manage')}
            </button>
            <button type="button" class="button button--small" data-testid="leave" onClick={() => run({ kind: 'conversation.leave', conversationId: id }, 'chat.confirmLeave', true)}>
              {tChat('chat.leave')}
            </button>
          </>
        )}
        {error !== null && <p role="alert" class="error">{tError(error)}</p>}
      </div>
      {groupOpen && <GroupPanel conversation={conversation} mayManage={mayManage} onClose={() => setGroupOpen(false)} />}
    </details>
  );
}
