import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';
import { newId } from '../../src/shared/ids.ts';
import { seededRandom } from '../lib/rng.ts';
import { connectRelais, connectSocketIo, type ClientConnection, type Received } from './adapters.ts';
import { messagePicker, type LoadResult, type LoadSpec } from './workload.ts';

/*
 * The open-loop load generator, in its own process: connects every user, then sends at the offered
 * rate whatever the answers (a send is due at start + i/rate; latency counts from that intended
 * time, so a server that falls behind is not hidden by a generator waiting for it), and records
 * send → every recipient's socket in an HDR histogram. Prints START/END markers (the caller reads
 * the servers' CPU time at those instants) and the result as the last JSON line.
 */

interface InFlight {
  intended: number;
  /** False during the warm-up (JIT, connection pools): not counted. */
  measured: boolean;
  recipients: number;
  got: Set<number>;
}

async function main(): Promise<void> {
  const spec = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as LoadSpec;
  const { workload } = spec;
  const connect = spec.adapter === 'relais' ? connectRelais : connectSocketIo;
  const latency = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
  const ack = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
  const indexOf = new Map(workload.userIds.map((id, i) => [id, i]));
  const inFlight = new Map<string, InFlight>();
  const lastSeq = new Map<string, number>();
  let delivered = 0;
  let duplicated = 0;
  let outOfOrder = 0;

  const onMessage = (recipient: number, m: Received): void => {
    const flight = inFlight.get(m.messageId);
    const sender = indexOf.get(m.senderId);
    if (!flight || sender === recipient) return;
    if (!flight.measured) return;
    if (flight.got.has(recipient)) {
      duplicated += 1;
      return;
    }
    flight.got.add(recipient);
    delivered += 1;
    latency.recordValue(Math.max(1, Math.round((performance.now() - flight.intended) * 1000)));
    // Order: Relais numbers each conversation (seq must only grow per recipient and conversation);
    // the peer has no numbering, so per recipient, conversation and sender, the sender's counter.
    const seq = m.seq ?? Number(m.body.slice(0, m.body.indexOf('|')));
    const key = m.seq === undefined ? `${recipient}|${m.conversationId}|${sender}` : `${recipient}|${m.conversationId}`;
    if (seq < (lastSeq.get(key) ?? 0)) outOfOrder += 1;
    else lastSeq.set(key, seq);
  };

  const connections: ClientConnection[] = [];
  const batch = 50;
  for (let start = 0; start < workload.userIds.length; start += batch) {
    const slice = workload.userIds.slice(start, start + batch);
    connections.push(
      ...(await Promise.all(
        slice.map((id, k) => {
          const i = start + k;
          return connect({ id, token: spec.tokens[i] ?? '' }, spec.urls[i % spec.urls.length] as string, (m) => onMessage(i, m));
        }),
      )),
    );
  }

  const pick = messagePicker(workload, seededRandom(spec.seed));
  const senderSeq = new Map<string, number>();
  const total = Math.round(spec.rate * (spec.warmupSec + spec.durationSec));
  let measureFrom = Infinity;
  let started = false;
  const interval = 1000 / spec.rate;
  let sent = 0;
  let sendErrors = 0;
  let counter = 0;
  const fire = (intended: number): void => {
    const picked = pick();
    if (!picked) return;
    const { conversation, sender } = picked;
    const key = `${conversation.id}|${sender}`;
    const seq = (senderSeq.get(key) ?? 0) + 1;
    senderSeq.set(key, seq);
    counter += 1;
    const messageId = newId();
    const measured = intended >= measureFrom;
    if (measured && !started) {
      started = true;
      console.info('START');
    }
    inFlight.set(messageId, { intended, measured, recipients: conversation.members.length - 1, got: new Set() });
    sent += 1;
    connections[sender]!
      .send(conversation.id, messageId, `${seq}|bench message ${counter}`)
      .then(
        () => measured && ack.recordValue(Math.max(1, Math.round((performance.now() - intended) * 1000))),
        () => {
          sendErrors += 1;
          inFlight.delete(messageId);
        },
      );
  };

  const t0 = performance.now();
  let next = t0;
  measureFrom = t0 + spec.warmupSec * 1000;
  await new Promise<void>((done) => {
    const tick = (): void => {
      const now = performance.now();
      while (next <= now && sent < total) {
        fire(next);
        next += interval;
      }
      if (sent >= total) done();
      else setTimeout(tick, Math.max(0, Math.min(5, next - performance.now())));
    };
    tick();
  });
  const sendSeconds = (performance.now() - measureFrom) / 1000;
  await new Promise((r) => setTimeout(r, spec.drainSec * 1000));
  console.info('END');

  let expected = 0;
  let measuredSent = 0;
  for (const flight of inFlight.values()) {
    if (!flight.measured) continue;
    expected += flight.recipients;
    measuredSent += 1;
  }
  const ms = (v: number) => Math.round(v / 10) / 100;
  const result: LoadResult = {
    offeredRate: spec.rate,
    sent: measuredSent,
    sendErrors,
    expected,
    delivered,
    duplicated,
    outOfOrder,
    latency: {
      p50: ms(latency.getValueAtPercentile(50)),
      p90: ms(latency.getValueAtPercentile(90)),
      p99: ms(latency.getValueAtPercentile(99)),
      max: ms(latency.maxValue),
    },
    ack: { p50: ms(ack.getValueAtPercentile(50)), p99: ms(ack.getValueAtPercentile(99)) },
    sendSeconds,
  };
  for (const c of connections) c.close();
  console.info(JSON.stringify(result));
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
