import { render } from 'preact';
import { App } from './shell/App.tsx';
import { lang, loadEnglish } from './core/i18n/index.ts';
import { startCallListener } from './features/calls/call-listener.ts';
import { startRealtime } from './core/realtime.ts';
import { startPushCarrier } from './core/push-carrier.ts';
import { registerServiceWorker } from './core/register-sw.ts';
import { startConversations } from './features/conversations/conversations.ts';
import { startDevice } from './features/device/start-device.ts';
import { startNotifications } from './features/notifications/start-notifications.ts';
import { startMessages } from './features/chat/messages.ts';
import { startTyping } from './features/chat/typing.ts';
import { startPresence } from './features/presence/presence.ts';
import { startRouter } from './core/route.ts';
import { noteIntent } from './core/intent.ts';
import { loadSession } from './core/session.ts';
import { startSync } from './core/sync.ts';
import './styles.css';

document.documentElement.lang = lang.value;
registerServiceWorker();
// Framed by a clinic page (`/?embed=1`, docs/EMBEDDING.md): the embedded mode is its own chunk.
if (window.parent !== window && new URLSearchParams(location.search).has('embed')) {
  void import('./features/embed/embedded.tsx').then((embed) => embed.startEmbedded());
}
// Opened by a notification action ("Répondre", "Accepter"): keep what it asked for, show a clean address.
if (location.search) {
  noteIntent(location.pathname + location.search);
  history.replaceState(null, '', location.pathname);
}
startRouter();
startSync();
startConversations();
startMessages();
startRealtime();
startPushCarrier();
startTyping();
startPresence();
startCallListener();
startDevice();
startNotifications();
void loadSession();

const root = document.getElementById('app');
// In English, the first paint waits for the shell's English sentences (a precached chunk: milliseconds).
const sentences = lang.value === 'en' ? loadEnglish().catch(() => undefined) : Promise.resolve();
void sentences.then(() => {
  if (root) render(<App />, root);
});
