import { useState } from 'preact/hooks';
import { LIMITS } from '../../../shared/limits.ts';
import type { PatientRef } from '../../../shared/model.ts';
import { PatientCareTeamReply } from '../../../shared/patient-http.ts';
import { api } from '../../core/http.ts';
import { tError } from '../../core/i18n/index.ts';
import { translator } from '../../core/i18n/translator.ts';
import { currentUserId } from '../../core/session.ts';
import { request } from '../../core/sw-client.ts';
import { online } from '../../core/sync.ts';
import { lazyComponent } from '../../ui/lazy-component.ts';
import { embedEn } from './embed-en.ts';
import { embedFr, type EmbedMessageKey } from './embed-fr.ts';

const tEmbed = translator<EmbedMessageKey>({ fr: embedFr, en: embedEn });
const NewConversationDialog = lazyComponent(() => import('../conversations/NewConversationDialog.tsx').then((m) => m.NewConversationDialog));

/** A patient the host asked about (`relais:open-patient`) with no conversation yet. */
export interface PatientOffer {
  /** The host's request id: the `relais:opened` of a conversation started from the offer carries it. */
  requestId: string;
  ins: string;
  /** The name the host gave, if any. */
  name?: string;
}

/**
 * The patient's care team, by INS (`GET /api/patients/care-team`: online only, straight from the
 * page like the admin console's calls; the service worker keeps no such list), without the user.
 */
async function careTeamOf(ins: string): Promise<{ displayName: string | null; staffIds: string[] }> {
  const { patient, staff } = await api.read('GET', `/api/patients/care-team?ins=${encodeURIComponent(ins)}`, PatientCareTeamReply);
  const me = currentUserId.value;
  return { displayName: patient?.displayName ?? null, staffIds: staff.filter((entry) => entry.id !== me).map((entry) => entry.id) };
}

/**
 * The panel's offer: no conversation about this patient yet, and one tap to start it with the
 * patient's care team (the staff an admin assigned to them), the patient in its header. Nobody
 * assigned (or no patient account with this INS): the New conversation dialog, the patient filled
 * in, so the user picks the colleagues. Offline it says the start needs the network instead of
 * showing a button that cannot work.
 */
export function EmbedOffer({ offer, onDismiss, onStarted }: { offer: PatientOffer; onDismiss(): void; onStarted(conversationId: string): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [picking, setPicking] = useState<PatientRef | null>(null);
  const name = offer.name ?? offer.ins;

  const start = async (): Promise<void> => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const team = await careTeamOf(offer.ins);
      const patient: PatientRef = { nationalId: offer.ins, displayName: (offer.name ?? team.displayName ?? offer.ins).slice(0, LIMITS.DISPLAY_NAME_MAX) };
      if (team.staffIds.length === 0) {
        setPicking(patient);
        setBusy(false);
        return;
      }
      const { conversationId } = await request('conversation.create', { participantIds: team.staffIds, patient });
      onStarted(conversationId);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <section class="embed-offer" role="status" data-testid="embed-offer">
      <h2>{tEmbed('embed.offerTitle', { name })}</h2>
      <p>{tEmbed('embed.offerText')}</p>
      {error !== null && (
        <p class="error" role="alert">
          {tError(error)}
        </p>
      )}
      <div class="embed-offer__actions">
        {online.value ? (
          <button type="button" class="button button--primary" data-testid="embed-offer-start" disabled={busy} onClick={() => void start()}>
            {busy ? tEmbed('embed.offerStarting') : tEmbed('embed.offerStart', { name })}
          </button>
        ) : (
          <p class="embed-offer__offline" data-testid="embed-offer-offline">
            {tEmbed('embed.offerOffline')}
          </p>
        )}
        <button type="button" class="button" onClick={onDismiss}>
          {tEmbed('embed.offerDismiss')}
        </button>
      </div>
      {picking && <NewConversationDialog patient={picking} onClose={() => setPicking(null)} onCreated={onStarted} />}
    </section>
  );
}
