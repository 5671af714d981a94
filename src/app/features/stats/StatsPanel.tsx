import { useEffect, useRef, useState } from 'preact/hooks';
import { StatsReply } from '../../../shared/http.ts';
import type { CallStatsReply } from '../../../shared/calls.ts';
import { t, tError } from '../../core/i18n/index.ts';
import { tChat } from '../../core/i18n/chat.ts';
import { api } from '../../core/http.ts';
import { callStats } from '../calls/call-api.ts';
import { useModalDialog } from '../../ui/modal-dialog.ts';

function duration(seconds: number): string {
  if (seconds < 60) return tChat('stats.seconds', { count: seconds });
  if (seconds < 3600) return tChat('stats.minutes', { count: Math.round(seconds / 60) });
  return tChat('stats.hours', { count: Math.round((seconds / 3600) * 10) / 10 });
}

/**
 * The user's messaging and call statistics over 30 days (from the server: `GET /api/stats`,
 * `GET /api/calls/stats`), in a modal dialog: the conversation list keeps its whole sidebar.
 */
export function StatsPanel({ onClose }: { onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useModalDialog(dialog, { onCancel: onClose });
  const [stats, setStats] = useState<StatsReply | null>(null);
  const [calls, setCalls] = useState<CallStatsReply | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.read('GET', '/api/stats', StatsReply).then(setStats, setError);
    // Call totals are a complement: without them the message figures still show.
    callStats().then(setCalls, () => setCalls(null));
  }, []);
  const rows: [string, string][] = stats
    ? [
        [tChat('stats.sent'), String(stats.sent)],
        [tChat('stats.received'), String(stats.received)],
        [tChat('stats.unread'), String(stats.unread)],
        [tChat('stats.active'), String(stats.activeConversations)],
        [tChat('stats.archived'), String(stats.archivedConversations)],
        [tChat('stats.median'), stats.medianResponseSeconds === null ? '—' : duration(stats.medianResponseSeconds)],
        ...(calls
          ? ([
              [tChat('stats.calls'), String(calls.total)],
              [tChat('stats.callsCompleted'), String(calls.byOutcome.completed ?? 0)],
              [tChat('stats.callsMissed'), String(calls.byOutcome.missed ?? 0)],
              [tChat('stats.callsDeclined'), String(calls.byOutcome.declined ?? 0)],
              [tChat('stats.callsDuration'), duration(calls.totalDurationSeconds)],
              [tChat('stats.callsAverage'), duration(Math.round(calls.averageDurationSeconds))],
            ] as [string, string][])
          : []),
      ]
    : [];
  return (
    <dialog ref={dialog} class="dialog stats-dialog" data-testid="stats-panel" aria-labelledby="stats-title">
      <div class="dialog__body">
        <h2 id="stats-title" class="dialog__title">
          {tChat('stats.title', { days: stats?.days ?? 30 })}
        </h2>
        {error !== null && <p role="alert" class="error">{tError(error)}</p>}
        {!stats && error === null && <p>{t('app.loading')}</p>}
        {stats && (
          <dl class="stats">
            {rows.map(([label, value]) => (
              <div key={label} class="stats__row" data-testid="stat-row">
                <dt>{label}</dt>
                <dd data-testid="stat-value">{value}</dd>
              </div>
            ))}
          </dl>
        )}
        <div class="dialog__actions">
          <button type="button" class="button button--primary" data-testid="stats-close" onClick={onClose}>
            {tChat('panel.close')}
          </button>
        </div>
      </div>
    </dialog>
  );
}
