import { useEffect, useState } from 'preact/hooks';
import type { AdminAccount } from '../../../shared/admin-http.ts';
import { ROTA_LIMITS, type FunctionDetailReply, type FunctionEntry, type LadderStep } from '../../../shared/oncall.ts';
import { listFunctions, saveLadder } from './oncall-api.ts';
import { tOncall as t } from './oncall-i18n.ts';

/** A step while it is edited: its target may not be chosen yet. */
interface DraftStep {
  key: number;
  afterMinutes: string;
  kind: LadderStep['target']['kind'];
  /** A user id or a function id, by `kind`. */
  targetId: string;
}

interface Props {
  functionId: string;
  steps: readonly LadderStep[];
  /** Every account: the staff not disabled may be named. */
  staff: readonly AdminAccount[];
  onSave(change: Promise<FunctionDetailReply>, done: string): Promise<boolean>;
}

let nextKey = 0;
const STAFF_ROLES: readonly string[] = ['doctor', 'nurse', 'secretary'];

function draftOf(step: LadderStep): DraftStep {
  const { target } = step;
  return { key: nextKey++, afterMinutes: String(step.afterMinutes), kind: target.kind, targetId: target.kind === 'user' ? target.userId : target.functionId };
}

/**
 * The function's escalation ladder (oncall/ladder.ts on the gateway): ordered steps "after N minutes
 * without an answer, alert a person — or whoever holds another function then"; saved whole (`PUT
 * …/ladder`), the gateway refusing steps out of order or past the bounds.
 */
export function LadderEditor({ functionId, steps, staff, onSave }: Props) {
  const [draft, setDraft] = useState<DraftStep[]>(() => steps.map(draftOf));
  const [functions, setFunctions] = useState<FunctionEntry[]>([]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    listFunctions().then((all) => setFunctions(all.filter((entry) => entry.id !== functionId)), () => undefined);
  }, [functionId]);
  const people = staff.filter((account) => !account.disabled && STAFF_ROLES.includes(account.role));
  const update = (key: number, change: Partial<DraftStep>): void => setDraft(draft.map((step) => (step.key === key ? { ...step, ...change } : step)));

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (busy) return;
    const minutes = draft.map((step) => Number(step.afterMinutes));
    // Said here, in the ladder's words: the gateway's refusal would be a bare `bad_request`.
    if (minutes.some((value, i) => i > 0 && value <= minutes[i - 1]!)) {
      setProblem(t('oncall.ladderOrder'));
      return;
    }
    setProblem(null);
    setBusy(true);
    const complete: LadderStep[] = draft.map(({ afterMinutes, kind, targetId }) => ({
      afterMinutes: Number(afterMinutes),
      target: kind === 'user' ? { kind, userId: targetId } : { kind, functionId: targetId },
    }));
    await onSave(saveLadder(functionId, complete), t('oncall.ladderSaved'));
    setBusy(false);
  };

  const last = draft.at(-1);
  return (
    <form class="admin-form" aria-labelledby="oncall-ladder-title" data-testid="oncall-ladder-form" onSubmit={(event) => void submit(event)}>
      <h2 id="oncall-ladder-title" class="oncall-subtitle">
        {t('oncall.ladder')}
      </h2>
      <p class="hint">{t('oncall.ladderHint')}</p>
      {draft.length === 0 && <p>{t('oncall.noLadder')}</p>}
      {problem && (
        <p role="alert" class="oncall-danger" data-testid="oncall-ladder-problem">
          {problem}
        </p>
      )}
      <ol class="oncall-ladder">
        {draft.map((step, index) => (
          <li key={step.key} class="oncall-step" data-testid="oncall-step">
            <span class="oncall-step__number" aria-hidden="true">
              {index + 1}
            </span>
            <label class="field oncall-step__after">
              <span>{t('oncall.stepAfter')}</span>
              <input
                type="number"
                name="afterMinutes"
                inputMode="numeric"
                min={1}
                max={ROTA_LIMITS.LADDER_AFTER_MAX_MINUTES}
                step={1}
                required
                value={step.afterMinutes}
                onInput={(e) => update(step.key, { afterMinutes: e.currentTarget.value })}
              />
            </label>
            <label class="field oncall-step__kind">
              <span>{t('oncall.stepAlert')}</span>
              <select name="kind" value={step.kind} onChange={(e) => update(step.key, { kind: e.currentTarget.value as DraftStep['kind'], targetId: '' })}>
                <option value="user">{t('oncall.stepKind.user')}</option>
                <option value="function">{t('oncall.stepKind.function')}</option>
              </select>
            </label>
            <label class="field oncall-step__target">
              <span>{step.kind === 'user' ? t('oncall.person') : t('oncall.stepFunction')}</span>
              <select name="targetId" required value={step.targetId} onChange={(e) => update(step.key, { targetId: e.currentTarget.value })}>
                <option value="">{t('oncall.choose')}</option>
                {step.kind === 'user'
                  ? people.map((account) => (
                      <option key={account.id} value={account.id}>
                        {account.service ? `${account.displayName} · ${account.service}` : account.displayName}
                      </option>
                    ))
                  : functions.map((entry) => (
                      <option key={entry.id} value={entry.id}>
                        {entry.name}
                      </option>
                    ))}
              </select>
            </label>
            <button
              type="button"
              class="button oncall-step__remove"
              aria-label={t('oncall.removeStep', { number: index + 1 })}
              onClick={() => setDraft(draft.filter((other) => other.key !== step.key))}
            >
              ✕
            </button>
          </li>
        ))}
      </ol>
      <div class="admin-form__actions">
        <button
          type="button"
          class="button"
          data-testid="oncall-add-step"
          disabled={draft.length >= ROTA_LIMITS.LADDER_STEPS_MAX}
          onClick={() => setDraft([...draft, { key: nextKey++, afterMinutes: String(last ? Math.min(Number(last.afterMinutes) + 5, ROTA_LIMITS.LADDER_AFTER_MAX_MINUTES) : 5), kind: 'user', targetId: '' }])}
        >
          {t('oncall.addStep')}
        </button>
        <button type="submit" class="button button--primary" data-testid="oncall-save-ladder" disabled={busy}>
          {t('oncall.saveLadder')}
        </button>
      </div>
    </form>
  );
}
