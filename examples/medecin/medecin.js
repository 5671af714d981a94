// The doctor's workspace (the seed's medecin.js): today's agenda, and the Relais button in the navigation.
const AGENDA = [
  ['08:30', 'Jean Dupont', 'Suivi post-opératoire'],
  ['09:15', 'Thérèse Moreau', 'Bilan cardiologique'],
  ['10:00', 'Lucas Petit', 'Renouvellement'],
];
const body = document.getElementById('agenda');
for (const [time, name, reason] of AGENDA) {
  const row = document.createElement('tr');
  for (const text of [time, name, reason]) {
    const cell = document.createElement('td');
    cell.textContent = text;
    row.append(cell);
  }
  body.append(row);
}

// The button tells the page what it knows: the unread count (pushed on change) and its mode.
const button = document.querySelector('relais-messaging-button');
const line = document.getElementById('unread-line');
button.addEventListener('relais:unread', (event) => {
  line.textContent = `Messagerie Relais : ${event.detail.count} non lu(s)`;
});
button.addEventListener('relais:ready', (event) => {
  if (event.detail.mode === 'window') line.textContent = 'Messagerie Relais : s’ouvre dans sa propre fenêtre sur ce poste.';
});
