import { useState } from 'preact/hooks';
import type { Participant } from '../../../../shared/model.ts';
import type { LocalMessage } from '../../../../shared/local-model.ts';
import { formatMessageTime, lang, tError } from '../../../core/i18n/index.ts';
import { tChat } from '../../../core/i18n/chat.ts';
import { request } from '../../../core/sw-client.ts';
import { participantName } from '../../../ui/display.ts';
import { recipientStates, stateOf, type Ack } from '../urgent-acks.ts';

interface Props {
  message: LocalMessage;
  mine: boolean;
  myId: string | null;
  acks: readonly Ack[];
  participants: readonly Participant[];
  nameOf(userId: string): string;
  now: number;
}

/**
 * Closing the loop on an urgent message (`message.ack`). Every member sees who took it on ("Dr Benali
 * prend en charge, 14:32"); a recipient answers "Pris en compte" or "Je prends en charge" (through the
 * outbox: offline too; the reminders stop once it reaches the gateway); the sender sees who has not
 * answered yet.
 */
export function UrgentAck({ message, mine, myId, acks, participants, nameOf, now }: Props) {
  const [sending, setSending] = useState<'ack' | 'claim' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const claims = acks.filter((ack) => ack.claim);
  const own = stateOf(acks, myId);
  const answer = (claim: boolean): void => {
    setSending(claim ? 'claim' : 'ack');
    setError(null);
    request('conversation.act', { kind: 'message.ack', conversationId: message.conversationId, messageId: message.messageId, claim }).catch((failure: unknown) => {
      setSending(null);
      setError(failure);
    });
  };
  // Queued, and the line not back yet: said as done (it is, on this device), with what is on its way.
  const shownState = own === 'pending' && sending !== null ? (sending === 'claim' ? 'claimed' : 'acknowledged') : own === 'acknowledged' && sending === 'claim' ? 'claimed' : own;
  return (
    <div class="urgent-ack" data-testid="urgent-ack" data-state={shownState}>
      {claims.map((claim) => (
        <p key={claim.userId} class="urgent-ack__claim" data-testid="urgent-claim">
          {claim.userId === myId
            ? tChat('ack.youClaimedAt', { time: formatMessageTime(claim.time, now, lang.value) })
            : tChat('ack.claimedBy', { name: nameOf(claim.userId), time: formatMessageTime(claim.time, now, lang.value) })}
        </p>
      ))}
      {mine ? (
        <SenderView message={message} acks={acks} participants={participants} />
      ) : (
        <>
          {shownState !== 'pending' && own !== 'claimed' && (
            <p class="urgent-ack__mine" data-testid="urgent-ack-mine">
              {tChat(shownState === 'claimed' ? 'ack.youClaimed' : 'ack.youAcknowledged')}
            </p>
          )}
          {message.status === 'sent' && shownState !== 'claimed' && (
            <div class="urgent-ack__actions">
              {shownState === 'pending' && (
                <button type="button" class="button button--small" data-testid="ack-button" onClick={() => answer(false)}>
                  {tChat('ack.acknowledge')}
                </button>
              )}
              <button type="button" class="button button--small button--primary" data-testid="claim-button" onClick={() => answer(true)}>
                {tChat('ack.claim')}
              </button>
            </div>
          )}
          {error !== null && (
            <p role="alert" class="error">
              {tError(error)}
            </p>
          )}
        </>
      )}
    </div>
  );
}

/** The sender's line: who has not answered yet, or that everyone has. */
function SenderView({ message, acks, participants }: Pick<Props, 'message' | 'acks' | 'participants'>) {
  const states = recipientStates(message, participants, acks);
  const waiting = states.filter((s) => s.state === 'pending').map((s) => participantName(s.participant, ''));
  const answered = states.filter((s) => s.state === 'acknowledged').map((s) => participantName(s.participant, ''));
  if (states.length === 0) return null;
  return (
    <p class="urgent-ack__summary" data-testid="ack-summary" data-waiting={waiting.length}>
      {waiting.length > 0 ? tChat('ack.waiting', { names: waiting.join(', ') }) : tChat('ack.allAnswered')}
      {answered.length > 0 && ` · ${tChat('ack.acknowledgedBy', { names: answered.join(', ') })}`}
    </p>
  );
}
