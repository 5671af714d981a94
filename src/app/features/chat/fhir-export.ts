import { RelaisError } from '../../../shared/errors.ts';
import { errorCodeOf } from '../../../shared/api-client.ts';
import { api } from '../../core/http.ts';

/**
 * Downloads a conversation about a patient as a FHIR R4 Bundle for the patient's record
 * (`GET /api/conversations/:id/export/fhir`). Online only: the gateway builds it from the whole
 * conversation and its files, which the device does not all hold; offline, it rejects with `offline`
 * at once. Rejects with the gateway's code otherwise (`no_patient_context`, `rate_limited`…).
 */
export async function exportToPatientRecord(conversationId: string): Promise<void> {
  if (!navigator.onLine) throw new RelaisError('offline');
  const response = await api.call('GET', `/api/conversations/${conversationId}/export/fhir`);
  if (response.status !== 200) throw new RelaisError(errorCodeOf(response));
  const file = new Blob([JSON.stringify(response.body)], { type: 'application/fhir+json' });
  const url = URL.createObjectURL(file);
  const link = document.createElement('a');
  link.href = url;
  // The gateway's name: the conversation and the day, never the patient's name.
  link.download = `relais-${conversationId}-${new Date().toISOString().slice(0, 10)}.fhir.json`;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked once the browser has started the download (the click is handled in this task).
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
