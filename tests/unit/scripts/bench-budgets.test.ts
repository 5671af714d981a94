import { describe, expect, it } from 'vitest';
import type { FanoutPoint } from '../../../bench/fanout/run-fanout.ts';
import { budgetLines, renderBudgets } from '../../../bench/report.ts';
import type { StormResult } from '../../../bench/storm/run-storm.ts';

/** One fan-out run: `perCpu` deliveries per server CPU-second, latency p50/p99 in ms. */
function point(server: FanoutPoint['server'], processes: 1 | 2, rate: number, perCpu: number, p50: number, p99: number): FanoutPoint {
  return {
    server,
    processes,
    rep: 1,
    result: { offeredRate: rate, sent: 100, sendErrors: 0, expected: 1000, delivered: 1000, duplicated: 0, outOfOrder: 0, latency: { p50, p90: p99, p99, max: p99 }, ack: { p50, p99 }, sendSeconds: 1 },
    serverCpu: 1,
    redisCpu: 0.1,
    deliveriesPerCpuSecond: perCpu,
  };
}

const lineOf = (lines: ReturnType<typeof budgetLines>, start: string) => {
  const found = lines.find((l) => l.budget.startsWith(start));
  if (!found) throw new Error(`no budget line "${start}"`);
  return found;
};

describe('the bench report\'s budgets', () => {
  it('says a budget is met only when every rate and process count meets it', () => {
    const fanout = [
      point('relais-always', 1, 250, 9_000, 5, 20),
      point('socketio', 1, 250, 18_000, 2, 10),
      point('relais-always', 1, 2000, 50_000, 20, 90),
      point('socketio', 1, 2000, 40_000, 40, 120),
    ];
    const lines = budgetLines({ fanout, routing: [{ gateways: 1, ratio: 1.0 }, { gateways: 2, ratio: 1.2 }], client: null });
    const perCpu = lineOf(lines, 'deliveries per server CPU-s');
    expect(perCpu.figure).toBe('×1 250: 0.50; ×1 2000: 1.25');
    expect(perCpu.met).toBe(false);
    expect(lineOf(lines, 'p99 equal or better').met).toBe(false);
    // 2,000 msg/s is past the judged rates: its 90 ms p99 and 20 ms p50 would pass anyway, a slow 250 would not.
    expect(lineOf(lines, 'delivery on loopback').met).toBe(true);
    const slow = budgetLines({ fanout: [point('relais-always', 1, 250, 9_000, 5, 120), point('relais-always', 1, 2000, 50_000, 500, 900)], routing: [], client: null });
    expect(lineOf(slow, 'delivery on loopback').met).toBe(false);
    const overloaded = budgetLines({ fanout: [point('relais-always', 1, 250, 9_000, 5, 20), point('relais-always', 1, 2000, 50_000, 500, 900)], routing: [], client: null });
    expect(lineOf(overloaded, 'delivery on loopback').met).toBe(true);
    // One gateway over 1.1 fails the routing budget.
    expect(lineOf(lines, 'routed fan-out').met).toBe(false);
    expect(lineOf(lines, 'routed fan-out').figure).toBe('1: 1.000; 2: 1.200');
    // Sections that did not run are not counted as met.
    expect(lineOf(lines, 'reconnect storm').met).toBeNull();
    expect(lineOf(lines, 'cold start offline').met).toBeNull();
    expect(renderBudgets(lines)).toContain('| not measured |');
  });

  it('fails the storm budget on one device late, one message lost or one never caught up', () => {
    const storm = (over: Partial<StormResult>): StormResult =>
      ({ server: 'relais', devices: 2, caughtUp: 2, lost: 0, duplicated: 0, catchUpMs: { p50: 3000, p99: 7000, max: 7900 }, ...over }) as StormResult;
    const met = (result: StormResult) => lineOf(budgetLines({ fanout: [], routing: [], storm: [result], client: null }), 'reconnect storm').met;
    expect(met(storm({}))).toBe(true);
    expect(met(storm({ catchUpMs: { p50: 3000, p99: 7000, max: 10_500 } }))).toBe(false);
    expect(met(storm({ lost: 1 }))).toBe(false);
    expect(met(storm({ catchUpMs: { p50: 3000, p99: Infinity, max: Infinity } }))).toBe(false);
  });
});
