import { useState } from 'preact/hooks';
import type { ConversationSummary } from '../../../shared/local-model.ts';
import { RelaisError } from '../../../shared/errors.ts';
import { can } from '../../../shared/policy.ts';
import { tError } from '../../core/i18n/index.ts';
import { tChat } from '../../core/i18n/chat.ts';
import { navigate } from '../../core/route.ts';
import { currentUser } from '../../core/session.ts';
import { request } from '../../core/sw-client.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { exportToPatientRecord } from './fhir-export.ts';
import { lazyComponent } from '../../ui/lazy-component.ts';

// Group management is a secondary screen: its own chunk.
const GroupPanel = lazyComponent(() => import('./GroupPanel.tsx').then((m) => m.GroupPanel));

type ConversationAction = Parameters<typeof request<'conversation.act'>>[1];

/** The destructive actions, each behind an in-app confirmation: its title, explanation and button. */
const CONFIRMATIONS = {
  hide: { title: 'confirm.hideTitle', message: 'chat.confirmHide', confirm: 'chat.hide' },
  delete: { title: 'confirm.deleteTitle', message: 'chat.confirmDelete', confirm: 'chat.deleteAll' },
  leave: { title: 'confirm.leaveTitle', message: 'chat.confirmLeave', confirm: 'chat.leave' },
} as const;

interface Pending {
  which: keyof typeof CONFIRMATIONS;
  action: ConversationAction;
  opener: HTMLElement;
}

/** Archive, delete (for me / for everyone), group management, export to the patient record: the conversation's action menu. */
export function ConversationMenu({ summary }: { summary: ConversationSummary }) {
  const [error, setError] = useState<unknown>(null);
  const [groupOpen, setGroupOpen] = useState(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const me = currentUser.value;
  const { conversation } = summary;
  const mayManage = me !== null && (conversation.createdBy === me.id || me.role === 'admin');
  /** Runs an action; `leave` goes back to the list once it is done. */
  const run = (action: ConversationAction, options: { leave?: boolean } = {}): void => {
    setError(null);
    request('conversation.act', action).then(
      () => {
        if (options.leave) navigate('/');
      },
      setError,
    );
  };
  /** Asks first (in the page), then runs the action and goes back to the list. */
  const ask = (which: Pending['which'], action: ConversationAction) => (event: Event) =>
    setPending({ which, action, opener: event.currentTarget as HTMLElement });
  const id = conversation.id;
  const confirmation = pending ? CONFIRMATIONS[pending.which] : null;
  // Staff only (policy.ts), and only about a patient: the gateway refuses everyone else anyway.
  const mayExport = conversation.patient !== null && can(me?.role, 'conversation.export');
  const exportFile = (): void => {
    setError(null);
    exportToPatientRecord(id).catch(setError);
  };
  return (
    <>
      <details class="menu" data-testid="conversation-menu">
        <summary class="button button--ghost">
          <svg class="menu__icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
            <circle cx="12" cy="5" r="2" />
            <circle cx="12" cy="12" r="2" />
            <circle cx="12" cy="19" r="2" />
          </svg>
          <span class="menu__label">{tChat('chat.actions')}</span>
        </summary>
        <div class="menu__items">
          {summary.archived ? (
            <button type="button" class="button button--small" data-testid="unarchive" onClick={() => run({ kind: 'conversation.unarchive', conversationId: id })}>
              {tChat('chat.unarchive')}
            </button>
          ) : (
            <button type="button" class="button button--small" data-testid="archive" onClick={() => run({ kind: 'conversation.archive', conversationId: id }, { leave: true })}>
              {tChat('chat.archive')}
            </button>
          )}
          <button type="button" class="button button--small" data-testid="hide" onClick={ask('hide', { kind: 'conversation.hide', conversationId: id })}>
            {tChat('chat.hide')}
          </button>
          {mayManage && (
            <button type="button" class="button button--small" data-testid="delete-everyone" onClick={ask('delete', { kind: 'conversation.delete', conversationId: id })}>
              {tChat('chat.deleteAll')}
            </button>
          )}
          {mayExport && (
            <button type="button" class="button button--small" data-testid="export-fhir" onClick={exportFile}>
              {tChat('chat.exportFhir')}
            </button>
          )}
          {conversation.kind === 'group' && (
            <>
              <button type="button" class="button button--small" data-testid="manage-group" onClick={() => setGroupOpen(true)}>
                {tChat('group.manage')}
              </button>
              <button type="button" class="button button--small" data-testid="leave" onClick={ask('leave', { kind: 'conversation.leave', conversationId: id })}>
                {tChat('chat.leave')}
              </button>
            </>
          )}
          {error !== null && <p role="alert" class="error">{isOffline(error) ? tChat('chat.exportOffline') : tError(error)}</p>}
        </div>
      </details>
      {/* Outside the <details>: a dialog inside a folded one would not be drawn. */}
      {groupOpen && <GroupPanel conversation={conversation} mayManage={mayManage} onClose={() => setGroupOpen(false)} />}
      {pending && confirmation && (
        <ConfirmDialog
          title={tChat(confirmation.title)}
          message={tChat(confirmation.message)}
          confirmLabel={tChat(confirmation.confirm)}
          cancelLabel={tChat('confirm.cancel')}
          danger
          opener={pending.opener}
          errorText={tError}
          onConfirm={async () => {
            await request('conversation.act', pending.action);
            navigate('/');
          }}
          onClose={() => setPending(null)}
          testId={`confirm-${pending.which}`}
        />
      )}
    </>
  );
}

/** An export that found no network: said in words of its own (the export is an online-only action). */
function isOffline(error: unknown): boolean {
  return error instanceof RelaisError && error.code === 'offline';
}
