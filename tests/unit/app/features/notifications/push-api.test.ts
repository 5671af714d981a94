import { afterEach, describe, expect, it, vi } from 'vitest';
import { RelaisError } from '../../../../../src/shared/errors.ts';
import { DEFAULT_PREFERENCES } from '../../../../../src/shared/push.ts';

/** The tab's push and preferences calls go through the one HTTP client: error bodies are read with a guard. */

const request = vi.fn(async () => ({}));
vi.mock('../../../../../src/app/core/sw-client.ts', () => ({ request }));

const { fetchPreferences, savePreferences } = await import('../../../../../src/app/features/notifications/push-api.ts');

function answer(status: number, body: string, type = 'application/json'): void {
  vi.stubGlobal('fetch', vi.fn(async () => new Response(body, { status, headers: { 'content-type': type } })));
}

afterEach(() => {
  vi.unstubAllGlobals();
  request.mockClear();
});

describe('push-api preferences', () => {
  it('turns a proxy’s HTML 502 page into `unavailable`, not a SyntaxError', async () => {
    answer(502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html');
    const failure = await fetchPreferences().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RelaisError);
    expect((failure as RelaisError).code).toBe('unavailable');
    await expect(savePreferences(DEFAULT_PREFERENCES)).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('keeps the stable code of a JSON error and hands nothing to the service worker', async () => {
    answer(401, JSON.stringify({ error: { code: 'unauthenticated', message: 'no session' } }));
    await expect(fetchPreferences()).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(request).not.toHaveBeenCalled();
  });

  it('refuses an answer of the wrong shape with `internal`', async () => {
    answer(200, JSON.stringify({ preferences: { sound: 'loud' } }));
    await expect(fetchPreferences()).rejects.toMatchObject({ code: 'internal' });
  });

  it('gives the checked preferences to the service worker as a `preferences` frame', async () => {
    answer(200, JSON.stringify({ preferences: DEFAULT_PREFERENCES }));
    expect(await fetchPreferences()).toEqual(DEFAULT_PREFERENCES);
    expect(request).toHaveBeenCalledWith('live.frame', { frame: { type: 'preferences', preferences: DEFAULT_PREFERENCES } });
  });
});
