import { useEffect, useState } from 'preact/hooks';
import type { UserSummary } from '../../../shared/model.ts';
import { tChat } from '../../core/i18n/chat.ts';
import { tError } from '../../core/i18n/index.ts';
import { navigate } from '../../core/route.ts';
import { currentUserId } from '../../core/session.ts';
import { request } from '../../core/sw-client.ts';
import { conversations } from '../conversations/conversations.ts';
import { currentStatus, noteEntries } from '../presence/availability.ts';
import { loadPresence } from '../presence/presence.ts';
import { profileLine, statusLabel } from '../presence/status-label.ts';
import { tCareTeam as t } from './care-team-i18n.ts';

/**
 * A patient's home (phone first): their care team — the directory as the gateway lets a patient see
 * it, the staff assigned to them and those who share a conversation with them — each with their
 * role, service, availability in words, and a button that opens (or starts) the direct conversation.
 */
export function CareTeamHome() {
  const [team, setTeam] = useState<UserSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [opening, setOpening] = useState<string | null>(null);
  const myId = currentUserId.value;

  useEffect(() => {
    let active = true;
    request('users.search', { q: '' }).then(
      ({ users }) => {
        noteEntries(users);
        // Live from here on: statuses come with presence, and `status` frames keep them.
        loadPresence(users.map((user) => user.id));
        if (active) setTeam(users.filter((user) => user.id !== myId));
      },
      (failure: unknown) => {
        if (active) setError(failure);
      },
    );
    return () => {
      active = false;
    };
  }, [myId]);

  const open = async (member: UserSummary): Promise<void> => {
    // An existing direct conversation opens at once, even offline; a new one needs the server.
    const existing = conversations.value.find(
      (s) => s.conversation.kind === 'direct' && s.conversation.participants.some((p) => p.id === member.id),
    );
    if (existing) {
      navigate(`/c/${existing.conversation.id}`);
      return;
    }
    setOpening(member.id);
    setError(null);
    try {
      const { conversationId } = await request('conversation.create', { participantIds: [member.id] });
      navigate(`/c/${conversationId}`);
    } catch (failure) {
      setError(failure);
    } finally {
      setOpening(null);
    }
  };

  const now = Date.now();
  return (
    <div class="care-team" data-testid="care-team">
      {error !== null && (
        <p class="error" role="alert">
          {tError(error)}
        </p>
      )}
      {team === null && error === null && <p class="pane__empty">{t('careTeam.loading')}</p>}
      {team !== null && team.length === 0 && <p class="pane__empty">{t('careTeam.empty')}</p>}
      {team !== null && team.length > 0 && (
        <ul class="care-team__list">
          {team.map((member) => {
            const status = currentStatus(member.id, now);
            const profile = profileLine(member);
            return (
              <li key={member.id} class="care-team__member" data-testid="care-team-member" data-user-id={member.id}>
                <div class="care-team__who">
                  <p class="care-team__name">{member.displayName}</p>
                  <p class="care-team__role">{profile ? `${tChat(`role.${member.role}`)} · ${profile}` : tChat(`role.${member.role}`)}</p>
                  <p class={status ? `status status--${status.state}` : 'care-team__no-status'} data-testid="care-team-status">
                    {status ? statusLabel(status, now) : t('careTeam.noStatus')}
                  </p>
                </div>
                <button
                  type="button"
                  class="button button--primary care-team__write"
                  data-testid="care-team-write"
                  aria-label={t('careTeam.writeTo', { name: member.displayName })}
                  disabled={opening !== null}
                  onClick={() => void open(member)}
                >
                  {t('careTeam.write')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
