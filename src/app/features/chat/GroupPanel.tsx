import { useEffect, useRef, useState } from 'preact/hooks';
import { LIMITS } from '../../../shared/limits.ts';
import type { Conversation, UserSummary } from '../../../shared/model.ts';
import { t, tError } from '../../core/i18n/index.ts';
import { tChat } from '../../core/i18n/chat.ts';
import { currentUserId } from '../../core/session.ts';
import { request } from '../../core/sw-client.ts';
import { participantName } from '../../ui/display.ts';

/**
 * Group management (creator or admin): rename, add and remove participants. Each change needs the
 * server (it checks who may) and leaves a system message in the conversation.
 */
export function GroupPanel({ conversation, mayManage, onClose }: { conversation: Conversation; mayManage: boolean; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [title, setTitle] = useState(conversation.title ?? '');
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<UserSummary[]>([]);
  const [error, setError] = useState<unknown>(null);
  const myId = currentUserId.value;

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  useEffect(() => {
    if (query.trim() === '') return setFound([]);
    const timer = setTimeout(() => {
      request('users.search', { q: query.trim().slice(0, LIMITS.SEARCH_QUERY_MAX) }).then(
        ({ users }) => setFound(users.filter((u) => !conversation.participants.some((p) => p.id === u.id))),
        setError,
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [query]);

  const act = (action: Parameters<typeof request<'conversation.act'>>[1]): void => {
    setError(null);
    request('conversation.act', action).catch(setError);
  };

  return (
    <dialog ref={dialog} class="dialog" data-testid="group-panel" aria-labelledby="group-title" onClose={onClose}>
      <h2 id="group-title">{tChat('group.manage')}</h2>
      {mayManage && (
        <form
          class="dialog__row"
          onSubmit={(event) => {
            event.preventDefault();
            if (title.trim() !== '') act({ kind: 'conversation.rename', conversationId: conversation.id, title: title.trim() });
          }}
        >
          <label class="field">
            {tChat('group.title')}
            <input data-testid="group-title" value={title} maxLength={LIMITS.TITLE_MAX} onInput={(e) => setTitle(e.currentTarget.value)} />
          </label>
          <button type="submit" class="button button--small" data-testid="group-rename">
            {tChat('group.rename')}
          </button>
        </form>
      )}
      <h3>{tChat('group.participants')}</h3>
      <ul class="dialog__list">
        {conversation.participants.map((p) => (
          <li key={p.id}>
            {participantName(p, t('user.deleted'))}
            {mayManage && p.id !== myId && (
              <button type="button" class="link-button" onClick={() => act({ kind: 'conversation.removeParticipant', conversationId: conversation.id, userId: p.id })}>
                {tChat('group.remove', { name: p.displayName })}
              </button>
            )}
          </li>
        ))}
      </ul>
      {mayManage && (
        <>
          <label class="field">
            {tChat('group.add')}
            <input data-testid="group-search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
          </label>
          <ul class="dialog__list">
            {found.map((user) => (
              <li key={user.id}>
                <button type="button" class="link-button" onClick={() => act({ kind: 'conversation.addParticipants', conversationId: conversation.id, participantIds: [user.id] })}>
                  {tChat('group.addOne', { name: user.displayName })}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {error !== null && <p role="alert" class="error">{tError(error)}</p>}
      <button type="button" class="button" onClick={() => dialog.current?.close()}>
        {tChat('panel.close')}
      </button>
    </dialog>
  );
}
