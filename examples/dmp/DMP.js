// The patient's record (the seed's DMP.js): who the patient is, and "the conversation about this
// patient" through Relais's host API (docs/EMBEDDING.md: relais:open-patient).
const PATIENT = { ins: '184067512345678', name: 'Jean Dupont', birthDate: '1984-06-12' };

document.getElementById('patient-name').textContent = PATIENT.name;
document.getElementById('patient-birth').textContent = new Date(`${PATIENT.birthDate}T12:00:00`).toLocaleDateString('fr-FR');
document.getElementById('patient-ins').textContent = PATIENT.ins;

const relais = document.querySelector('relais-messaging-button');
const status = document.getElementById('patient-status');
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
