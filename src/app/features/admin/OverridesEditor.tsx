import { useState } from 'preact/hooks';
import type { AdminAccount } from '../../../shared/admin-http.ts';
import type { FunctionDetailReply } from '../../../shared/oncall.ts';
import { addOverride, removeOverride } from './oncall-api.ts';
import { formatRotaTime, fromLocalInput, tRotaError } from './oncall-format.ts';
import { tOncall as t } from './oncall-i18n.ts';

interface Props {
  detail: FunctionDetailReply;
  /** Every account, to name the holders of overrides and handovers. */
  staff: readonly AdminAccount[];
  eligible: readonly AdminAccount[];
  onChange(change: Promise<FunctionDetailReply>, done: string): Promise<boolean>;
  onRemoved(message: string): void;
  onReload(): void;
}

/**
 * The function's overrides not ended (each removable) and its handovers running, then the form of a
 * new override: from, to (the device's local time) and who.
 */
export function OverridesEditor({ detail, staff, eligible, onChange, onRemoved, onReload }: Props) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [userId, setUserId] = useState('');
  const [busy, setBusy] = useState(false);
  const nameOf = (id: string): string => staff.find((account) => account.id === id)?.displayName ?? '—';
  const functionId = detail.function.id;

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    const added = await onChange(addOverride(functionId, { from: fromLocalInput(from), to: fromLocalInput(to), userId }), t('oncall.overrideAdded'));
    if (added) {
      setFrom('');
      setTo('');
      setUserId('');
    }
    setBusy(false);
  };

  const remove = async (overrideId: string): Promise<void> => {
    try {
      await removeOverride(functionId, overrideId);
      onRemoved(t('oncall.overrideRemoved'));
    } catch (error) {
      onRemoved(tRotaError(error));
    }
    onReload();
  };

  return (
    <form class="admin-form" aria-labelledby="oncall-overrides-title" data-testid="oncall-override-form" onSubmit={(event) => void submit(event)}>
      <h2 id="oncall-overrides-title" class="oncall-subtitle">
        {t('oncall.overrides')}
      </h2>
      <p class="hint">{t('oncall.overridesHint')}</p>
      {detail.overrides.length === 0 && detail.handovers.length === 0 && <p>{t('oncall.noOverride')}</p>}
      <ul class="oncall-overrides">
        {detail.overrides.map((override) => (
          <li key={override.id} data-testid="oncall-override">
            <span>{t('oncall.overrideLine', { name: nameOf(override.userId), from: formatRotaTime(override.from), to: formatRotaTime(override.to) })}</span>
            <button type="button" class="button button--small" aria-label={t('oncall.removeOverride', { name: nameOf(override.userId) })} onClick={() => void remove(override.id)}>
              ✕
            </button>
          </li>
        ))}
        {detail.handovers.map((handover) => (
          <li key={handover.id} data-testid="oncall-handover">
            <span>{t('oncall.handoverLine', { name: nameOf(handover.toUserId), to: formatRotaTime(handover.until) })}</span>
          </li>
        ))}
      </ul>
      <div class="admin-form__grid">
        <label class="field">
          <span>{t('oncall.from')}</span>
          <input type="datetime-local" name="from" required value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t('oncall.to')}</span>
          <input type="datetime-local" name="to" required value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t('oncall.person')}</span>
          <select name="userId" required value={userId} onChange={(e) => setUserId(e.currentTarget.value)}>
            <option value="">{t('oncall.choose')}</option>
            {eligible.map((account) => (
              <option key={account.id} value={account.id}>
                {account.displayName}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div class="admin-form__actions">
        <button type="submit" class="button button--primary" data-testid="oncall-add-override" disabled={busy}>
          {t('oncall.addOverride')}
        </button>
      </div>
    </form>
  );
}
