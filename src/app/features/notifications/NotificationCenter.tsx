import { useEffect, useRef, useState } from 'preact/hooks';
import type { NotificationFilter } from '../../../shared/sw-requests.ts';
import type { NotificationItem } from '../../../shared/local-model.ts';
import { formatMessageTime } from '../../core/i18n/format.ts';
import { tNotify as t } from './notify.ts';
import { lang, tError } from '../../core/i18n/index.ts';
import { notificationCenterOpen } from './notifications.ts';
import { navigate } from '../../core/route.ts';
import { request, subscribe } from '../../core/sw-client.ts';
import { NotificationSettings } from './NotificationSettings.tsx';
import './notifications.css';

type Tab = 'all' | 'unread' | 'message' | 'call';

const FILTERS: Record<Tab, NotificationFilter> = {
  all: {},
  unread: { unreadOnly: true },
  message: { type: 'message' },
  call: { type: 'missed_call' },
};
const TAB_LABELS = { all: 'center.all', unread: 'center.unread', message: 'center.messages', call: 'center.calls' } as const;

/** The notification history (loaded on demand): filter, open, mark read, delete; preferences below. */
export function NotificationCenter() {
  const dialog = useRef<HTMLDialogElement>(null);
  const [tab, setTab] = useState<Tab>('all');
  const [items, setItems] = useState<NotificationItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const close = (): void => {
    notificationCenterOpen.value = false;
  };

  const load = (which: Tab = tab): void => {
    request('notifications.list', FILTERS[which]).then(
      (reply) => setItems(reply.notifications),
      (failure: unknown) => setError(tError(failure)),
    );
  };

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    const unsubscribe = subscribe('notifications', () => load());
    return unsubscribe;
  }, []);
  useEffect(() => load(tab), [tab]);

  const act = async (op: 'notifications.read' | 'notifications.delete', ids: string[]): Promise<void> => {
    try {
      await request(op, { ids });
      load();
    } catch (failure) {
      setError(tError(failure));
    }
  };

  const open = (item: NotificationItem): void => {
    void act('notifications.read', [item.id]);
    close();
    navigate(item.link.split('?')[0] ?? '/');
  };

  const unreadIds = (items ?? []).filter((n) => !n.read).map((n) => n.id);
  return (
    <dialog
      ref={dialog}
      class="dialog notification-center"
      aria-labelledby="notification-center-title"
      data-testid="notification-center"
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
    >
      <div class="dialog__body">
        <h2 id="notification-center-title">{t('center.title')}</h2>
        <div class="chips" role="tablist">
          {(Object.keys(FILTERS) as Tab[]).map((key) => (
            <button key={key} type="button" role="tab" aria-selected={tab === key} class="chip" onClick={() => setTab(key)}>
              {t(TAB_LABELS[key])}
            </button>
          ))}
        </div>
        {error && <p role="alert">{error}</p>}
        {items && items.length === 0 && <p class="hint">{t('center.empty')}</p>}
        <ul class="notification-list" data-testid="notification-list">
          {(items ?? []).map((item) => (
            <li key={item.id} class={item.read ? 'notification' : 'notification notification--unread'} data-testid="notification-item">
              <button type="button" class="notification__open" onClick={() => open(item)}>
                <span class="notification__title">
                  {item.urgent && <span class="message__urgent">{t('center.urgent')}</span>} {item.title}
                </span>
                {item.body && <span class="notification__body">{item.body}</span>}
                <time class="notification__time">{formatMessageTime(item.time, Date.now(), lang.value)}</time>
              </button>
              <span class="notification__actions">
                {!item.read && (
                  <button type="button" class="button button--ghost button--small" onClick={() => void act('notifications.read', [item.id])}>
                    {t('center.markRead')}
                  </button>
                )}
                <button type="button" class="button button--ghost button--small" onClick={() => void act('notifications.delete', [item.id])}>
                  {t('center.delete')}
                </button>
              </span>
            </li>
          ))}
        </ul>
        <details>
          <summary>{t('center.preferences')}</summary>
          <NotificationSettings />
        </details>
        <div class="dialog__actions">
          {unreadIds.length > 0 && (
            <button type="button" class="button button--ghost" data-testid="notifications-read-all" onClick={() => void act('notifications.read', unreadIds)}>
              {t('center.markAllRead')}
            </button>
          )}
          <button type="button" class="button button--primary" onClick={close}>
            {t('center.close')}
          </button>
        </div>
      </div>
    </dialog>
  );
}
