import { useState } from 'preact/hooks';
import { LIMITS } from '../../../shared/limits.ts';
import type { AvailabilityState } from '../../../shared/model.ts';
import { t as tShell, tError } from '../../core/i18n/index.ts';
import { currentUserId } from '../../core/session.ts';
import { currentStatus, noteAvailability, parseAvailability } from './availability.ts';
import { tStatus as t } from './status-i18n.ts';
import { api } from '../../core/http.ts';

const STATES: AvailabilityState[] = ['available', 'busy', 'in_consultation', 'away', 'on_call'];
/** The ends offered, in minutes from now (0: none, the status stays until changed). */
const DURATIONS = [0, 30, 60, 120, 240, 480, 1440] as const;

/**
 * The user's availability status (Disponible, Occupé·e, En consultation, Absent·e, De garde), an
 * optional message and an optional end: saved straight to the gateway (`PUT /api/me/status`, which
 * sends it live to the user's contacts), cleared by `DELETE /api/me/status`. Needs the network.
 */
export function StatusForm() {
  const myId = currentUserId.value ?? undefined;
  const mine = currentStatus(myId);
  const [state, setState] = useState<AvailabilityState>(mine?.state ?? 'available');
  const [message, setMessage] = useState(mine?.message ?? '');
  const [minutes, setMinutes] = useState<number>(0);
  const [feedback, setFeedback] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (work: () => Promise<string>): Promise<void> => {
    setBusy(true);
    try {
      setFeedback(await work());
    } catch (error) {
      setFeedback(tError(error));
    } finally {
      setBusy(false);
    }
  };

  const save = (event: Event): void => {
    event.preventDefault();
    void run(async () => {
      const text = message.trim().slice(0, LIMITS.STATUS_MESSAGE_MAX);
      const body = { state, ...(text ? { message: text } : {}), ...(minutes > 0 ? { until: Date.now() + minutes * 60_000 } : {}) };
      const reply = await api.call('PUT', '/api/me/status', body);
      const saved = reply.status === 200 ? parseAvailability((reply.body as { status?: unknown } | undefined)?.status) : null;
      if (saved === null) return tError(reply.status === 0 ? 'offline' : errorCode(reply.body));
      if (myId) noteAvailability(myId, saved);
      return t('status.saved');
    });
  };

  const clear = (): void => {
    void run(async () => {
      await api.read('DELETE', '/api/me/status', null);
      if (myId) noteAvailability(myId, null);
      setMessage('');
      return t('status.cleared');
    });
  };

  return (
    <form class="status-form" data-testid="status-form" onSubmit={save}>
      <fieldset>
        <legend>{t('status.title')}</legend>
        <p class="hint">{t('status.hint')}</p>
        <div class="status-form__states">
          {STATES.map((value) => (
            <label key={value} class="status-form__state">
              <input type="radio" name="availability" value={value} checked={state === value} onChange={() => setState(value)} />
              <span>{tShell(`status.${value}`)}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <label class="field">
        <span>{t('status.message')}</span>
        <input
          data-testid="status-message"
          maxLength={LIMITS.STATUS_MESSAGE_MAX}
          placeholder={t('status.messagePlaceholder')}
          value={message}
          onInput={(event) => setMessage(event.currentTarget.value)}
        />
      </label>
      <label class="field">
        <span>{t('status.duration')}</span>
        <select data-testid="status-duration" value={String(minutes)} onChange={(event) => setMinutes(Number(event.currentTarget.value))}>
          {DURATIONS.map((n) => (
            <option key={n} value={String(n)}>
              {n === 0 ? t('status.forever') : t(`status.for${n}`)}
            </option>
          ))}
        </select>
      </label>
      {feedback && (
        <p role="status" data-testid="status-feedback">
          {feedback}
        </p>
      )}
      <div class="dialog__actions status-form__actions">
        {mine && (
          <button type="button" class="button button--ghost" data-testid="status-clear" disabled={busy} onClick={clear}>
            {t('status.clear')}
          </button>
        )}
        <button type="submit" class="button button--primary" data-testid="status-save" disabled={busy}>
          {t('status.save')}
        </button>
      </div>
    </form>
  );
}

function errorCode(body: unknown): string {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : 'offline';
}
