// The SYSTEM$ functions papi calls (waiting for services, their status and logs): found in a statement's
// tree, their constant arguments read, and evaluated against the SPCS runtime before the statement
// runs, so the translator can inline each result as a literal. Queries, CALL and the engine's wait
// outside its lock all use them.
import { SqlError } from '../../errors.js';
import type { ServiceKey } from '../../platform.js';
import type * as ast from '../sql/ast.js';
import type { Exec } from './core.js';
import { serviceKeyFromText, serviceRuntime } from './service-objects.js';

/** The SYSTEM$ calls anywhere in a statement's tree. */
export function systemCalls(root: unknown): ast.FunctionCall[] {
  const calls: ast.FunctionCall[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const n = node as Record<string, unknown>;
    if (n.kind === 'function' && n.system === true) calls.push(n as unknown as ast.FunctionCall);
    for (const value of Object.values(n)) walk(value);
  };
  walk(root);
  return calls;
}

/** A SYSTEM$ call's arguments: constants or binds only. */
export function constantArgs(ex: Exec, call: ast.FunctionCall): Array<string | number | null> {
  return call.args.map(({ value: expr }) => {
    if (expr.kind === 'string') return expr.value;
    if (expr.kind === 'number') return Number(expr.text);
    if (expr.kind === 'null') return null;
    if (expr.kind === 'bind') {
      const value = ex.binds[expr.index - 1]?.value;
      return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
    }
    throw new SqlError('002029', '42601', `SQL compilation error:\nArguments of ${call.name} must be constants.`);
  });
}

export interface PlannedWait {
  id: string;
  keys: ServiceKey[];
  timeoutSeconds: number;
}

/** The SYSTEM$WAIT_FOR_SERVICES calls of a statement, resolved (the engine waits outside its lock). */
export function plannedWaits(ex: Exec, root: unknown): PlannedWait[] {
  return systemCalls(root)
    .filter((call) => call.name === 'SYSTEM$WAIT_FOR_SERVICES')
    .map((call) => {
      const [timeout, ...names] = constantArgs(ex, call);
      return { id: JSON.stringify([timeout, ...names]), keys: names.map((n) => serviceKeyFromText(ex, String(n))), timeoutSeconds: Number(timeout ?? 300) };
    });
}

/** SYSTEM$WAIT(amount [, unit]): how long, and what it answers (https://docs.snowflake.com/en/sql-reference/functions/system_wait). */
const WAIT_UNITS: Record<string, number> = { SECONDS: 1000, MILLISECONDS: 1, MINUTES: 60_000, HOURS: 3_600_000 };
/** A statement waits an hour at most: every wait papi local plays ends by itself. */
const MAX_WAIT_MS = 3_600_000;

export interface PlannedSleep {
  id: string;
  ms: number;
}

function waitOf(args: Array<string | number | null>): { ms: number; text: string } {
  const [amount, unit = 'SECONDS'] = args;
  const factor = WAIT_UNITS[String(unit).toUpperCase()];
  const n = Number(amount);
  if (factor === undefined || !Number.isFinite(n) || n < 0)
    throw new SqlError('100036', '22000', `Invalid argument for SYSTEM$WAIT: ${JSON.stringify(args)}`);
  return { ms: Math.min(n * factor, MAX_WAIT_MS), text: `waited ${amount} ${String(unit).toLowerCase()}` };
}

/** The SYSTEM$WAIT calls of a statement: the engine sleeps outside its lock, so other sessions go on. */
export function plannedSleeps(ex: Exec, root: unknown): PlannedSleep[] {
  return systemCalls(root)
    .filter((call) => call.name === 'SYSTEM$WAIT')
    .map((call) => {
      const args = constantArgs(ex, call);
      return { id: `SYSTEM$WAIT ${JSON.stringify(args)}`, ms: waitOf(args).ms };
    });
}

/**
 * SYSTEM$ functions papi calls, evaluated before the query runs: the result is a value the
 * translator inlines as a literal.
 */
export async function systemFunction(ex: Exec, name: string, args: Array<string | number | null>): Promise<string | null> {
  switch (name) {
    case 'SYSTEM$WAIT_FOR_SERVICES': {
      const [timeout, ...names] = args;
      // Waited for before the statement took the engine's lock (services may query while starting).
      const waited = ex.waited?.get(JSON.stringify(args));
      if (waited !== undefined) {
        if (waited) throw waited;
        return 'Running';
      }
      const keys = names.map((n) => serviceKeyFromText(ex, String(n)));
      await serviceRuntime(ex).waitForReady(keys, Number(timeout ?? 300));
      return 'Running';
    }
    case 'SYSTEM$WAIT': {
      const { ms, text } = waitOf(args);
      // Slept before the statement took the engine's lock; otherwise (an unplanned call) sleep now.
      if (!ex.waited?.has(`SYSTEM$WAIT ${JSON.stringify(args)}`)) await new Promise((resolve) => setTimeout(resolve, ms));
      return text;
    }
    case 'SYSTEM$GET_SERVICE_LOGS': {
      const [service, instance, container, lines] = args;
      const key = serviceKeyFromText(ex, String(service));
      return serviceRuntime(ex).logs(key, String(instance ?? '0'), String(container ?? ''), lines === null || lines === undefined ? undefined : Number(lines));
    }
    case 'SYSTEM$GET_SERVICE_STATUS': {
      const key = serviceKeyFromText(ex, String(args[0]));
      const { status, containers } = serviceRuntime(ex).status(key);
      return JSON.stringify(
        containers.length > 0
          ? containers.map((c) => ({ status: c.status, message: c.message, containerName: c.containerName, instanceId: c.instanceId, serviceName: key.name, image: c.imageName, restartCount: c.restartCount, startTime: c.startTime ?? '' }))
          : [{ status, message: '', serviceName: key.name }],
      );
    }
    default:
      throw new SqlError('002140', '42601', `SQL compilation error:\nUnknown function ${name}`);
  }
}
