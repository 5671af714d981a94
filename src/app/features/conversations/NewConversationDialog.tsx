import { useEffect, useRef, useState } from 'preact/hooks';
import { LIMITS } from '../../../shared/limits.ts';
import type { PatientRef, UserSummary } from '../../../shared/model.ts';
import { tChat } from '../../core/i18n/chat.ts';
import { tError } from '../../core/i18n/index.ts';
import { navigate } from '../../core/route.ts';
import { currentUserId, userCan } from '../../core/session.ts';
import { online } from '../../core/sync.ts';
import { request } from '../../core/sw-client.ts';
import { currentStatus, noteEntries } from '../presence/availability.ts';
import { profileLine, statusLabel } from '../presence/status-label.ts';
import { FunctionPicker } from './FunctionPicker.tsx';

/** Wait this long after the last keystroke before asking the directory. */
const SEARCH_DEBOUNCE_MS = 250;

function useUserSearch(query: string): { users: UserSummary[]; error: unknown } {
  const [state, setState] = useState<{ users: UserSummary[]; error: unknown }>({ users: [], error: null });
  useEffect(() => {
    let active = true;
    const timer = setTimeout(() => {
      request('users.search', { q: query.trim().slice(0, LIMITS.SEARCH_QUERY_MAX) }).then(
        ({ users }) => {
          noteEntries(users);
          if (active) setState({ users, error: null });
        },
        (error: unknown) => {
          if (active) setState({ users: [], error });
        },
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      active = false;
      clearTimeout(timer);
    };
  }, [query]);
  return state;
}

interface Props {
  onClose(): void;
  /** A conversation about this patient: the patient fields start filled in (the embedded panel's offer). */
  patient?: PatientRef;
  /** Called with the new conversation instead of opening it (the embedded panel opens it and tells its host). */
  onCreated?(conversationId: string): void;
}

/**
 * Pick one or more colleagues (and a title for a group), create the conversation, open it. Creating
 * needs the server (it checks the participants), so offline the dialog says so instead.
 */
export function NewConversationDialog({ onClose, patient, onCreated }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<UserSummary[]>([]);
  const [title, setTitle] = useState('');
  const [patientId, setPatientId] = useState(patient?.nationalId ?? '');
  const [patientName, setPatientName] = useState(patient?.displayName ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const myId = currentUserId.value;
  const search = useUserSearch(query);
  const results = search.users.filter((user) => user.id !== myId);
  const isOnline = online.value;

  useEffect(() => {
    const element = dialog.current;
    // showModal() traps focus and turns Escape into a `cancel` event.
    if (element && !element.open) element.showModal();
  }, []);

  // Without groups (a patient), picking someone replaces the one picked before.
  const groups = userCan('group.create');
  const toggle = (user: UserSummary): void => {
    setSelected((current) =>
      current.some((u) => u.id === user.id) ? current.filter((u) => u.id !== user.id) : groups ? [...current, user] : [user],
    );
  };

  const create = async (): Promise<void> => {
    if (selected.length === 0 || busy) return;
    setBusy(true);
    setError(null);
    try {
      const trimmed = title.trim().slice(0, LIMITS.TITLE_MAX);
      const { conversationId } = await request('conversation.create', {
        participantIds: selected.map((user) => user.id),
        ...(trimmed ? { title: trimmed } : {}),
        // A conversation about a patient: national identifier and name, shown in its header.
        ...(patientId.trim() && patientName.trim()
          ? { patient: { nationalId: patientId.trim().slice(0, 32), displayName: patientName.trim().slice(0, LIMITS.DISPLAY_NAME_MAX) } }
          : {}),
      });
      onClose();
      if (onCreated) onCreated(conversationId);
      else navigate(`/c/${conversationId}`);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  const errorText = !isOnline ? tChat('newConv.offline') : error ? tError(error) : search.error ? tError(search.error) : null;

  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby="new-conversation-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <form
        class="dialog__body"
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
        <h2 id="new-conversation-title">{tChat('newConv.title')}</h2>
        {patient && (
          <p class="hint" data-testid="new-conversation-patient">
            {tChat('chat.patient', { name: patient.displayName, id: patient.nationalId })}
          </p>
        )}
        <label class="field">
          <span>{tChat('newConv.search')}</span>
          <input
            type="search"
            data-testid="user-search"
            autocomplete="off"
            maxLength={LIMITS.SEARCH_QUERY_MAX}
            placeholder={tChat('newConv.searchPlaceholder')}
            value={query}
            onInput={(event) => setQuery(event.currentTarget.value)}
          />
        </label>
        {/* To a function rather than a name ("Médecin de garde"): staff, before they type a name. */}
        {query === '' && !patient && userCan('function.read') && isOnline && (
          <FunctionPicker
            onCreated={(conversationId) => {
              onClose();
              navigate(`/c/${conversationId}`);
            }}
          />
        )}
        {selected.length > 0 && (
          <div class="chips" aria-label={tChat('newConv.selected')} role="group">
            {selected.map((user) => (
              <button key={user.id} type="button" class="chip" aria-label={tChat('newConv.remove', { name: user.displayName })} onClick={() => toggle(user)}>
                {user.displayName} ×
              </button>
            ))}
          </div>
        )}
        <ul class="user-results">
          {results.length === 0 && query.trim() !== '' && !search.error && <li class="pane__empty">{tChat('newConv.noResult')}</li>}
          {results.map((user) => {
            const isSelected = selected.some((u) => u.id === user.id);
            const status = currentStatus(user.id);
            const profile = profileLine(user);
            return (
              <li key={user.id}>
                <button
                  type="button"
                  class="user-result"
                  data-testid="user-result"
                  data-user-id={user.id}
                  aria-pressed={isSelected}
                  onClick={() => toggle(user)}
                >
                  <span class="user-result__who">
                    <span>{user.displayName}</span>
                    {profile && <span class="user-result__profile">{profile}</span>}
                    {status && (
                      <span class={`user-result__status status status--${status.state}`} data-testid="user-status">
                        {statusLabel(status)}
                      </span>
                    )}
                  </span>
                  <span class="user-result__role">{tChat(`role.${user.role}`)}</span>
                </button>
              </li>
            );
          })}
        </ul>
        {selected.length > 0 && groups && (
          <>
            <label class="field">
              <span>{tChat('newConv.groupTitle')}</span>
              <input data-testid="conversation-title" maxLength={LIMITS.TITLE_MAX} value={title} onInput={(event) => setTitle(event.currentTarget.value)} />
            </label>
            <label class="field">
              <span>{tChat('newConv.patientName')}</span>
              <input data-testid="patient-name" maxLength={LIMITS.DISPLAY_NAME_MAX} value={patientName} onInput={(event) => setPatientName(event.currentTarget.value)} />
            </label>
            <label class="field">
              <span>{tChat('newConv.patientId')}</span>
              <input data-testid="patient-id" maxLength={32} value={patientId} onInput={(event) => setPatientId(event.currentTarget.value)} />
            </label>
          </>
        )}
        {errorText && (
          <p class="error" role="alert">
            {errorText}
          </p>
        )}
        <div class="dialog__actions">
          <button type="button" class="button button--ghost" onClick={onClose}>
            {tChat('newConv.cancel')}
          </button>
          <button type="submit" class="button button--primary" data-testid="create-conversation" disabled={selected.length === 0 || busy || !isOnline}>
            {tChat('newConv.create')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
