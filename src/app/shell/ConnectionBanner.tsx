import { tCount, t } from '../core/i18n/index.ts';
import { realtimeStatus } from '../core/realtime.ts';
import { online, syncState } from '../core/sync.ts';

/** Says when messages cannot leave (offline, with the pending count) or the live link is coming back. */
export function ConnectionBanner() {
  const pending = syncState.value?.pending ?? 0;
  const isOnline = online.value;
  const reconnecting = realtimeStatus.value === 'reconnecting';
  let content = null;
  if (!isOnline) {
    content = (
      <>
        <span>{t('banner.offline')}</span>
        {pending > 0 && <span class="connection-banner__count">{tCount('banner.pending', pending)}</span>}
      </>
    );
  } else if (reconnecting) {
    content = <span>{t('banner.reconnecting')}</span>;
  }
  return (
    <div
      class={content ? `connection-banner${isOnline ? '' : ' connection-banner--offline'}` : 'visually-hidden'}
      role="status"
      data-testid={content ? 'connection-banner' : undefined}
    >
      {content}
    </div>
  );
}
