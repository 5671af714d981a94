/**
 * Sentences of care teams, in French: the patient's home ("Mon équipe de soins") and the admins'
 * editor of a patient's care team. Loaded with those screens, outside the app shell. Same keys in
 * `care-team-en.ts` (a unit test checks parity).
 */
export const careTeamFr = {
  'careTeam.loading': 'Chargement de votre équipe de soins…',
  'careTeam.empty': 'Votre équipe de soins n’a pas encore été désignée. L’accueil de la clinique peut vous aider.',
  'careTeam.write': 'Écrire',
  'careTeam.writeTo': 'Écrire à {name}',
  'careTeam.noStatus': 'Pas de statut indiqué',
  'editor.title': 'Équipe de soins',
  'editor.hint': 'Les soignant·e·s désigné·e·s apparaissent dans l’accueil du ou de la patient·e, qui peut leur écrire.',
  'editor.search': 'Ajouter un·e soignant·e',
  'editor.searchPlaceholder': 'Nom du médecin, de l’infirmier·e…',
  'editor.addPrefix': 'Ajouter',
  'editor.remove': 'Retirer {name}',
  'editor.none': 'Personne n’est désigné pour l’instant.',
  'editor.noResult': 'Aucun·e soignant·e trouvé·e.',
  'editor.save': 'Enregistrer l’équipe',
  'editor.saved': 'Équipe de soins enregistrée.',
  'editor.loading': 'Chargement…',
} as const;

export type CareTeamMessageKey = keyof typeof careTeamFr;
