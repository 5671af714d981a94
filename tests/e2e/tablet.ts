import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import { NetSwitch } from './net-switch.ts';

/** One tablet: a browser context that reaches the gateway through its own network switch. */
export interface Tablet {
  context: BrowserContext;
  /** Cutting it is a real network failure for the pages, the service worker and the WebSocket. */
  net: NetSwitch;
  /** `http://127.0.0.1:<switch port>`, the origin the tablet's pages and service worker live on. */
  baseURL: string;
  /** The network is cut and the browser knows it (`navigator.onLine` false). */
  goOffline(): Promise<void>;
  /** The network is back and the browser knows it. */
  goOnline(): Promise<void>;
  /** Closes the context and stops the switch; closing twice does nothing. */
  close(): Promise<void>;
}

/** A French-speaking browser context behind a new network switch in front of the gateway on `gatewayPort`. */
export async function openTablet(browser: Browser, gatewayPort: number, contextOptions: BrowserContextOptions = {}): Promise<Tablet> {
  const net = new NetSwitch({ host: '127.0.0.1', port: gatewayPort });
  const port = await net.start();
  const baseURL = `http://127.0.0.1:${port}`;
  const context = await browser.newContext({ baseURL, locale: 'fr-FR', ...contextOptions });
  let closed = false;
  return {
    context,
    net,
    baseURL,
    async goOffline() {
      net.goOffline();
      await context.setOffline(true);
    },
    async goOnline() {
      net.restore();
      await context.setOffline(false);
    },
    async close() {
      if (closed) return;
      closed = true;
      await context.close();
      await net.stop();
    },
  };
}
