import { readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { seededRandom } from '../lib/rng.ts';
import { messagePicker, type Workload } from './workload.ts';
import { textFrame } from '../../src/server/realtime/raw-frames.ts';

/*
 * The write floor's server (write-floor.ts): accepts the users' TCP connections in order, then, once
 * every user is connected, generates messages at the offered rate with the load generator's choice of
 * conversation and sender, and writes each one's WebSocket frame to every recipient's socket: one
 * write per delivery, corked for the event as the gateway does, nothing else (no HTTP, no Redis, no
 * parsing). Prints {deliveries, cpuSeconds} when done. argv: port, workload file, rate, seconds.
 */

const [portArg, workloadFile, rateArg, secondsArg] = process.argv.slice(2);
const workload = JSON.parse(readFileSync(workloadFile as string, 'utf8')) as Workload;
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const sockets: Socket[] = [];
// A message change frame of the size the gateway sends (ids, body, times: ~330 bytes of JSON).
const frame = textFrame(Buffer.from(`{"type":"changes","changes":[{"type":"message","message":{"body":"${'x'.repeat(250)}"}}]}`));

const server = createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  sockets.push(socket);
  if (sockets.length === workload.userIds.length) setTimeout(run, 200);
});
server.listen(Number(portArg), '127.0.0.1', () => console.info('listening'));

function run(): void {
  const pick = messagePicker(workload, seededRandom(rate));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const total = Math.round(rate * seconds);
  let sent = 0;
  let deliveries = 0;
  const fire = (): void => {
    const picked = pick();
    if (!picked) return;
    const { conversation, sender } = picked;
    const corked: Socket[] = [];
    for (const member of conversation.members) {
      const socket = sockets[member];
      if (member === sender || !socket) continue;
      socket.cork();
      corked.push(socket);
      socket.write(frame);
      deliveries += 1;
    }
    for (const socket of corked) socket.uncork();
  };
  // Open loop: every message due by now goes out, then sleep until the next one is due.
  const step = (): void => {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
    while (sent < due) {
      fire();
      sent += 1;
    }
    if (sent < total) {
      setTimeout(step, Math.max(0, t0 + (sent * 1000) / rate - performance.now()));
      return;
    }
    const cpu = process.cpuUsage(cpu0);
    console.info(JSON.stringify({ messages: sent, deliveries, cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
    server.close();
    for (const socket of sockets) socket.destroy();
  };
  step();
}
