import { useEffect, useState } from 'preact/hooks';
import { tError } from '../../../core/i18n/index.ts';
import { tChat } from '../../../core/i18n/chat.ts';
import { request } from '../../../core/sw-client.ts';
import { loadOlderLocal, olderLocal } from '../messages.ts';

/**
 * "Messages précédents": the next older page stored on this device, else older history fetched from
 * the server into the store and then shown. Resolves false once there is nothing older anywhere.
 */
async function loadOlder(conversationId: string): Promise<boolean> {
  if (olderLocal.value === 0) {
    const { hasMore } = await request('messages.older', { conversationId });
    await loadOlderLocal();
    return hasMore || olderLocal.value > 0;
  }
  await loadOlderLocal();
  return true;
}

/** "Messages précédents": the next older page stored on this device, else older history from the server. */
export function OlderButton({ conversationId }: { conversationId: string }) {
  const [state, setState] = useState<{ busy: boolean; done: boolean; error: unknown }>({ busy: false, done: false, error: null });
  useEffect(() => setState({ busy: false, done: false, error: null }), [conversationId]);
  if (state.done) return null;
  return (
    <p class="older">
      <button
        type="button"
        class="button button--small"
        data-testid="load-older"
        disabled={state.busy}
        onClick={() => {
          setState({ ...state, busy: true });
          loadOlder(conversationId).then(
            (more) => setState({ busy: false, done: !more, error: null }),
            (error: unknown) => setState({ busy: false, done: false, error }),
          );
        }}
      >
        {tChat('chat.older')}
      </button>
      {state.error !== null && <span role="alert"> {tError(state.error)}</span>}
    </p>
  );
}
