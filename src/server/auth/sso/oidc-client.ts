import * as client from 'openid-client';
import type { OidcConfig } from './sso-config.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The provider's configuration, discovered at the first sign-in rather than at start (a gateway
 * starts even while the provider is away), and discovered again after a failure. Plain http is
 * allowed for a loopback issuer only (the tests' provider): anywhere else the provider is https.
 */
export class OidcClient {
  readonly #config: OidcConfig;
  #discovered: Promise<client.Configuration> | null = null;

  constructor(config: OidcConfig) {
    this.#config = config;
  }

  configuration(): Promise<client.Configuration> {
    this.#discovered ??= (async () => {
      const { issuer, clientId, clientSecret } = this.#config;
      const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
      const discovered = await client.discovery(issuer, clientId, { client_secret: clientSecret }, client.ClientSecretBasic(clientSecret), {
        ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
        timeout: 10,
      });
      discovered.timeout = 10;
      return discovered;
    })().catch((error: unknown) => {
      this.#discovered = null;
      throw error;
    });
    return this.#discovered;
  }
}
