import { loadSignInConfig } from '../../src/server/auth/sso/sso-config.ts';

/**
 * The people the tests' identity provider knows, shaped like Pro Santé Connect's userinfo: the RPPS
 * number in `preferred_username` (and `SubjectNameID`), the profession code under `SubjectRefPro`
 * (10 médecin, 60 infirmier, 21 pharmacien), no e-mail.
 */
export interface TestPerson {
  rpps: string;
  given_name: string;
  family_name: string;
  profession: string;
}

export const TEST_PEOPLE: Record<string, TestPerson> = {
  'dr.ana': { rpps: '810001000011', given_name: 'Ana', family_name: 'Lopes', profession: '10' },
  'inf.ines': { rpps: '810001000022', given_name: 'Inès', family_name: 'Roux', profession: '60' },
  'dr.linked': { rpps: '810001000033', given_name: 'Léa', family_name: 'Morel', profession: '10' },
  'dr.stranger': { rpps: '810001000044', given_name: 'Tom', family_name: 'Vidal', profession: '10' },
  'ph.paul': { rpps: '810001000055', given_name: 'Paul', family_name: 'Henry', profession: '21' },
  'dr.e2e': { rpps: '810001000066', given_name: 'Élise', family_name: 'Garnier', profession: '10' },
};

/** Pro Santé Connect's claims for a person (userinfo). */
export function claimsOf(person: TestPerson): Record<string, unknown> {
  return {
    preferred_username: person.rpps,
    SubjectNameID: person.rpps,
    given_name: person.given_name,
    family_name: person.family_name,
    SubjectRefPro: { codeCivilite: 'DR', exercices: [{ codeProfession: person.profession, codeCategorieProfessionnelle: 'C' }] },
  };
}

/** The gateway's settings for the tests' provider, as a deployment would set them for Pro Santé Connect. */
export function ssoEnv(issuer: string, gatewayUrl: string, provisioning: 'create' | 'link-only'): NodeJS.ProcessEnv {
  return {
    RELAIS_OIDC_ISSUER: issuer,
    RELAIS_OIDC_NAME: 'Pro Santé Connect',
    RELAIS_OIDC_CLIENT_ID: 'relais',
    RELAIS_OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
    RELAIS_OIDC_REDIRECT_URL: `${gatewayUrl}/api/auth/oidc/callback`,
    RELAIS_OIDC_SCOPES: 'openid scope_all',
    RELAIS_OIDC_ACR_VALUES: 'eidas1',
    RELAIS_OIDC_ROLE_CLAIM: 'SubjectRefPro.exercices.0.codeProfession',
    RELAIS_OIDC_ROLE_MAP: '10=doctor,60=nurse',
    RELAIS_OIDC_ID_CLAIM: 'preferred_username',
    RELAIS_OIDC_PROVISIONING: provisioning,
  };
}

export const TEST_CLIENT_SECRET = 'relais-test-client-secret-0123456789abcdef';

/** Single sign-on configured with a provider nobody answers at (the matrix and fuzz gateways: no request gets past Relais). */
export const UNREACHABLE_SSO = loadSignInConfig(ssoEnv('http://127.0.0.1:9', 'http://127.0.0.1', 'link-only'));
