// The patient's record (the seed's DMP.js): who the patient is, and "the conversation about this
// patient" through Relais's host API (docs/EMBEDDING.md: relais:open-patient). `?patient=moreau`
// shows the demo's patient account instead (her INS is on her Relais account, with her care team);
// `?patient=petit`, a patient Relais has no account for.
const PATIENTS = {
  dupont: { ins: '184067512345678', name: 'Jean Dupont', birthDate: '1984-06-12' },
  moreau: { ins: '255087512345617', name: 'Thérèse Moreau', birthDate: '1955-08-14' },
  petit: { ins: '290117512345642', name: 'Louise Petit', birthDate: '1990-11-03' },
};
const PATIENT = PATIENTS[new URLSearchParams(location.search).get('patient')] ?? PATIENTS.dupont;

document.getElementById('patient-name').textContent = PATIENT.name;
document.getElementById('patient-birth').textContent = new Date(`${PATIENT.birthDate}T12:00:00`).toLocaleDateString('fr-FR');
document.getElementById('patient-ins').textContent = PATIENT.ins;

const relais = document.querySelector('relais-messaging-button');
const status = document.getElementById('patient-status');
// A conversation started from Relais's offer (none existed): the record may link it.
relais.addEventListener('relais:opened', (event) => {
  if (event.detail.result === 'created') status.textContent = 'Conversation démarrée dans la messagerie.';
});
document.getElementById('patient-conversation').addEventListener('click', () => {
  status.textContent = '';
  customElements.whenDefined('relais-messaging-button').then(() =>
    relais.request({ type: 'relais:open-patient', ins: PATIENT.ins, name: PATIENT.name, birthDate: PATIENT.birthDate }).then(
      (answer) => {
        status.textContent = answer.result === 'offer' ? 'Aucune conversation à propos de ce patient pour l’instant.' : 'Conversation ouverte dans la messagerie.';
      },
      (error) => {
        status.textContent = error.code === 'embed_signed_out' ? 'La messagerie s’ouvre dans sa propre fenêtre.' : `Messagerie indisponible (${error.code}).`;
      },
    ),
  );
});
