import { effect, signal } from '@preact/signals';
import { render } from 'preact';
import { HostRequest, type EmbedError, type FrameEvent } from '../../../shared/embed.ts';
import { translator } from '../../core/i18n/translator.ts';
import { onFrame } from '../../core/realtime.ts';
import { navigate } from '../../core/route.ts';
import { session } from '../../core/session.ts';
import { request } from '../../core/sw-client.ts';
import { totalUnread } from '../conversations/conversations.ts';
import { missedCalls } from '../notifications/notifications.ts';
import { EmbedOffer, type PatientOffer } from './EmbedOffer.tsx';
import { embedEn } from './embed-en.ts';
import { embedFr, type EmbedMessageKey } from './embed-fr.ts';
import './embed.css';

/**
 * The embedded mode (`/?embed=1` framed by a clinic page, docs/EMBEDDING.md), its own chunk: the
 * host API over `postMessage`, the counts and ringing pushed to the host, the panel's close button.
 *
 * Who may talk to the frame: only its parent window (`event.source === window.parent`). The gateway
 * lets the app be framed only by the origins of `RELAIS_EMBED_ORIGINS` (CSP `frame-ancestors`, which
 * checks every ancestor), so the parent's origin is one of them; where the browser tells the
 * ancestors' origins (`location.ancestorOrigins`: Chromium, Safari) the sender must also be the
 * nearest one. A message from anyone else (another frame of the page, a popup) is ignored, unanswered.
 */
const tEmbed = translator<EmbedMessageKey>({ fr: embedFr, en: embedEn });

/** The host's origin, learnt from its first valid message: every answer and event goes there only. */
let hostOrigin: string | null = null;
/** A patient with no conversation yet (`relais:open-patient`): the panel offers to start one. */
const offer = signal<PatientOffer | null>(null);

function post(event: FrameEvent): void {
  if (hostOrigin !== null) window.parent.postMessage(event, hostOrigin);
}

/**
 * Whether the frame can have its own cookie here: the session cookie is `SameSite=Strict`, which a
 * browser neither sends nor stores in a cross-site frame. A probe cookie with the same attributes
 * set from script tells exactly that (set and read back, then removed).
 */
function cookieReachable(): boolean {
  const probe = 'relais_embed_probe';
  document.cookie = `${probe}=1; Path=/; Secure; SameSite=Strict`;
  const reachable = document.cookie.split('; ').includes(`${probe}=1`);
  document.cookie = `${probe}=; Path=/; Secure; SameSite=Strict; Max-Age=0`;
  return reachable;
}

function fromParent(event: MessageEvent): boolean {
  if (event.source !== window.parent || window.parent === window) return false;
  const ancestors = (location as Location & { ancestorOrigins?: DOMStringList }).ancestorOrigins;
  if (ancestors && ancestors.length > 0 && ancestors[0] !== event.origin) return false;
  return hostOrigin === null || hostOrigin === event.origin;
}

function signedIn(): boolean {
  const current = session.value;
  return Boolean(current?.user && !current.expired && !current.locked);
}

function unreadEvent(id?: string): FrameEvent {
  return { type: 'relais:unread', ...(id === undefined ? {} : { id }), count: totalUnread.value + missedCalls.value, messages: totalUnread.value, missedCalls: missedCalls.value };
}

/** A conversation started from the offer: opened, and the host told (`created`, with its request's id). */
function started(offered: PatientOffer, conversationId: string): void {
  offer.value = null;
  navigate(`/c/${conversationId}`);
  post({ type: 'relais:opened', id: offered.requestId, result: 'created', conversationId });
}

async function openPatient(id: string, ins: string, name: string | undefined): Promise<void> {
  const { conversations } = await request('conversations.list', { patient: ins, limit: 1 });
  const found = conversations[0];
  if (found) {
    offer.value = null;
    navigate(`/c/${found.conversation.id}`);
    post({ type: 'relais:opened', id, result: 'conversation', conversationId: found.conversation.id });
    return;
  }
  navigate('/');
  offer.value = { requestId: id, ins, ...(name === undefined ? {} : { name }) };
  post({ type: 'relais:opened', id, result: 'offer' });
}

async function openColleague(id: string, query: string): Promise<void> {
  const { users } = await request('users.search', { q: query });
  const me = session.value?.user?.id;
  const others = users.filter((user) => user.id !== me && user.role !== 'patient');
  const only = others.length === 1 ? others[0] : undefined;
  if (!only) {
    post({ type: 'relais:error', id, code: 'embed_colleague_not_found' });
    return;
  }
  // An existing direct conversation is found again by the SW (one direct conversation per pair).
  const { conversationId } = await request('conversation.create', { participantIds: [only.id] });
  navigate(`/c/${conversationId}`);
  post({ type: 'relais:opened', id, result: 'conversation', conversationId });
}

function answer(message: HostRequest, cookie: boolean): void {
  const fail = (code: EmbedError): void => post({ type: 'relais:error', id: message.id, code });
  switch (message.type) {
    case 'relais:hello':
      post({ type: 'relais:ready', id: message.id, mode: cookie ? 'panel' : 'window', signedIn: cookie && signedIn() });
      return;
    case 'relais:unread':
      if (!signedIn()) return fail('embed_signed_out');
      post(unreadEvent(message.id));
      return;
    case 'relais:panel':
      // Hidden again: back to the list, so nothing arriving is read live behind the host's page.
      if (!message.open) {
        offer.value = null;
        navigate('/');
      }
      return;
    case 'relais:open-patient':
      if (!signedIn()) return fail('embed_signed_out');
      void openPatient(message.id, message.ins, message.name).catch(() => fail('embed_bad_message'));
      return;
    case 'relais:open-colleague': {
      if (!signedIn()) return fail('embed_signed_out');
      const query = message.username ?? message.rpps;
      if (query === undefined) return fail('embed_bad_message');
      void openColleague(message.id, query).catch(() => fail('embed_colleague_not_found'));
      return;
    }
  }
}

function Chrome() {
  const pending = offer.value;
  return (
    <>
      <button type="button" class="button embed-close" data-testid="embed-close" aria-label={tEmbed('embed.close')} onClick={() => post({ type: 'relais:close' })}>
        <svg aria-hidden="true" viewBox="0 0 24 24" width="24" height="24">
          <path fill="currentColor" d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z" />
        </svg>
      </button>
      {pending && (
        // Keyed by the request: a new patient asked about starts a fresh offer (no state carried over).
        <EmbedOffer key={pending.requestId} offer={pending} onDismiss={() => (offer.value = null)} onStarted={(conversationId) => started(pending, conversationId)} />
      )}
    </>
  );
}

/** Starts the embedded mode: called by main.tsx when the app is framed with `?embed=1`. */
export function startEmbedded(): void {
  document.documentElement.classList.add('relais-embedded');
  const cookie = cookieReachable();
  const root = document.createElement('div');
  root.className = 'embed-chrome';
  document.body.append(root);
  render(<Chrome />, root);

  window.addEventListener('message', (event: MessageEvent) => {
    if (!fromParent(event)) return;
    const data: unknown = event.data;
    // Not addressed to Relais at all (another library's traffic): not ours to answer.
    if (typeof data !== 'object' || data === null || typeof (data as { type?: unknown }).type !== 'string' || !(data as { type: string }).type.startsWith('relais:')) return;
    hostOrigin = event.origin;
    const parsed = HostRequest.safeParse(data);
    if (!parsed.success) {
      const id = (data as { id?: unknown }).id;
      post({ type: 'relais:error', ...(typeof id === 'string' && id.length <= 64 ? { id } : {}), code: 'embed_bad_message' });
      return;
    }
    answer(parsed.data, cookie);
  });

  // Pushed on every change once the host has said hello (a signed-out frame pushes nothing).
  effect(() => {
    const event = unreadEvent();
    if (signedIn()) post(event);
  });
  // An incoming call rings until it is taken (here or elsewhere) or ends: the host rings with it.
  let ringing: string | null = null;
  onFrame('call.', (frame) => {
    const callId = typeof frame.callId === 'string' ? frame.callId : null;
    if (frame.type === 'call.incoming' && callId !== null) {
      ringing = callId;
      post({
        type: 'relais:call',
        state: 'ringing',
        callerName: typeof frame.callerName === 'string' ? frame.callerName : '',
        // A call to a function the user holds (the on-call doctor): the host says which one.
        ...(typeof frame.functionName === 'string' ? { functionName: frame.functionName } : {}),
      });
    } else if ((frame.type === 'call.accepted' || frame.type === 'call.ended') && callId === ringing) {
      ringing = null;
      post({ type: 'relais:call', state: 'idle' });
    }
  });
}
