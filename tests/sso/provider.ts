import { createServer, type IncomingMessage } from 'node:http';
import Provider, { type Configuration } from 'oidc-provider';
import { claimsOf, TEST_CLIENT_SECRET, TEST_PEOPLE } from './accounts.ts';

/*
 * A real OpenID Connect provider for the tests (the `oidc-provider` package), run as its own process
 * on 127.0.0.1 and configured like Pro Santé Connect: authorization code with PKCE (S256) required,
 * `acr_values` eidas1, the RPPS in the claims, no e-mail, an end_session endpoint (RP-initiated
 * logout). Its login page has one field, the test person's login (no password: who may sign in is
 * the test's choice), and `acr`, the level the sign-in is made at (eidas1 unless a test says lower).
 *
 * env: RELAIS_TEST_REDIRECT (the gateway's callback URL), RELAIS_TEST_POST_LOGOUT (where logout returns).
 * Prints `ready <issuer>` once it listens.
 */

const redirect = process.env.RELAIS_TEST_REDIRECT ?? '';
const postLogout = process.env.RELAIS_TEST_POST_LOGOUT ?? '';

function formBody(request: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => resolve(new URLSearchParams(text)));
    request.on('error', reject);
  });
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  const issuer = `http://127.0.0.1:${address.port}`;
  const configuration: Configuration = {
    clients: [
      {
        client_id: 'relais',
        client_secret: TEST_CLIENT_SECRET,
        redirect_uris: [redirect],
        post_logout_redirect_uris: [postLogout],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
        // Userinfo as a signed JWT (application/jwt), as Pro Santé Connect answers it: Relais checks
        // its signature against the provider's keys before reading a claim.
        userinfo_signed_response_alg: 'RS256',
      },
    ],
    pkce: { required: () => true, methods: ['S256'] },
    acrValues: ['eidas1', 'eidas0'],
    scopes: ['openid', 'scope_all'],
    claims: { openid: ['sub'], scope_all: ['preferred_username', 'SubjectNameID', 'given_name', 'family_name', 'SubjectRefPro'] },
    cookies: { keys: ['relais-test-provider-cookie-key'] },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true }, jwtUserinfo: { enabled: true } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const person = Object.values(TEST_PEOPLE).find((p) => `psc:${p.rpps}` === sub);
      if (!person) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...claimsOf(person) }) };
    },
    // A health professional's provider asks no consent of its relying parties: the grant is given at once.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope('openid scope_all');
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  const oidc = provider.callback();
  server.on('request', (request, response) => {
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(request.url ?? '');
    if (!match) return void oidc(request, response);
    void (async () => {
      try {
        if (!match[2]) {
          const details = await provider.interactionDetails(request, response);
          response.setHeader('content-type', 'text/html; charset=utf-8');
          response.end(
            `<!doctype html><html lang="fr"><meta name="viewport" content="width=device-width"><title>Test PSC</title>` +
              `<h1>Connexion (fournisseur de test)</h1><form method="post" action="/interaction/${escapeHtml(details.uid)}/login">` +
              `<label>Identifiant <input name="login" autofocus></label><input type="hidden" name="acr" value="eidas1">` +
              `<button type="submit">Valider</button></form></html>`,
          );
          return;
        }
        const form = await formBody(request);
        const person = TEST_PEOPLE[form.get('login') ?? ''];
        const result = person
          ? { login: { accountId: `psc:${person.rpps}`, acr: form.get('acr') || 'eidas1', amr: ['pwd'] } }
          : { error: 'access_denied', error_description: 'unknown test person' };
        await provider.interactionFinished(request, response, result, { mergeWithLastSubmission: false });
      } catch (err) {
        response.statusCode = 400;
        response.end(String((err as Error).name));
      }
    })();
  });
  console.info(`ready ${issuer}`);
});
