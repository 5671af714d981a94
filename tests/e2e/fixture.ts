import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { GatewayConfig } from '../../src/server/config.ts';
import { launchChromium } from './browser.ts';
import { openSignedInPage } from './page-steps.ts';
import { startStack, type Stack } from './stack.ts';
import { openTablet, type Tablet } from './tablet.ts';

export interface E2eStackOptions {
  /** The Redis DB index the test file owns (flushed before the gateway starts). */
  db: number;
  /** Gateway configuration over the test defaults; a function is called when the stack starts (after the file's earlier beforeAll). */
  config?: Partial<GatewayConfig> | (() => Partial<GatewayConfig>);
  /** Flags for Chromium besides the usual ones (fake media devices for calls). */
  chromiumArgs?: string[];
}

/** A tablet with one page signed in. */
export interface Device extends Tablet {
  page: Page;
}

/** The handles of a file's stack; read them in hooks and tests, once the fixture's beforeAll has run. */
export interface E2eStack {
  readonly stack: Stack;
  readonly browser: Browser;
  /** A French-speaking context that reaches the gateway directly, closed after the file. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A context behind its own network switch, closed after the file (or earlier by `close()`). */
  openTablet(options?: BrowserContextOptions): Promise<Tablet>;
  /** A tablet with a page on `/`, signed in as `username`. */
  openDevice(username: string): Promise<Device>;
}

/**
 * Registers the beforeAll and afterAll of an e2e file: the real gateway on the file's own Redis DB
 * with the demo clinic, and Debian's Chromium. Contexts and tablets opened through the handles are
 * closed after the file, in the order they were opened, then the browser, then the gateway.
 */
export function useE2eStack(options: E2eStackOptions): E2eStack {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    const config = typeof options.config === 'function' ? options.config() : options.config;
    stack = await startStack({ db: options.db, ...(config === undefined ? {} : { config }) });
    browser = await launchChromium(options.chromiumArgs);
  });

  afterAll(async () => {
    for (const close of closers.splice(0)) await close();
    await browser?.close();
    await stack?.stop();
  });

  const handles: E2eStack = {
    get stack() {
      if (!stack) throw new Error('the e2e stack is not started yet: use it in a hook or a test');
      return stack;
    },
    get browser() {
      if (!browser) throw new Error('Chromium is not launched yet: use it in a hook or a test');
      return browser;
    },
    async newContext(contextOptions = {}) {
      const context = await handles.browser.newContext({ baseURL: handles.stack.baseURL, locale: 'fr-FR', ...contextOptions });
      closers.push(() => context.close());
      return context;
    },
    async openTablet(contextOptions = {}) {
      const tablet = await openTablet(handles.browser, handles.stack.port, contextOptions);
      closers.push(() => tablet.close());
      return tablet;
    },
    async openDevice(username) {
      const tablet = await handles.openTablet();
      return { ...tablet, page: await openSignedInPage(tablet.context, username) };
    },
  };
  return handles;
}
