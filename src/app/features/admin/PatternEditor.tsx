import { useState } from 'preact/hooks';
import type { AdminAccount } from '../../../shared/admin-http.ts';
import { ROTA_LIMITS, type FunctionDetailReply, type RotaSlot } from '../../../shared/oncall.ts';
import { savePattern } from './oncall-api.ts';
import { tOncall as t } from './oncall-i18n.ts';

const DAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** A slot while it is edited: its person may not be chosen yet. */
type DraftSlot = Omit<RotaSlot, 'userId'> & { userId: string; key: number };

interface Props {
  functionId: string;
  slots: readonly RotaSlot[];
  /** The accounts that may hold the function. */
  eligible: readonly AdminAccount[];
  onSave(change: Promise<FunctionDetailReply>, done: string): Promise<boolean>;
}

let nextKey = 0;

/**
 * The weekly rota as a table per weekday: each slot a start, an end (Paris time; an end at or
 * before the start ends the next day) and a person; saved whole (`PUT …/pattern`), the server
 * refusing slots that overlap.
 */
export function PatternEditor({ functionId, slots, eligible, onSave }: Props) {
  const [draft, setDraft] = useState<DraftSlot[]>(() => slots.map((slot) => ({ ...slot, key: nextKey++ })));
  const [busy, setBusy] = useState(false);
  const update = (key: number, change: Partial<DraftSlot>): void => setDraft(draft.map((slot) => (slot.key === key ? { ...slot, ...change } : slot)));

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    const complete = draft.map(({ day, start, end, userId }) => ({ day, start, end, userId }));
    await onSave(savePattern(functionId, complete), t('oncall.patternSaved'));
    setBusy(false);
  };

  return (
    <form class="admin-form" aria-labelledby="oncall-pattern-title" data-testid="oncall-pattern-form" onSubmit={(event) => void submit(event)}>
      <h2 id="oncall-pattern-title" class="oncall-subtitle">
        {t('oncall.pattern')}
      </h2>
      <p class="hint">{t('oncall.patternHint')}</p>
      {DAYS.map((day) => {
        const dayName = t(`oncall.day.${day}`);
        const ofDay = draft.filter((slot) => slot.day === day);
        return (
          <fieldset key={day} class="oncall-day" data-testid={`oncall-day-${day}`}>
            <legend>{dayName}</legend>
            {ofDay.length === 0 && <p class="hint">{t('oncall.noSlot')}</p>}
            {ofDay.map((slot) => (
              <div key={slot.key} class="oncall-slot" data-testid="oncall-slot">
                <label class="field">
                  <span>{t('oncall.start')}</span>
                  <input type="time" name="start" required value={slot.start} onInput={(e) => update(slot.key, { start: e.currentTarget.value })} />
                </label>
                <label class="field">
                  <span>{t('oncall.end')}</span>
                  <input type="time" name="end" required value={slot.end} onInput={(e) => update(slot.key, { end: e.currentTarget.value })} />
                </label>
                <label class="field oncall-slot__person">
                  <span>{t('oncall.person')}</span>
                  <select name="userId" required value={slot.userId} onChange={(e) => update(slot.key, { userId: e.currentTarget.value })}>
                    <option value="">{t('oncall.choose')}</option>
                    {eligible.map((account) => (
                      <option key={account.id} value={account.id}>
                        {account.service ? `${account.displayName} · ${account.service}` : account.displayName}
                      </option>
                    ))}
                  </select>
                </label>
                <button
                  type="button"
                  class="button oncall-slot__remove"
                  aria-label={t('oncall.removeSlot', { start: slot.start, end: slot.end })}
                  onClick={() => setDraft(draft.filter((other) => other.key !== slot.key))}
                >
                  ✕
                </button>
              </div>
            ))}
            <button
              type="button"
              class="button button--small oncall-day__add"
              data-testid={`oncall-add-slot-${day}`}
              disabled={draft.length >= ROTA_LIMITS.SLOTS_MAX}
              onClick={() => setDraft([...draft, { day, start: '08:00', end: '20:00', userId: '', key: nextKey++ }])}
            >
              {t('oncall.addSlot')}
            </button>
          </fieldset>
        );
      })}
      <div class="admin-form__actions">
        <button type="submit" class="button button--primary" data-testid="oncall-save-pattern" disabled={busy}>
          {t('oncall.savePattern')}
        </button>
      </div>
    </form>
  );
}
