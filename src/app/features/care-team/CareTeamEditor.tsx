import { useEffect, useState } from 'preact/hooks';
import { CareTeamReply, UsersReply } from '../../../shared/http.ts';
import { LIMITS } from '../../../shared/limits.ts';
import type { UserSummary } from '../../../shared/model.ts';
import { isStaff } from '../../../shared/policy.ts';
import { tChat } from '../../core/i18n/chat.ts';
import { tError } from '../../core/i18n/index.ts';
import { api } from '../../core/http.ts';
import { tCareTeam as t } from './care-team-i18n.ts';

/** Wait this long after the last keystroke before asking the directory. */
const SEARCH_DEBOUNCE_MS = 250;

/**
 * An admin's editor of one patient's care team (mounted by the admin console): the staff assigned
 * now, a staff search to add more, remove buttons, and Save (`PUT /api/admin/users/:id/care-team`,
 * audited by the gateway). Reads and writes go straight to the gateway: an admin's work is online.
 */
export function CareTeamEditor({ patientId }: { patientId: string }) {
  const [team, setTeam] = useState<UserSummary[] | null>(null);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<UserSummary[]>([]);
  const [feedback, setFeedback] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let active = true;
    setTeam(null);
    api.read('GET', `/api/admin/users/${patientId}/care-team`, CareTeamReply).then(
      ({ staff }) => active && setTeam(staff),
      (error: unknown) => active && setFeedback(tError(error)),
    );
    return () => {
      active = false;
    };
  }, [patientId]);

  useEffect(() => {
    let active = true;
    const text = query.trim().slice(0, LIMITS.SEARCH_QUERY_MAX);
    if (text === '') {
      setFound([]);
      return undefined;
    }
    const timer = setTimeout(() => {
      // An admin's directory is the staff (policy.ts): exactly who may be assigned.
      api.read('GET', `/api/users?q=${encodeURIComponent(text)}`, UsersReply).then(
        ({ users }) => active && setFound(users.filter((user) => isStaff(user.role))),
        (error: unknown) => active && setFeedback(tError(error)),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      active = false;
      clearTimeout(timer);
    };
  }, [query]);

  const add = (user: UserSummary): void => {
    setTeam((current) => (current === null || current.some((u) => u.id === user.id) ? current : [...current, user]));
    setFeedback(null);
  };
  const remove = (user: UserSummary): void => {
    setTeam((current) => current?.filter((u) => u.id !== user.id) ?? null);
    setFeedback(null);
  };

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (team === null || busy) return;
    setBusy(true);
    try {
      const { staff } = await api.read('PUT', `/api/admin/users/${patientId}/care-team`, CareTeamReply, { staffIds: team.map((u) => u.id) });
      setTeam(staff);
      setFeedback(t('editor.saved'));
    } catch (error) {
      setFeedback(tError(error));
    } finally {
      setBusy(false);
    }
  };

  const candidates = found.filter((user) => !team?.some((u) => u.id === user.id));
  return (
    <form class="care-team-editor" data-testid="care-team-editor" aria-labelledby={`care-team-${patientId}`} onSubmit={(event) => void save(event)}>
      <h3 id={`care-team-${patientId}`}>{t('editor.title')}</h3>
      <p class="hint">{t('editor.hint')}</p>
      {team === null ? (
        <p>{t('editor.loading')}</p>
      ) : team.length === 0 ? (
        <p data-testid="care-team-none">{t('editor.none')}</p>
      ) : (
        <ul class="care-team-editor__list">
          {team.map((user) => (
            <li key={user.id} class="care-team-editor__row" data-testid="care-team-assigned" data-user-id={user.id}>
              <span>
                {user.displayName} <span class="user-result__role">· {tChat(`role.${user.role}`)}</span>
              </span>
              <button type="button" class="button button--ghost" aria-label={t('editor.remove', { name: user.displayName })} onClick={() => remove(user)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <label class="field">
        <span>{t('editor.search')}</span>
        <input
          type="search"
          data-testid="care-team-search"
          autocomplete="off"
          maxLength={LIMITS.SEARCH_QUERY_MAX}
          placeholder={t('editor.searchPlaceholder')}
          value={query}
          onInput={(event) => setQuery(event.currentTarget.value)}
        />
      </label>
      {query.trim() !== '' && (
        <ul class="user-results">
          {candidates.length === 0 && <li class="pane__empty">{t('editor.noResult')}</li>}
          {candidates.map((user) => (
            <li key={user.id}>
              <button type="button" class="user-result" data-testid="care-team-candidate" onClick={() => add(user)}>
                <span>
                  <span class="visually-hidden">{t('editor.addPrefix')} </span>
                  {user.displayName}
                </span>
                <span class="user-result__role">{tChat(`role.${user.role}`)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {feedback && (
        <p role="status" data-testid="care-team-feedback">
          {feedback}
        </p>
      )}
      <div class="dialog__actions">
        <button type="submit" class="button button--primary" data-testid="care-team-save" disabled={team === null || busy}>
          {t('editor.save')}
        </button>
      </div>
    </form>
  );
}
