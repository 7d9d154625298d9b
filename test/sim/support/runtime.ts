/**
 * The simulation's runtime: one run at a time, driven by a fast-check scheduler.
 *
 * - Every DynamoDB call of an actor (a request or a job, each in its own container: see
 *   containers.ts) passes through `intercept`, installed on each container's client
 *   (rawDb().middlewareStack, `build` step: after serialisation, before the SDK's retry
 *   middleware). It waits there as a task of the scheduler, so the scheduler picks which
 *   actor's call goes next; exactly one call is in flight at a time, so the order the
 *   scheduler picks is the order DynamoDB Local applies them.
 * - Time is virtual: Date is faked (vi.useFakeTimers({ toFake: ['Date'] }): the SDK's own
 *   timers stay real) and moves only when the run says so: a call answers `callMs` after it was
 *   sent (ten times that for a slow call; concurrent calls overlap), a `sleep` of lib/ (lib/db/retry.ts `timers.sleep`, a scheduled task that
 *   wakes at its time) and the clock jumps the scenario schedules. Claims (the assign, list and key claims)
 *   therefore lapse when the schedule says.
 * - Per call (an actor's nth call, or its nth write) the scenario may inject what AWS can do
 *   and DynamoDB Local cannot (THIS MOCKS AWS BEHAVIOUR: throttling or a 500 that outlast the
 *   SDK's retries, a timeout before the request was sent, the answer lost after the write was
 *   applied), slow the call, stall it (delivered late: `stallPoints` other steps first), or
 *   crash the actor before or after the call (it never resumes: a Lambda killed mid-call). Conditions,
 *   transactions and the data stay DynamoDB Local's.
 * - Math.random is seeded per run (backoff jitter decides sleep lengths), so a seed replays.
 * - middy's early timeout (@middy/core: a `setTimeout` of node:timers for the context's
 *   remaining time less 5 ms) runs on the virtual clock too (installVirtualTimeouts): with a real
 *   timer of virtual milliseconds, an attempt that took over ~25 s of REAL time (a DynamoDB Local
 *   slowed by a full test run) answered middy's 503 at a virtual moment of no meaning, its key
 *   kept that 503 and every retry replayed it (the slow-calls property's failure of stop 21).
 *   The virtual timer fires when the request's own time (clock jumps and its stalled calls left
 *   out, as D1 measures it) reaches the delay: a run is the same whatever real time it takes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { syncBuiltinESMExports } from 'node:module';
import timers from 'node:timers';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type fc from 'fast-check';
import { vi } from 'vitest';
import { awsError } from '../../reliability/support/faults';

export type FaultKind = 'throttle' | 'error500' | 'timeout' | 'lost' | 'slow' | 'stall' | 'crash' | 'crashAfter';
export const faultKinds: FaultKind[] = ['throttle', 'error500', 'timeout', 'lost', 'slow', 'stall', 'crash', 'crashAfter'];

/** Which call a fault hits: the actor's nth call, or its nth write (where the protocols decide). */
export interface FaultAt {
  of: 'call' | 'write';
  nth: number;
  kind: FaultKind;
}

/**
 * A stalled call reaches DynamoDB this long after it was sent (a network delay, a frozen
 * Lambda thawed): longer than a units claim (5 s) or an inventory list claim (5 s). The others run
 * meanwhile; when nobody else can, the clock moves to its arrival.
 */
export const stallMs = 8_000;

const writeCommands = /^(Put|Update|Delete|TransactWrite|BatchWrite|BatchExecuteStatement|ExecuteStatement|ExecuteTransaction)/;

export interface Actor {
  name: string;
  state: 'running' | 'done' | 'crashed';
  /** Calls and writes made so far. */
  calls: number;
  writes: number;
  /** Virtual ms its stalled calls spent undelivered (left out of its deadline, like clock jumps). */
  stalledMs: number;
  faults: FaultAt[];
  /** Virtual ms at which the actor started. */
  startedAt: number;
  /** A stalled call of its own is undelivered (its virtual timers wait: the stall is not its time). */
  stalling?: boolean;
}

const actors = new AsyncLocalStorage<Actor>();
const realDelayMs = Number(process.env.SIM_REAL_DELAY_MS ?? 0);

type WireFault = 'throttle' | 'error500' | 'timeout' | 'lost';
/** The wire fault of one command invocation, from the scheduling middleware to the transport one (they share the context). */
const wireFaults = new WeakMap<object, WireFault>();
/** Read after an await: another branch of the same actor may have crashed it meanwhile. */
const isCrashed = (actor: Actor): boolean => actor.state === 'crashed';
const interposer = 'simInterposer';

/** Never settles: what a caller sees of a Lambda that died. */
const hang = <T>(): Promise<T> => new Promise<T>(() => undefined);

function networkError(message: string): Error {
  return Object.assign(new Error(message), { code: 'ECONNRESET' });
}

function describe(command: string, input: Record<string, unknown>): string {
  const key = (input.Key ?? (input.Item as Record<string, unknown> | undefined)) as Record<string, { S?: string }> | undefined;
  const pk = key?.pk?.S;
  const table = typeof input.TableName === 'string' ? input.TableName.replace(/^allot-[^-]+-/, '') : '';
  return `${command.replace(/Command$/, '')}${table ? ` ${table}` : ''}${pk ? ` ${pk.replace(/^T#[^#]+#/, '')}` : ''}`;
}

export interface RunOptions {
  /** Virtual ms per DynamoDB call. */
  callMs: number;
  /** Math.random's seed for the run. */
  randomSeed: number;
  /** Released tasks after which the run is declared stuck (a liveness failure). */
  maxSteps?: number;
}

/** mulberry32: a small seeded PRNG for Math.random during a run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A timer of middy's on the virtual clock (installVirtualTimeouts); `ms` of the actor's own time from `from`. */
class VirtualTimeout {
  constructor(
    readonly run: Run,
    readonly actor: Actor,
    readonly ms: number,
    readonly from: { at: number; jumped: number; stalled: number },
    readonly fire: () => void,
  ) {}
}

export class Run {
  readonly trace: string[] = [];
  private readonly timeouts = new Set<VirtualTimeout>();
  private inFlight = 0;
  private activity = 0;
  private readonly all: Actor[] = [];

  constructor(
    readonly s: fc.Scheduler,
    readonly options: RunOptions,
  ) {}

  now(): number {
    return Date.now();
  }

  /** Virtual ms the scheduled clock jumps added so far (not time a request spent: a deadline is checked without them). */
  jumped = 0;

  /** Virtual ms since `start` (from `mark()`), clock jumps and the actor's stalled calls left out. */
  elapsedSince(start: { at: number; jumped: number; stalled: number }): number {
    const stalled = actors.getStore()?.stalledMs ?? 0;
    return Date.now() - start.at - (this.jumped - start.jumped) - (stalled - start.stalled);
  }

  mark(): { at: number; jumped: number; stalled: number } {
    return { at: Date.now(), jumped: this.jumped, stalled: actors.getStore()?.stalledMs ?? 0 };
  }

  advance(ms: number): void {
    this.clock(Date.now() + ms);
  }

  /** Moves the clock forward to `at` (never back), then fires the virtual timers that came due. */
  private clock(at: number): void {
    if (Date.now() < at) vi.setSystemTime(at);
    for (const t of [...this.timeouts]) {
      if (t.actor.state !== 'running') this.timeouts.delete(t); // a dead Lambda's timer never fires
      else if (!t.actor.stalling && Date.now() - t.from.at - (this.jumped - t.from.jumped) - (t.actor.stalledMs - t.from.stalled) >= t.ms) {
        this.timeouts.delete(t);
        this.activity++;
        this.trace.push(`${t.actor.name} early timeout (middy)`);
        t.fire();
      }
    }
  }

  /** middy's timer, set by `actor`: fires when `ms` of its own time has passed. */
  timeout(actor: Actor, ms: number, fire: () => void): VirtualTimeout {
    const t = new VirtualTimeout(this, actor, ms, { at: Date.now(), jumped: this.jumped, stalled: actor.stalledMs }, fire);
    this.timeouts.add(t);
    return t;
  }

  clearTimeout(t: VirtualTimeout): void {
    this.timeouts.delete(t);
  }

  /** At the run's end: a timer left (a crashed actor's) never fires after it. */
  dropTimeouts(): void {
    this.timeouts.clear();
  }

  /** Starts `body` as actor `name`; its DynamoDB calls are scheduled. Resolves with its result, never if it crashed. */
  actor<T>(name: string, faults: FaultAt[], body: () => Promise<T>, delay = 0): Promise<T> {
    const actor: Actor = { name, state: 'running', calls: 0, writes: 0, stalledMs: 0, faults, startedAt: Date.now() };
    this.all.push(actor);
    const done = actors.run(actor, async () => {
      // The start itself is a scheduling point: which request arrives first is the schedule's;
      // `delay` more points let the others get that far ahead before it arrives.
      for (let i = 0; i <= delay; i++) await this.s.schedule(Promise.resolve(), `${name} start${i < delay ? ` (waits ${delay - i})` : ''}`);
      actor.startedAt = Date.now();
      return body();
    });
    return done.finally(() => {
      if (actor.state === 'running') actor.state = 'done';
      this.activity++;
    });
  }

  /** A clock jump the schedule places among the calls. */
  async jump(ms: number, after = 0): Promise<void> {
    for (let i = 0; i < after; i++) await this.s.schedule(Promise.resolve(), `clock +${ms} ms in ${after - i}`);
    return this.s.schedule(Promise.resolve(), `clock +${ms} ms`).then(() => {
      this.jumped += ms;
      this.trace.push(`clock +${ms} ms`);
      this.advance(ms);
    });
  }

  /** lib's sleep during a run: a scheduled task that wakes the actor at its time. */
  async sleep(ms: number): Promise<void> {
    const actor = actors.getStore();
    const wake = Date.now() + ms;
    this.activity++;
    await this.s.schedule(Promise.resolve(), `${actor?.name ?? '?'} sleep ${Math.round(ms)}`);
    this.activity++;
    if (actor && isCrashed(actor)) return hang();
    this.clock(wake);
  }

  async intercept(actor: Actor, command: string, input: Record<string, unknown>, send: (wire?: WireFault) => Promise<unknown>): Promise<unknown> {
    if (actor.state === 'crashed') return hang();
    const n = ++actor.calls;
    const w = writeCommands.test(command) ? ++actor.writes : 0;
    const fault = actor.faults.find((f) => (f.of === 'call' ? f.nth === n : f.nth === w))?.kind;
    const label = `${actor.name}#${n} ${describe(command, input)}`;
    const issued = Date.now();
    this.activity++;
    if (fault === 'stall') {
      actor.stalling = true;
      try {
        await this.stall(issued + stallMs, label);
      } finally {
        actor.stalling = false;
      }
      actor.stalledMs += Date.now() - issued;
    }
    await this.s.schedule(Promise.resolve(), label);
    this.activity++;
    if (isCrashed(actor)) return hang();
    // The call answers `callMs` after it was sent (ten times that when slow): calls in flight
    // at once overlap, as they do on DynamoDB; the clock only moves forward.
    const answered = issued + (fault === 'slow' ? this.options.callMs * 10 : this.options.callMs);
    this.clock(answered);
    this.trace.push(`${label}${fault ? ` [${fault}]` : ''}`);
    switch (fault) {
      case 'crash':
        actor.state = 'crashed';
        return hang();
      default:
        break;
    }
    // Throttling, a 500, a timeout before sending and a lost answer happen on the wire: the
    // transport middleware (below the SDK's deserializer, installTransportFaults) acts them out,
    // so every middleware between sees what it would see on AWS.
    const wire = fault === 'throttle' || fault === 'error500' || fault === 'timeout' || fault === 'lost' ? fault : undefined;
    this.inFlight++;
    // SIM_REAL_DELAY_MS: real ms added to every call (a slow DynamoDB Local): nothing of the run may change.
    if (realDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, realDelayMs));
    let out: unknown;
    try {
      out = await send(wire);
    } catch (err) {
      if (fault === 'crashAfter') {
        actor.state = 'crashed';
        return hang();
      }
      throw err;
    } finally {
      this.inFlight--;
      this.activity++;
    }
    if (fault === 'crashAfter') {
      actor.state = 'crashed';
      return hang();
    }
    return out;
  }

  private released = 0;

  /** Keeps a stalled call out of DynamoDB until the clock reaches `until`, letting every other task go first. */
  private async stall(until: number, label: string): Promise<void> {
    for (let i = 0; i < 500 && Date.now() < until; i++) {
      const before = this.released;
      await this.s.schedule(Promise.resolve(), `${label} (stalled)`);
      // Released with nobody else released since the last look: nothing else can run now.
      if (this.released === before + 1 && this.s.count() === 0) this.clock(until);
    }
  }

  /** Waits until no call is in flight and nothing moved for two turns of the event loop. */
  private async quiesce(): Promise<void> {
    for (let turns = 0; ; turns++) {
      const before = this.activity;
      const count = this.s.count();
      await new Promise<void>((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.inFlight === 0 && this.activity === before && this.s.count() === count) return;
      if (this.inFlight > 0) await new Promise<void>((resolve) => setTimeout(resolve, 1));
      if (turns > 100_000) throw new Error('sim: never quiet');
    }
  }

  /** Releases scheduled tasks one at a time until every actor finished or crashed. */
  async drive(): Promise<void> {
    const maxSteps = this.options.maxSteps ?? 4_000;
    const random = vi.spyOn(Math, 'random').mockImplementation(prng(this.options.randomSeed));
    try {
      for (let steps = 0; ; steps++) {
        await this.quiesce();
        if (this.all.every((a) => a.state !== 'running')) return;
        if (this.s.count() === 0) {
          // An actor is neither at a scheduling point nor in a call: outside the model (a real timer).
          await new Promise<void>((resolve) => setTimeout(resolve, 5));
          continue;
        }
        if (steps >= maxSteps) throw new Error(`sim: no end after ${maxSteps} steps (livelock?)\n${this.trace.slice(-20).join('\n')}`);
        this.released++;
        await this.s.waitNext(1);
      }
    } finally {
      random.mockRestore();
    }
  }
}

let current: Run | undefined;

export function activeRun(): Run | undefined {
  return current;
}

export async function withRun<T>(run: Run, body: () => Promise<T>): Promise<T> {
  current = run;
  try {
    return await body();
  } finally {
    run.dropTimeouts();
    current = undefined;
  }
}

/**
 * middy's early timeout on the virtual clock: node:timers' setTimeout (which @middy/core imports
 * by name: hence syncBuiltinESMExports) hands a timer set by middy inside an actor of a run to
 * the run (Run.timeout); every other timer stays real. clearTimeout (node:timers' and the global
 * one, which middy calls) cancels a virtual one. Once per process.
 */
let virtualTimeouts = false;
export function installVirtualTimeouts(): void {
  if (virtualTimeouts) return;
  virtualTimeouts = true;
  const realSet = timers.setTimeout;
  const realClear = timers.clearTimeout;
  const set = (fn: unknown, ms?: number, ...args: unknown[]): unknown => {
    const run = current;
    const actor = actors.getStore();
    if (run && actor && typeof fn === 'function' && new Error().stack?.includes('@middy/core')) {
      return run.timeout(actor, Number(ms ?? 0), AsyncLocalStorage.bind(() => (fn as (...a: unknown[]) => void)(...args)));
    }
    return realSet(fn as () => void, ms, ...args);
  };
  const realGlobalClear = globalThis.clearTimeout;
  const clearWith = (real: (t: NodeJS.Timeout) => void) => (t: unknown): void => {
    if (t instanceof VirtualTimeout) t.run.clearTimeout(t);
    else real(t as NodeJS.Timeout);
  };
  Object.assign(timers, { setTimeout: Object.assign(set, { __promisify__: realSet.__promisify__ }), clearTimeout: clearWith(realClear) });
  syncBuiltinESMExports();
  // middy clears its timer with the global clearTimeout (it imports only setTimeout).
  globalThis.clearTimeout = clearWith(realGlobalClear) as typeof clearTimeout;
}

/**
 * The interposer on one client (one per container): the scheduling point in the `build` step
 * (after serialisation, above the SDK's retry middleware), and the wire faults below the
 * deserializer, where a real network or DynamoDB error would arise (as
 * test/reliability/support/faults.ts does). The sim sets DYNAMODB_MAX_ATTEMPTS=1 (suite.ts):
 * a fault on the single attempt is a fault that outlasted the SDK's retries. Outside a run, or
 * outside an actor, calls go straight through.
 */
export function installInterposer(client: DynamoDBClient): void {
  client.middlewareStack.add(
    ((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => {
      const run = current;
      const actor = actors.getStore();
      if (!run || !actor) return next(args);
      return run.intercept(actor, context.commandName ?? '', args.input, (wire) => {
        if (wire) wireFaults.set(context, wire);
        return next(args);
      });
    }) as never,
    { step: 'build', name: interposer, override: true } as never,
  );
  client.middlewareStack.addRelativeTo(
    ((next: (args: unknown) => Promise<unknown>, context: object) => async (args: unknown) => {
      switch (wireFaults.get(context)) {
        case 'throttle':
          return awsError('ProvisionedThroughputExceededException', 400);
        case 'error500':
          return awsError('InternalServerError', 500);
        case 'timeout':
          throw Object.assign(new Error('injected: timed out before sending'), { name: 'TimeoutError', code: 'ETIMEDOUT' });
        case 'lost':
          await next(args);
          throw networkError('injected: answer lost after the write applied');
        default:
          return next(args);
      }
    }) as never,
    { relation: 'after', toMiddleware: 'deserializerMiddleware', name: `${interposer}Wire`, override: true } as never,
  );
  installVirtualTimeouts();
}


/** lib's pauses (lib/db/retry.ts `timers.sleep`): on the virtual clock, scheduled during a run. */
export function virtualSleep(ms: number): Promise<void> {
  const run = current;
  if (run && actors.getStore()) return run.sleep(ms);
  // Outside a run (fixtures, invariant reads): move the clock, do not wait.
  vi.setSystemTime(Date.now() + ms);
  return new Promise<void>((resolve) => setImmediate(resolve));
}
