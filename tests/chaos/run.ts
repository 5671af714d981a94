import { addUser, ApiClient } from '../integration/helpers.ts';
import { ACTIONS, type ChaosAction } from './actions.ts';
import { SimDevice, TRAFFIC, type ChaosDevice } from './device.ts';
import { chaosWorkers, DevicePool } from './device-pool.ts';
import type { Message, User } from '../../src/shared/model.ts';
import { DEFAULT_POLICY, FaultStats, type FaultPolicy } from './faults.ts';
import { checkAckAnswers, checkAcks, checkDelivered, checkDevice, checkOutboxes, checkServerLog, checkUnread, serverHistory, syncUntilQuiescent } from './invariants.ts';
import { Rng } from './prng.ts';
import { sleep, type ChaosStack } from './stack.ts';
import { World, type ChaosConversation } from './world.ts';

/**
 * One chaos run: users, devices and conversations on a ChaosStack; lanes of random actions until
 * the message target is reached while scheduled faults hit the back end; then every device back
 * online, sync until quiescent, and the invariants.
 */

export interface ChaosConfig {
  seed: number;
  messages: number;
  users: number;
  devicesPerUser: number;
  conversations: number;
  /** Actions running at once (simulated users acting concurrently). */
  lanes: number;
  policy: FaultPolicy;
  actions: readonly ChaosAction[];
  /** Back-end faults, each fired once when this fraction of the messages was sent. */
  schedule: readonly ScheduledFault[];
}

export interface ScheduledFault {
  at: number;
  name: string;
  run(stack: ChaosStack, rng: Rng): Promise<void>;
}

export const DEFAULT_SCHEDULE: readonly ScheduledFault[] = [
  { at: 0.15, name: 'SIGKILL gateway 0', run: (stack, rng) => stack.killGateway(0, rng.int(200, 1_500)) },
  { at: 0.35, name: 'SIGKILL redis', run: (stack, rng) => stack.killRedis(rng.int(200, 1_500)) },
  { at: 0.55, name: 'SIGKILL gateway 1', run: (stack, rng) => stack.killGateway(1, rng.int(200, 1_500)) },
  { at: 0.75, name: 'SIGKILL redis', run: (stack, rng) => stack.killRedis(rng.int(200, 1_500)) },
];

export function defaultConfig(seed: number, messages: number): ChaosConfig {
  return {
    seed,
    messages,
    users: 10,
    devicesPerUser: 2,
    conversations: 6,
    lanes: 10,
    policy: DEFAULT_POLICY,
    actions: ACTIONS,
    schedule: DEFAULT_SCHEDULE,
  };
}

export interface ChaosReport {
  world: World;
  messages: number;
  actions: Record<string, number>;
  faults: Record<string, number>;
  backendFaults: string[];
  /** Requests by op (tab → SW) and by path (SW → gateway). */
  traffic: Record<string, number>;
  quiescentAfterRounds: number;
  /** `message.ack` mutations whose answer was lost and that the outbox pushed again (checkAckAnswers). */
  ackAnswersReplayed: number;
  durationMs: { setup: number; run: number; converge: number; check: number };
}

/** Runs the scenario; the caller asserts on `report.world.violations`. */
export async function runChaos(stack: ChaosStack, config: ChaosConfig): Promise<ChaosReport> {
  const t0 = Date.now();
  const rng = new Rng(config.seed);
  const stats = new FaultStats();
  const accounts = await Promise.all(Array.from({ length: config.users }, () => addUser(stack.admin)));
  const workers = chaosWorkers();
  const pool = workers > 0 ? new DevicePool(stack, workers) : null;
  const devices: ChaosDevice[] = [];
  accounts.forEach((account, u) => {
    for (let k = 0; k < config.devicesPerUser; k++) {
      const index = u * config.devicesPerUser + k;
      const options = { name: `d${index}`, home: index % stack.gatewayCount, account, rng: rng.fork(), policy: config.policy };
      devices.push(pool ? pool.create(options) : new SimDevice({ ...options, gateways: stack, stats }));
    }
  });
  try {
    return await drive(stack, config, { rng, stats, accounts, devices, pool, t0 });
  } catch (error) {
    await Promise.all(devices.map((d) => d.close()));
    throw error;
  }
}

async function drive(
  stack: ChaosStack,
  config: ChaosConfig,
  setup: { rng: Rng; stats: FaultStats; accounts: (User & { password: string })[]; devices: ChaosDevice[]; pool: DevicePool | null; t0: number },
): Promise<ChaosReport> {
  const { rng, stats, accounts, devices, pool, t0 } = setup;
  for (const device of devices) device.setFaults(false);
  await Promise.all(devices.map((d) => d.signIn()));
  const conversations = await createConversations(rng, devices, config.conversations);
  const world = new World(devices, conversations, rng, stats);
  await syncUntilQuiescent(devices);

  const t1 = Date.now();
  for (const device of devices) device.setFaults(true);
  const backendFaults: string[] = [];
  const pendingFaults: Promise<void>[] = [];
  let nextFault = 0;
  const lane = async (): Promise<void> => {
    while (world.sent.size < config.messages) {
      const device = rng.pick(devices);
      const action = rng.weighted(config.actions);
      world.actionCounts.set(action.name, (world.actionCounts.get(action.name) ?? 0) + 1);
      try {
        await action.run(world, device);
      } catch (error) {
        world.violation(`${action.name} on ${device.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      const due = config.schedule[nextFault];
      if (due && world.sent.size >= due.at * config.messages) {
        nextFault += 1;
        backendFaults.push(due.name);
        stats.add(due.name.includes('redis') ? 'redis-sigkill' : 'gateway-sigkill');
        pendingFaults.push(due.run(stack, rng));
      }
      // Let sockets, timers and flushes breathe: a lane is one person, not a busy loop.
      await sleep(0);
    }
  };
  await Promise.all(Array.from({ length: config.lanes }, lane));
  await Promise.all(pendingFaults);

  const t2 = Date.now();
  // Final phase: everything online and no more injected faults; sync until nothing changes.
  for (const device of devices) {
    device.setFaults(false);
    device.goOnline();
  }
  const rounds = await syncUntilQuiescent(devices);

  const t3 = Date.now();
  const checker = new ApiClient(stack.urlOf(0)!);
  const histories = new Map<string, Message[]>();
  const unread = new Map<ChaosDevice, Map<string, number>>();
  for (const device of devices) {
    const { conversations: listed } = await device.request('conversations.list', { limit: 10_000 });
    unread.set(device, new Map(listed.map((summary) => [summary.conversation.id, summary.unread])));
  }
  for (const conversation of conversations) {
    const member = accounts.find((a) => a.id === conversation.memberIds[0])!;
    await checker.login(member.username, member.password);
    const history = await serverHistory(checker, conversation.id);
    histories.set(conversation.id, history);
    checkServerLog(world, conversation.id, history);
    checkDelivered(world, conversation.id, history);
    await checkAcks(world, conversation.id, history);
    for (const device of world.devicesOf(conversation.memberIds)) {
      await checkDevice(world, device, conversation.id, history);
      await checkUnread(world, device, unread.get(device)!, conversation.id, history);
    }
  }
  const ackAnswersReplayed = await checkAckAnswers(world, histories);
  for (const device of devices) {
    const foreign = await device.foreignCount(world.conversationsOf(device.account.id).map((c) => c.id));
    if (foreign > 0) world.violation(`${device.name} holds ${foreign} messages of conversations it is not in`);
  }
  await checkOutboxes(world);
  for (const action of config.actions) await action.check?.(world);
  const t4 = Date.now();
  await pool?.collect(stats);

  return {
    world,
    messages: world.sent.size,
    actions: Object.fromEntries(world.actionCounts),
    faults: stats.toJSON(),
    backendFaults,
    traffic: Object.fromEntries(TRAFFIC),
    quiescentAfterRounds: rounds,
    ackAnswersReplayed,
    durationMs: { setup: t1 - t0, run: t2 - t1, converge: t3 - t2, check: t4 - t3 },
  };
}

/**
 * Group conversations of 2–4 members (every one on two devices, so a message reaches 4–8 devices);
 * every user ends up in at least one. Small rooms keep thousands of messages within the time budget.
 */
async function createConversations(rng: Rng, devices: ChaosDevice[], count: number): Promise<ChaosConversation[]> {
  const userIds = [...new Set(devices.map((d) => d.account.id))];
  const groups = Array.from({ length: count }, () => rng.sample(userIds, rng.int(2, Math.min(4, userIds.length))));
  for (const userId of userIds) {
    if (!groups.some((g) => g.includes(userId))) rng.pick(groups).push(userId);
  }
  const created: ChaosConversation[] = [];
  for (const [index, memberIds] of groups.entries()) {
    const creator = devices.find((d) => d.account.id === memberIds[0])!;
    const { conversationId } = await creator.request('conversation.create', {
      participantIds: memberIds.slice(1),
      title: `Chaos ${index + 1}`,
    });
    created.push({ id: conversationId, memberIds });
  }
  return created;
}
