import type { ActivationMessageKey } from './activation-fr.ts';

/** The activation form's sentences in English (same keys as activation-fr.ts). */
export const activationEn: Readonly<Record<ActivationMessageKey, string>> = {
  'activate.title': 'Activate my account',
  'activate.explain': 'Enter the username and the activation code the clinic’s administrator gave you, then choose your password.',
  'activate.username': 'Username',
  'activate.code': 'Activation code',
  'activate.password': 'New password',
  'activate.again': 'New password (again)',
  'activate.hint': 'At least 8 characters.',
  'activate.mismatch': 'The two passwords differ.',
  'activate.refused': 'Wrong username or activation code, or the code was used already or expired.',
  'activate.submit': 'Activate my account',
  'activate.back': 'Back to sign-in',
};
