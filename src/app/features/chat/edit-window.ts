import { signal } from '@preact/signals';
import { MeReply } from '../../../shared/http.ts';
import { EDIT_WINDOW_DEFAULT_MINUTES } from '../../../shared/mutations.ts';
import { api } from '../../core/http.ts';

/**
 * How long after sending its author may edit a message (the clinic's setting, from `GET /api/me`):
 * the app offers "Modifier" only meanwhile. The default until it is known (offline); the gateway's
 * check is the one that counts (`edit_window_passed`).
 */
export const editWindowMinutes = signal(EDIT_WINDOW_DEFAULT_MINUTES);

let asked = false;

/** Asks the gateway once per page (again after a failure, at the next conversation opened). */
export function loadEditWindow(): void {
  if (asked) return;
  asked = true;
  api.read('GET', '/api/me', MeReply).then(
    (me) => {
      if (me.editWindowMinutes !== undefined) editWindowMinutes.value = me.editWindowMinutes;
    },
    () => {
      asked = false;
    },
  );
}
