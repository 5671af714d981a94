/**
 * Sentences of the activation form (a one-time code from an admin, then a password), in French:
 * loaded with the form, outside the app shell. Same keys in `activation-en.ts` (a unit test checks parity).
 */
export const activationFr = {
  'activate.title': 'Activer mon compte',
  'activate.explain': 'Saisissez l’identifiant et le code d’activation remis par l’administrateur de la clinique, puis choisissez votre mot de passe.',
  'activate.username': 'Identifiant',
  'activate.code': 'Code d’activation',
  'activate.password': 'Nouveau mot de passe',
  'activate.again': 'Nouveau mot de passe (encore)',
  'activate.hint': 'Au moins 8 caractères.',
  'activate.mismatch': 'Les deux mots de passe ne sont pas identiques.',
  'activate.refused': 'Identifiant ou code d’activation incorrect, ou code déjà utilisé ou expiré.',
  'activate.submit': 'Activer mon compte',
  'activate.back': 'Retour à la connexion',
} as const;

export type ActivationMessageKey = keyof typeof activationFr;
