import { useState } from 'preact/hooks';
import type { ConversationSummary } from '../../../shared/local-model.ts';
import { RelaisError } from '../../../shared/errors.ts';
import { can } from '../../../shared/policy.ts';
import { tError } from '../../core/i18n/index.ts';
import { tChat } from '../../core/i18n/chat.ts';
import { navigate } from '../../core/route.ts';
import { currentUser } from '../../core/session.ts';
import { request } from '../../core/sw-client.ts';
import { exportToPatientRecord } from './fhir-export.ts';
import { lazyComponent } from '../../ui/lazy-component.ts';

// Group management is a secondary screen: its own chunk.
const GroupPanel = lazyComponent(() => import('./GroupPanel.tsx').then((m) => m.GroupPanel));

/** Archive, delete (for me / for everyone), group management, export to the patient record: the conversation's action menu. */
export function ConversationMenu({ summary }: { summary: ConversationSummary }) {
  const [error, setError] = useState<unknown>(null);
  const [groupOpen, setGroupOpen] = useState(false);
  const me = currentUser.value;
  const { conversation } = summary;
  const mayManage = me !== null && (conversation.createdBy === me.id || me.role === 'admin');
  /** Runs an action; `confirmKey` asks first, `leave` goes back to the list once it is done. */
  const run = (
    action: Parameters<typeof request<'conversation.act'>>[1],
    options: { confirmKey?: 'chat.confirmHide' | 'chat.confirmDelete' | 'chat.confirmLeave'; leave?: boolean } = {},
  ): void => {
    const { confirmKey, leave } = options;
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
  // Staff only (policy.ts), and only about a patient: the gateway refuses everyone else anyway.
  const mayExport = conversation.patient !== null && can(me?.role, 'conversation.export');
  const exportFile = (): void => {
    setError(null);
    exportToPatientRecord(id).catch(setError);
  };
  return (
    <details class="menu" data-testid="conversation-menu">
      <summary class="button button--ghost">{tChat('chat.actions')}</summary>
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
        <button type="button" class="button button--small" data-testid="hide" onClick={() => run({ kind: 'conversation.hide', conversationId: id }, { confirmKey: 'chat.confirmHide', leave: true })}>
          {tChat('chat.hide')}
        </button>
        {mayManage && (
          <button type="button" class="button button--small" data-testid="delete-everyone" onClick={() => run({ kind: 'conversation.delete', conversationId: id }, { confirmKey: 'chat.confirmDelete', leave: true })}>
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
            <button type="button" class="button button--small" data-testid="leave" onClick={() => run({ kind: 'conversation.leave', conversationId: id }, { confirmKey: 'chat.confirmLeave', leave: true })}>
              {tChat('chat.leave')}
            </button>
          </>
        )}
        {error !== null && <p role="alert" class="error">{isOffline(error) ? tChat('chat.exportOffline') : tError(error)}</p>}
      </div>
      {groupOpen && <GroupPanel conversation={conversation} mayManage={mayManage} onClose={() => setGroupOpen(false)} />}
    </details>
  );
}

/** An export that found no network: said in words of its own (the export is an online-only action). */
function isOffline(error: unknown): boolean {
  return error instanceof RelaisError && error.code === 'offline';
}
