import { useEffect, useRef, useState } from 'preact/hooks';
import { LIMITS } from '../../../shared/limits.ts';
import type { Conversation, UserSummary } from '../../../shared/model.ts';
import { t, tError } from '../../core/i18n/index.ts';
import { tChat } from '../../core/i18n/chat.ts';
import { currentUserId } from '../../core/session.ts';
import { request } from '../../core/sw-client.ts';
import { participantName } from '../../ui/display.ts';
import { useModalDialog } from '../../ui/modal-dialog.ts';

/** Wait this long after the last keystroke before asking the directory. */
const SEARCH_DEBOUNCE_MS = 250;

/**
 * Group management (creator or admin): rename, add and remove participants. Each change needs the
 * server (it checks who may) and leaves a system message in the conversation. The app's dialog frame:
 * a title, the fields, the members one per row with a "Retirer" button named after each person.
 */
export function GroupPanel({ conversation, mayManage, onClose }: { conversation: Conversation; mayManage: boolean; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [title, setTitle] = useState(conversation.title ?? '');
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<UserSummary[]>([]);
  const [error, setError] = useState<unknown>(null);
  const myId = currentUserId.value;
  useModalDialog(dialog, { onCancel: onClose });

  useEffect(() => {
    if (query.trim() === '') return setFound([]);
    const timer = setTimeout(() => {
      request('users.search', { q: query.trim().slice(0, LIMITS.SEARCH_QUERY_MAX) }).then(
        ({ users }) => setFound(users.filter((u) => u.id !== myId && !conversation.participants.some((p) => p.id === u.id))),
        setError,
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query, conversation.participants]);

  const act = (action: Parameters<typeof request<'conversation.act'>>[1]): void => {
    setError(null);
    request('conversation.act', action).catch(setError);
  };
  const members = conversation.participants;

  return (
    <dialog ref={dialog} class="dialog group-dialog" data-testid="group-panel" aria-labelledby="group-title">
      <div class="dialog__body">
        <h2 id="group-title" class="dialog__title">
          {tChat('group.manage')}
        </h2>
        {mayManage && (
          <form
            class="group-dialog__rename"
            onSubmit={(event) => {
              event.preventDefault();
              if (title.trim() !== '') act({ kind: 'conversation.rename', conversationId: conversation.id, title: title.trim() });
            }}
          >
            <label class="field">
              <span>{tChat('group.title')}</span>
              <input data-testid="group-title" value={title} maxLength={LIMITS.TITLE_MAX} onInput={(e) => setTitle(e.currentTarget.value)} />
            </label>
            <button type="submit" class="button" data-testid="group-rename">
              {tChat('group.rename')}
            </button>
          </form>
        )}
        <h3 id="group-members">{tChat('group.members', { count: members.length })}</h3>
        <ul class="member-list" aria-labelledby="group-members" data-testid="group-members">
          {members.map((p) => {
            const name = participantName(p, t('user.deleted'));
            return (
              <li key={p.id} class="member-row" data-testid="group-member">
                <span class="member-row__who">
                  <span class="member-row__name">{p.id === myId ? tChat('group.you', { name }) : name}</span>
                  <span class="member-row__role">{tChat(`role.${p.role}`)}</span>
                </span>
                {mayManage && p.id !== myId && (
                  <button
                    type="button"
                    class="button button--danger"
                    data-testid="group-remove"
                    aria-label={tChat('group.remove', { name })}
                    onClick={() => act({ kind: 'conversation.removeParticipant', conversationId: conversation.id, userId: p.id })}
                  >
                    {tChat('group.removeShort')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
        {mayManage && (
          <>
            <label class="field">
              <span>{tChat('group.add')}</span>
              <input
                type="search"
                data-testid="group-search"
                autocomplete="off"
                maxLength={LIMITS.SEARCH_QUERY_MAX}
                placeholder={tChat('newConv.searchPlaceholder')}
                value={query}
                onInput={(e) => setQuery(e.currentTarget.value)}
              />
            </label>
            {found.length > 0 && (
              <ul class="member-list" aria-label={tChat('group.add')}>
                {found.map((user) => (
                  <li key={user.id} class="member-row member-row--candidate">
                    <span class="member-row__who">
                      <span class="member-row__name">{user.displayName}</span>
                      <span class="member-row__role">{tChat(`role.${user.role}`)}</span>
                    </span>
                    <button
                      type="button"
                      class="button"
                      data-testid="group-add"
                      aria-label={tChat('group.addOne', { name: user.displayName })}
                      onClick={() => act({ kind: 'conversation.addParticipants', conversationId: conversation.id, participantIds: [user.id] })}
                    >
                      {tChat('group.addShort')}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
        {error !== null && (
          <p role="alert" class="error">
            {tError(error)}
          </p>
        )}
        <div class="dialog__actions">
          <button type="button" class="button button--primary" data-testid="group-close" onClick={onClose}>
            {tChat('panel.close')}
          </button>
        </div>
      </div>
    </dialog>
  );
}
