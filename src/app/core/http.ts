import { ApiClient } from '../../shared/api-client.ts';

/**
 * The tab's HTTP client for what only the network answers (statistics, call history, ICE servers,
 * push subscriptions). Data the device keeps goes through the service worker instead (sw-client.ts).
 */
// A detached `fetch` throws "Illegal invocation" in browsers: call it through a wrapper.
export const api = new ApiClient({ fetch: (input, init) => fetch(input, init), baseUrl: '' });
