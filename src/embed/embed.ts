import type { FrameEvent, HostRequest } from '../shared/embed.ts';

/**
 * `/embed.js`: the `<relais-messaging-button>` a clinic page puts in its navigation
 * (docs/EMBEDDING.md). Standalone (no framework), built apart from the app (vite.embed.config.ts).
 *
 * It frames the app in embedded mode (`/?embed=1`), hidden, as soon as it is on the page: the frame
 * tells whether it has its session cookie (`relais:ready` mode `panel`: same site) and then pushes the
 * unread count and incoming calls. A click shows that frame as a side panel over the page; when the
 * frame cannot have its cookie (a cross-site page: the cookie is SameSite=Strict, and third-party
 * cookies are blocked anyway) — or does not answer — the click opens Relais in its own window.
 */

type Mode = 'pending' | 'panel' | 'window';
type Request = { [T in HostRequest['type']]: Omit<Extract<HostRequest, { type: T }>, 'id'> }[HostRequest['type']];

const SCRIPT = document.currentScript as HTMLScriptElement | null;
/** Relais's address: where this script was loaded from (or the element's `src` attribute). */
const DEFAULT_APP = SCRIPT ? new URL(SCRIPT.src).origin : location.origin;
/** How long the frame has to say `relais:ready` before a click opens a window instead. */
const READY_TIMEOUT_MS = 15_000;

const EN = document.documentElement.lang.toLowerCase().startsWith('en');
const TEXT = EN
  ? { name: 'Relais messaging', unread: (n: number) => `Relais messaging, ${n} unread`, ringing: (who: string, duty?: string) => `Relais messaging, incoming call from ${who}${duty ? ` for ${duty}` : ''}`, panel: 'Relais messaging' }
  : { name: 'Messagerie Relais', unread: (n: number) => `Messagerie Relais, ${n} non lus`, ringing: (who: string, duty?: string) => `Messagerie Relais, appel entrant de ${who}${duty ? ` pour ${duty}` : ''}`, panel: 'Messagerie Relais' };

const STYLE = `
:host{display:inline-block;vertical-align:middle;font:inherit;line-height:1}
button{all:initial;box-sizing:border-box;position:relative;display:inline-flex;align-items:center;justify-content:center;min-width:44px;min-height:44px;padding:8px;border-radius:12px;cursor:pointer;color:var(--relais-color,#0b5d7a);background:var(--relais-background,#fff);border:2px solid currentColor}
button:focus-visible{outline:3px solid #1b262c;outline-offset:2px}
svg{width:24px;height:24px;display:block}
.badge{position:absolute;top:-6px;right:-6px;min-width:22px;height:22px;padding:0 5px;box-sizing:border-box;border-radius:11px;background:#b3261e;color:#fff;font:700 13px/22px system-ui,sans-serif;text-align:center}
.badge[hidden]{display:none}
.ringing{color:#fff;background:#b3261e;animation:ring 1s infinite}
@keyframes ring{50%{transform:scale(1.08)}}
@media (prefers-reduced-motion:reduce){.ringing{animation:none}}
.panel{position:fixed;top:0;right:0;bottom:0;z-index:2147483000;width:min(480px,100vw);border:0;box-shadow:-4px 0 24px rgb(0 0 0 / .25);background:#f4f7f9;visibility:hidden;transform:translateX(100%)}
.panel.open{visibility:visible;transform:none}
iframe{width:100%;height:100%;border:0;display:block}`;

let counter = 0;

export class RelaisMessagingButton extends HTMLElement {
  private readonly app: string;
  private mode: Mode = 'pending';
  private count = 0;
  private ringingFrom: string | null = null;
  /** The function the ringing call is for (a call to the on-call doctor), if any. */
  private ringingFor: string | undefined;
  private readonly button: HTMLButtonElement;
  private readonly badge: HTMLSpanElement;
  private readonly panel: HTMLDivElement;
  private readonly frame: HTMLIFrameElement;
  private readonly waiting = new Map<string, { resolve: (event: FrameEvent) => void; reject: (event: FrameEvent) => void }>();
  private readyTimer: ReturnType<typeof setTimeout> | undefined;
  private helloTimer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.app = new URL(this.getAttribute('src') ?? DEFAULT_APP).origin;
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>${STYLE}</style><button type="button" part="button"><svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg><span class="badge" aria-hidden="true" hidden></span></button><div class="panel" role="dialog" aria-modal="false"><iframe allow="camera; microphone; autoplay; display-capture"></iframe></div>`;
    this.button = root.querySelector('button') as HTMLButtonElement;
    this.badge = root.querySelector('.badge') as HTMLSpanElement;
    this.panel = root.querySelector('.panel') as HTMLDivElement;
    this.frame = root.querySelector('iframe') as HTMLIFrameElement;
    this.panel.setAttribute('aria-label', TEXT.panel);
    this.frame.title = TEXT.panel;
    this.button.addEventListener('click', () => this.toggle());
    // The frame listens once its embedded-mode chunk has loaded, after its `load`: say hello until it answers.
    this.frame.addEventListener('load', () => this.greet());
    this.onMessage = this.onMessage.bind(this);
    this.onKey = this.onKey.bind(this);
    this.render();
  }

  connectedCallback(): void {
    window.addEventListener('message', this.onMessage);
    document.addEventListener('keydown', this.onKey);
    if (!this.frame.src) this.frame.src = `${this.app}/?embed=1`;
    this.readyTimer = setTimeout(() => {
      if (this.mode === 'pending') this.setMode('window');
    }, READY_TIMEOUT_MS);
  }

  private greet(): void {
    clearInterval(this.helloTimer);
    this.post({ type: 'relais:hello' });
    this.helloTimer = setInterval(() => {
      if (this.mode === 'pending') this.post({ type: 'relais:hello' });
      else clearInterval(this.helloTimer);
    }, 250);
  }

  disconnectedCallback(): void {
    clearInterval(this.helloTimer);
    window.removeEventListener('message', this.onMessage);
    document.removeEventListener('keydown', this.onKey);
    clearTimeout(this.readyTimer);
  }

  /** `panel` (same site: the side panel), `window` (cross-site: its own window), `pending` (not known yet). */
  get embedMode(): Mode {
    return this.mode;
  }

  /** The side panel is showing. */
  get open(): boolean {
    return this.panel.classList.contains('open');
  }

  /**
   * The host API as a promise: sends `message` to the frame with a fresh id and resolves with the
   * frame's answer (rejects with a `relais:error`). `open-patient` and `open-colleague` show the panel
   * first (or open the window, where the frame cannot be signed in).
   */
  request(message: Request): Promise<FrameEvent> {
    if (message.type === 'relais:open-patient' || message.type === 'relais:open-colleague') {
      if (this.mode !== 'panel') {
        this.openWindow();
        return Promise.reject({ type: 'relais:error', code: 'embed_signed_out' } satisfies FrameEvent);
      }
      this.show(true);
    }
    const id = `h${++counter}`;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.post({ ...message, id });
    });
  }

  private post(message: Request & { id?: string }): void {
    this.frame.contentWindow?.postMessage({ id: `h${++counter}`, ...message }, this.app);
  }

  private onMessage(event: MessageEvent): void {
    // Only the frame this element made, from Relais's origin.
    if (event.source !== this.frame.contentWindow || event.origin !== this.app) return;
    const data = event.data as FrameEvent;
    if (typeof data !== 'object' || data === null || typeof data.type !== 'string') return;
    switch (data.type) {
      case 'relais:ready':
        this.setMode(data.mode);
        if (data.mode === 'panel' && data.signedIn) this.post({ type: 'relais:unread' });
        break;
      case 'relais:unread':
        this.count = data.count;
        break;
      case 'relais:call':
        this.ringingFrom = data.state === 'ringing' ? (data.callerName ?? '') : null;
        this.ringingFor = data.state === 'ringing' ? data.functionName : undefined;
        // Same site: the call rings in the panel, where it is answered.
        if (this.ringingFrom !== null && this.mode === 'panel') this.show(true);
        break;
      case 'relais:close':
        this.show(false);
        this.button.focus();
        break;
    }
    const waiting = data.id === undefined ? undefined : this.waiting.get(data.id);
    if (waiting && data.id !== undefined) {
      this.waiting.delete(data.id);
      if (data.type === 'relais:error') waiting.reject(data);
      else waiting.resolve(data);
    }
    this.render();
    this.dispatchEvent(new CustomEvent(data.type, { detail: data }));
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.open) {
      this.show(false);
      this.button.focus();
    }
  }

  private setMode(mode: Mode): void {
    this.mode = mode;
    clearTimeout(this.readyTimer);
    clearInterval(this.helloTimer);
    this.setAttribute('data-mode', mode);
  }

  private toggle(): void {
    if (this.mode === 'panel') this.show(!this.open);
    else this.openWindow();
  }

  private openWindow(): void {
    window.open(`${this.app}/`, 'relais');
  }

  private show(open: boolean): void {
    if (open === this.open) return;
    this.panel.classList.toggle('open', open);
    this.button.setAttribute('aria-expanded', String(open));
    this.post({ type: 'relais:panel', open });
    if (open) this.frame.focus();
  }

  private render(): void {
    const ringing = this.ringingFrom !== null;
    this.button.classList.toggle('ringing', ringing);
    this.setAttribute('data-ringing', String(ringing));
    this.setAttribute('data-unread', String(this.count));
    this.badge.hidden = this.count === 0;
    this.badge.textContent = this.count > 99 ? '99+' : String(this.count);
    this.button.setAttribute('aria-label', ringing ? TEXT.ringing(this.ringingFrom ?? '', this.ringingFor) : this.count > 0 ? TEXT.unread(this.count) : TEXT.name);
    if (this.mode !== 'panel') this.button.removeAttribute('aria-expanded');
    else if (!this.button.hasAttribute('aria-expanded')) this.button.setAttribute('aria-expanded', 'false');
  }
}

if (!customElements.get('relais-messaging-button')) customElements.define('relais-messaging-button', RelaisMessagingButton);
