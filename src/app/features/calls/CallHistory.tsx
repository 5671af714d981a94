import { useEffect, useState } from 'preact/hooks';
import type { CallHistoryEntry, CallStatsReply } from '../../../shared/calls.ts';
import { callHistory, callStats } from './call-api.ts';
import { historyOpen } from './call-state.ts';
import { formatDuration, tCall } from './calls-i18n.ts';
import { lang, locale } from '../../core/i18n/index.ts';

function Entry({ entry }: { entry: CallHistoryEntry }) {
  const when = new Intl.DateTimeFormat(locale(lang.value), { dateStyle: 'short', timeStyle: 'short' }).format(entry.startedAt);
  return (
    <li class={`call-history__entry call-history__entry--${entry.outcome}`} data-testid="call-history-entry" data-outcome={entry.outcome} data-call-id={entry.callId}>
      <span class="call-history__who">{tCall(entry.direction === 'incoming' ? 'history.incoming' : 'history.outgoing', { name: entry.functionName ? `${entry.functionName} · ${entry.peerName}` : entry.peerName })}</span>
      <time dateTime={new Date(entry.startedAt).toISOString()}>{when}</time>
      <span class="call-history__outcome">{tCall(`outcome.${entry.outcome}`)}</span>
      {entry.outcome === 'completed' && (
        <span class="call-history__duration" data-testid="call-history-duration" data-seconds={entry.durationSeconds}>
          {formatDuration(entry.durationSeconds)}
        </span>
      )}
    </li>
  );
}

/** The user's calls (who, when, outcome, duration) and the totals of the last 30 days. */
export function CallHistory() {
  const [calls, setCalls] = useState<CallHistoryEntry[] | null>(null);
  const [stats, setStats] = useState<CallStatsReply | null>(null);
  const open = historyOpen.value;
  useEffect(() => {
    if (!open) return;
    // Unreachable: an empty history and no totals, as for a user who never called.
    callHistory().then(
      (reply) => setCalls(reply.calls),
      () => setCalls([]),
    );
    callStats().then(setStats, () => setStats(null));
  }, [open]);
  if (!open) return null;
  return (
    <div class="call-history" role="dialog" aria-modal="true" aria-labelledby="call-history-title" data-testid="call-history">
      <div class="call-history__header">
        <h2 id="call-history-title">{tCall('history.title')}</h2>
        <button type="button" class="button button--ghost" data-testid="call-history-close" onClick={() => (historyOpen.value = false)}>
          {tCall('history.close')}
        </button>
      </div>
      {stats && (
        <p class="call-history__stats" data-testid="call-stats">
          {tCall('history.stats', {
            calls: tCall.count('history.calls', stats.total),
            completed: tCall.count('history.completed', stats.byOutcome.completed),
            total: formatDuration(stats.totalDurationSeconds),
            average: formatDuration(stats.averageDurationSeconds),
          })}
        </p>
      )}
      {calls !== null && calls.length === 0 && <p>{tCall('history.empty')}</p>}
      <ul class="call-history__list">{calls?.map((entry) => <Entry key={entry.callId} entry={entry} />)}</ul>
    </div>
  );
}
