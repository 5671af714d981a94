import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConversationSummary } from '../../../shared/local-model.ts';
import { badgeText, conversationTitle, previewLine } from '../../ui/display.ts';
import { formatMessageTime, lang, t, tCount } from '../../core/i18n/index.ts';
import { conversations, conversationsLoaded, systemPreview, listFilter, listHasMore, showMoreConversations } from './conversations.ts';
import type { ConversationFilter } from '../../../shared/local-model.ts';
import type { MessageKey } from '../../core/i18n/index.ts';

/** What an empty list says, by filter: "Aucun message urgent" rather than "no conversation yet". */
const EMPTY: Record<ConversationFilter, MessageKey> = { inbox: 'list.empty', unread: 'list.emptyUnread', urgent: 'list.emptyUrgent', archived: 'list.emptyArchived' };
import { loadPresence, shownPresence } from '../presence/presence.ts';
import { currentStatus } from '../presence/availability.ts';
import { statusLabel } from '../presence/status-label.ts';
import { lazyComponent } from '../../ui/lazy-component.ts';
import { navigate, route } from '../../core/route.ts';
import { currentUser, currentUserId, withPatient } from '../../core/session.ts';
import { firstScreenRendered } from '../../core/first-screen.ts';

// The filters and the search and statistics panels are secondary: their own chunks, outside the app shell.
const ListTools = lazyComponent(() => import('./ListTools.tsx').then((m) => m.ListTools));
const NewConversationDialog = lazyComponent(() => import('./NewConversationDialog.tsx').then((m) => m.NewConversationDialog));
// A patient's home: their care team above their conversations, instead of the staff's tools.
const CareTeamHome = lazyComponent(() => import('../care-team/CareTeamHome.tsx').then((m) => m.CareTeamHome));

/** Asks for the next page when the end of the list scrolls into view. */
function MoreSentinel() {
  const sentinel = useRef<HTMLLIElement>(null);
  useEffect(() => {
    const element = sentinel.current;
    if (!element || typeof IntersectionObserver !== 'function') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) showMoreConversations();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return <li ref={sentinel} class="list-sentinel" aria-hidden="true" />;
}

function systemPreviewText(type: string | undefined): string {
  const key = systemPreview(type);
  return key === null ? '' : t(key);
}

function Row({ summary, active, myId, now }: { summary: ConversationSummary; active: boolean; myId: string | null; now: number }) {
  const { conversation, lastMessage, unread } = summary;
  const peer = conversation.kind === 'direct' ? conversation.participants.find((p) => p.id !== myId) : undefined;
  const peerState = peer ? shownPresence.value[peer.id]?.state : undefined;
  const peerStatus = currentStatus(peer?.id, now);
  const title = conversationTitle(conversation, myId, { untitled: t('list.untitled'), deleted: t('user.deleted') });
  const href = `/c/${conversation.id}`;
  // A system line has no text: it says what happened ("Appel manqué", "Message modifié"…), a group's
  // changes and a type this build does not know nothing (not "Vous : ").
  const line = lastMessage?.system?.type;
  const preview = !lastMessage
    ? t('list.noMessage')
    : lastMessage.kind === 'system'
      ? systemPreviewText(line)
      : lastMessage.redacted
        ? t('list.redacted')
        : lastMessage.senderId === myId
        ? t('list.you', { body: previewLine(lastMessage.body) })
        : previewLine(lastMessage.body);
  return (
    <li>
      <a
        href={href}
        class={`conversation-row${active ? ' conversation-row--active' : ''}${unread > 0 ? ' conversation-row--unread' : ''}${summary.urgent ? ' conversation-row--urgent' : ''}`}
        data-testid="conversation-row"
        data-conversation-id={conversation.id}
        aria-current={active ? 'page' : undefined}
        onClick={(event) => {
          // Let modified clicks (new tab, new window) reach the browser.
          if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
          event.preventDefault();
          navigate(href);
        }}
      >
        <span class="conversation-row__top">
          <span class="conversation-row__title">
            {peerState && <span class={`presence-dot presence--${peerState}`} role="img" aria-label={t(`presence.${peerState}`)} />}
            {title}
            {conversation.patient && <span class="conversation-row__patient"> · {conversation.patient.displayName}</span>}
            {withPatient(conversation.participants) && (
              <span class="badge badge--patient" data-testid="patient-marker">
                {t('chat.patientMarker')}
              </span>
            )}
          </span>
          <time class="conversation-row__time" dateTime={new Date(summary.lastActivity).toISOString()}>
            {formatMessageTime(summary.lastActivity, now, lang.value)}
          </time>
        </span>
        {peerStatus && (
          <span class={`conversation-row__status status status--${peerStatus.state}`} data-testid="row-status">
            {statusLabel(peerStatus, now)}
          </span>
        )}
        <span class="conversation-row__bottom">
          <span class="conversation-row__preview">{preview}</span>
          {summary.urgent !== undefined && (
            // Unread urgent: a red band on the row and a solid badge; read: an outlined one, still "Urgent".
            <span class={`badge badge--urgent${summary.urgent ? '' : ' badge--urgent-read'}`} data-testid="urgent-conversation" data-unread={summary.urgent}>
              <span aria-hidden="true">⚠</span> {t('chat.urgent')}
            </span>
          )}
          {unread > 0 && (
            <span class="badge" data-testid="unread-badge" aria-label={tCount('list.unread', unread)}>
              {badgeText(unread)}
            </span>
          )}
        </span>
      </a>
    </li>
  );
}

/**
 * The conversations, most recent first, with the "Nouvelle conversation" button and the list tools;
 * for a patient, their home instead: "Mon équipe de soins" (CareTeamHome) above their conversations.
 */
export function ConversationList() {
  const [dialogOpen, setDialogOpen] = useState(false);
  const newButton = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);
  // Give focus back to the button once the modal dialog is gone (while it is open, the page is inert).
  useEffect(() => {
    if (wasOpen.current && !dialogOpen) newButton.current?.focus();
    wasOpen.current = dialogOpen;
  }, [dialogOpen]);
  const current = route.value;
  const activeId = current.name === 'conversation' ? current.conversationId : null;
  const myId = currentUserId.value;
  const list = conversations.value;
  useEffect(() => {
    const peers = list.flatMap((s) => (s.conversation.kind === 'direct' ? s.conversation.participants.filter((p) => p.id !== myId) : []));
    loadPresence(peers.map((p) => p.id));
  }, [list, myId]);
  const loaded = conversationsLoaded.value;
  useEffect(() => {
    if (loaded) firstScreenRendered();
  }, [loaded]);
  const now = Date.now();
  const patient = currentUser.value?.role === 'patient';
  const rows = !conversationsLoaded.value ? (
    <p class="pane__empty">{t('app.loading')}</p>
  ) : list.length === 0 ? (
    <p class="pane__empty" data-testid="list-empty">
      {t(EMPTY[listFilter.value])}
    </p>
  ) : (
    <ul class="conversation-list" aria-labelledby={patient ? 'my-conversations' : undefined}>
      {list.map((summary) => (
        <Row key={summary.conversation.id} summary={summary} active={summary.conversation.id === activeId} myId={myId} now={now} />
      ))}
      {listHasMore.value && <MoreSentinel />}
    </ul>
  );
  if (patient) {
    return (
      <section class="pane list-pane patient-home" aria-labelledby="list-title">
        <div class="pane__header">
          <h1 id="list-title" class="pane__title">
            {t('list.careTeamTitle')}
          </h1>
        </div>
        <div class="pane__body" data-testid="conversation-list" aria-busy={!conversationsLoaded.value}>
          <CareTeamHome />
          <h2 id="my-conversations" class="list-subtitle">
            {t('list.myConversations')}
          </h2>
          {rows}
        </div>
      </section>
    );
  }
  return (
    <section class="pane list-pane" aria-labelledby="list-title">
      <div class="pane__header">
        <h1 id="list-title" class="pane__title">
          {t('list.title')}
        </h1>
        <button
          ref={newButton}
          type="button"
          class="button button--primary"
          data-testid="new-conversation"
          onClick={() => setDialogOpen(true)}
        >
          {t('list.new')}
        </button>
      </div>
      <ListTools />
      <div class="pane__body" data-testid="conversation-list" aria-busy={!conversationsLoaded.value}>
        {rows}
      </div>
      {dialogOpen && <NewConversationDialog onClose={() => setDialogOpen(false)} />}
    </section>
  );
}
