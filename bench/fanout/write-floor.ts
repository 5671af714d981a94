import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../lib/proc.ts';
import { spawnTs, stopChild, waitForLine } from '../lib/spawn.ts';
import { buildWorkload } from './workload.ts';

/** The write floor at one offered rate: deliveries per CPU-second of a process that only writes them. */
export interface WriteFloorRow {
  rate: number;
  deliveries: number;
  cpuSeconds: number;
  deliveriesPerCpuSecond: number;
}

/**
 * The ceiling for the gateway fan-out: the same users, conversations and offered rates, served by
 * a process that does nothing but one write per delivery (write-floor-server.ts). Both Relais and
 * the Socket.IO relay pay that write (a system call per recipient socket, with the kernel's
 * loopback delivery), so their deliveries per CPU-second can only approach this figure.
 */
export async function runWriteFloor(options: { users: number; rates: number[]; seconds: number; seed: number }): Promise<WriteFloorRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'relais-floor-'));
  const workloadFile = join(dir, 'workload.json');
  writeFileSync(workloadFile, JSON.stringify(buildWorkload(options.users, options.seed)));
  const rows: WriteFloorRow[] = [];
  try {
    for (const rate of options.rates) {
      const port = await freePort();
      const child = spawnTs('bench/fanout/write-floor-server.ts', [String(port), workloadFile, String(rate), String(options.seconds)], {});
      const sockets: Socket[] = [];
      try {
        await waitForLine(child, /listening/);
        // The server starts once every user is connected: listen for its answer before that.
        const result = waitForLine(child, /^\{/, (options.seconds + 60) * 1000);
        // In order: the server numbers the sockets as they arrive, user i is socket i.
        for (let i = 0; i < options.users; i++) {
          sockets.push(
            await new Promise<Socket>((done, fail) => {
              const socket = connect(port, '127.0.0.1', () => done(socket));
              socket.once('error', fail);
              socket.on('data', () => undefined);
            }),
          );
        }
        const { deliveries, cpuSeconds } = JSON.parse(await result) as { deliveries: number; cpuSeconds: number };
        rows.push({ rate, deliveries, cpuSeconds, deliveriesPerCpuSecond: cpuSeconds > 0 ? deliveries / cpuSeconds : 0 });
      } finally {
        for (const socket of sockets) socket.destroy();
        await stopChild(child);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
