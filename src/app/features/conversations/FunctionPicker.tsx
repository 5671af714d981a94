import { useEffect, useState } from 'preact/hooks';
import { FunctionsReply, type FunctionEntry } from '../../../shared/oncall.ts';
import { formatMessageTime, lang, tError } from '../../core/i18n/index.ts';
import { tChat } from '../../core/i18n/chat.ts';
import { request } from '../../core/sw-client.ts';
import { userCan } from '../../core/session.ts';
import { callFunction } from '../calls/call-listener.ts';

/** The functions and who holds each now (`GET /api/functions`: online, the rota is the gateway's). */
async function loadFunctions(): Promise<FunctionEntry[]> {
  const reply = await fetch('/api/functions', { credentials: 'same-origin' });
  if (!reply.ok) throw new Error('unavailable');
  return FunctionsReply.parse(await reply.json()).functions;
}

/**
 * "Écrire à une fonction" in the New conversation dialog: each function with who holds it now; a tap
 * starts the conversation addressed to it — the gateway adds whoever holds it at that moment (not
 * necessarily the name shown here, if the turn changed meanwhile) and titles it by the function.
 */
export function FunctionPicker({ onCreated }: { onCreated(conversationId: string): void }) {
  const [functions, setFunctions] = useState<FunctionEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    loadFunctions().then(setFunctions, setError);
  }, []);
  const write = async (entry: FunctionEntry, call = false): Promise<void> => {
    if (!entry.holder || busy) return;
    setBusy(true);
    setError(null);
    try {
      const { conversationId } = await request('conversation.create', { participantIds: [entry.holder.id], functionId: entry.id });
      onCreated(conversationId);
      // The call rings whoever holds the function when it reaches the gateway (named back on ringing).
      if (call) callFunction(conversationId, entry.id, `${entry.name} · ${entry.holder.displayName}`, entry.holder.id);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  if (functions !== null && functions.length === 0) return null;
  const now = Date.now();
  return (
    <section class="function-picker" aria-labelledby="function-picker-title" data-testid="function-picker">
      <h3 id="function-picker-title">{tChat('functions.title')}</h3>
      {error !== null && (
        <p role="alert" class="error">
          {tError(error)}
        </p>
      )}
      <ul class="function-picker__list">
        {functions?.map((entry) => (
          <li key={entry.id}>
            <button type="button" class="button function-picker__item" data-testid="function-item" disabled={!entry.holder || busy} onClick={() => void write(entry)}>
              <strong>{entry.name}</strong>
              <span>
                {entry.holder
                  ? entry.until
                    ? tChat('functions.heldUntil', { name: entry.holder.displayName, time: formatMessageTime(entry.until, now, lang.value) })
                    : tChat('functions.held', { name: entry.holder.displayName })
                  : tChat('functions.vacant')}
              </span>
            </button>
            {userCan('call.start') && (
              <button
                type="button"
                class="button button--ghost function-picker__call"
                data-testid="function-call"
                aria-label={tChat('functions.call', { name: entry.name })}
                title={tChat('functions.call', { name: entry.name })}
                disabled={!entry.holder || busy}
                onClick={() => void write(entry, true)}
              >
                <svg aria-hidden="true" viewBox="0 0 24 24" width="24" height="24">
                  <path fill="currentColor" d="M17 10.5V7a1 1 0 0 0-1-1H4a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-3.5l4 4v-11z" />
                </svg>
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
