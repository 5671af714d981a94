import { swUnavailable } from '../register-sw.ts';
import { t, tError } from '../i18n/index.ts';
import { route } from '../state/route.ts';
import { session, sessionError } from '../state/session.ts';
import { ChatWindow } from './ChatWindow.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { ConversationList } from './ConversationList.tsx';
import { Header } from './Header.tsx';
import { LoginScreen } from './LoginScreen.tsx';
import { UpdatePrompt } from './UpdatePrompt.tsx';

function StartError({ code }: { code: string }) {
  return (
    <main class="center-screen" id="main">
      <p role="alert">{code === 'sw_unavailable' ? t('app.swMissing') : tError(code)}</p>
      <button type="button" class="button" onClick={() => location.reload()}>
        {t('app.retry')}
      </button>
    </main>
  );
}

function Screen() {
  const current = session.value;
  const startError = swUnavailable.value ? 'sw_unavailable' : sessionError.value;
  if (!current) {
    if (startError) return <StartError code={startError} />;
    return (
      <main class="center-screen" id="main" aria-busy="true">
        <p>{t('app.loading')}</p>
      </main>
    );
  }
  if (!current.user || current.expired) {
    return <LoginScreen expired={current.expired} username={current.user?.username ?? ''} />;
  }
  const conversationOpen = route.value.name === 'conversation';
  return (
    <div class="shell">
      <Header />
      <ConnectionBanner />
      <main id="main" class={conversationOpen ? 'layout layout--chat' : 'layout layout--list'}>
        <ConversationList />
        <ChatWindow />
      </main>
    </div>
  );
}

/**
 * The whole UI: loading, sign-in, then the conversation list and the open conversation — side by
 * side from 900 px wide (clinic tablets), one at a time below (CSS decides from `layout--*`).
 */
export function App() {
  return (
    <>
      <a class="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <UpdatePrompt />
      <Screen />
    </>
  );
}
