import { useState } from 'preact/hooks';
import type { ConversationFilter } from '../../../shared/local-model.ts';
import { tChat } from '../../core/i18n/chat.ts';
import { userCan } from '../../core/session.ts';
import { listFilter, listPatient, patients } from './conversations.ts';
import { lazyComponent } from '../../ui/lazy-component.ts';

const SearchPanel = lazyComponent(() => import('./SearchPanel.tsx').then((m) => m.SearchPanel));
const StatsPanel = lazyComponent(() => import('../stats/StatsPanel.tsx').then((m) => m.StatsPanel));
const OpenUrgentPanel = lazyComponent(() => import('./OpenUrgentPanel.tsx').then((m) => m.OpenUrgentPanel));

const FILTERS: ConversationFilter[] = ['inbox', 'unread', 'urgent', 'archived'];

/** Above the list: search, statistics, the filter (inbox, unread, urgent, archived) and the patient filter. */
export function ListTools() {
  const [panel, setPanel] = useState<'search' | 'stats' | null>(null);
  return (
    <>
        <div class="list-tools">
          <button type="button" class="button button--small" data-testid="open-search" onClick={() => setPanel(panel === 'search' ? null : 'search')}>
            {tChat('search.open')}
          </button>
          {userCan('stats.read') && (
            <button type="button" class="button button--small" data-testid="open-stats" onClick={() => setPanel(panel === 'stats' ? null : 'stats')}>
              {tChat('stats.open')}
            </button>
          )}
          <label class="visually-hidden" for="list-filter">
            {tChat('filter.label')}
          </label>
          {/* Any filter but the inbox is shown selected (outlined, bold): the list is not the whole inbox. */}
          <select id="list-filter" data-testid="list-filter" class={listFilter.value === 'inbox' ? undefined : 'list-filter--active'} value={listFilter.value} onChange={(e) => (listFilter.value = e.currentTarget.value as ConversationFilter)}>
            {FILTERS.map((filter) => (
              <option key={filter} value={filter}>
                {tChat(`filter.${filter}`)}
              </option>
            ))}
          </select>
          {(patients.value.length > 0 || listPatient.value) && (
            <select
              aria-label={tChat('filter.patient')}
              data-testid="patient-filter"
              value={listPatient.value ?? ''}
              onChange={(e) => (listPatient.value = e.currentTarget.value === '' ? null : e.currentTarget.value)}
            >
              <option value="">{tChat('filter.allPatients')}</option>
              {patients.value.map((p) => (
                <option key={p.nationalId} value={p.nationalId}>
                  {p.displayName} ({p.nationalId})
                </option>
              ))}
            </select>
          )}
        </div>
        {panel === 'search' && <SearchPanel onClose={() => setPanel(null)} />}
        {panel === 'stats' && <StatsPanel onClose={() => setPanel(null)} />}
        {listFilter.value === 'urgent' && userCan('message.urgent') && <OpenUrgentPanel />}
    </>
  );
}
