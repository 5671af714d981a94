import type { Participant } from '../../../shared/model.ts';
import { openCallHistory, startCall } from './call-listener.ts';
import { tChat } from '../../core/i18n/chat.ts';
import { userCan } from '../../core/session.ts';

/** The conversation header's call shortcuts: video call (direct conversations) and call history. */
export function CallButtons({ conversationId, peer }: { conversationId: string; peer: Participant | null }) {
  return (
    <div class="chat-header__calls">
      {peer && userCan('call.start') && (
        <button
          type="button"
          class="button button--ghost"
          data-testid="call-start"
          aria-label={tChat('chat.call')}
          title={tChat('chat.call')}
          onClick={() => startCall(conversationId, peer.id, peer.displayName)}
        >
          <svg aria-hidden="true" viewBox="0 0 24 24" width="24" height="24">
            <path fill="currentColor" d="M17 10.5V7a1 1 0 0 0-1-1H4a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-3.5l4 4v-11z" />
          </svg>
        </button>
      )}
      <button
        type="button"
        class="button button--ghost"
        data-testid="call-history-open"
        aria-label={tChat('chat.callHistory')}
        title={tChat('chat.callHistory')}
        onClick={openCallHistory}
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" width="24" height="24">
          <path fill="currentColor" d="M13 3a9 9 0 0 0-9 9H1l4 4 4-4H6a7 7 0 1 1 2.05 4.95l-1.42 1.42A9 9 0 1 0 13 3zm-1 5v5l4.25 2.52.77-1.28-3.52-2.09V8z" />
        </svg>
      </button>
    </div>
  );
}
