// papi local's Snowpark Container Services: each service is a set of instances, each instance a set
// of containers run as child processes from the unpacked image (see container.ts, launch.ts), with
// a token file of the owner's OAuth token that is rewritten before it expires, and an ingress
// listener per public endpoint. ALTER starts a new generation and switches to it once it is ready.
//
// Definitions are kept in <dataDir>/services.json, so restore() (called by startLocal once the
// engine is open) starts again after a restart what was running, as Snowflake keeps services up.
//
// SUSPEND stops and removes the containers; RESUME starts them again from the same images
// (https://docs.snowflake.com/en/sql-reference/sql/alter-service, "SUSPEND | RESUME"). A suspended
// service keeps its ingress listeners, so its endpoint URL stays what it was, across a restart too.
// The same page says a call to a suspended service's public endpoint resumes it (AUTO_RESUME, on by
// default): an authorized call does so here, and is answered 503 while the containers start.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SqlError, ErrorCode } from '../errors.js';
import type { PasswordSignIn } from '../ingress/browser-sign-in.js';
import { startIngress, type IngressListener } from '../ingress/index.js';
import type { AccountDirectory, ContainerStatus, EndpointInfo, ServiceDefinition, ServiceKey, ServiceRuntime, ServiceStatus, TokenAuthority } from '../platform.js';
import { parseImagePath, type ResolvedImage } from '../image-registry/index.js';
import { Container, type ContainerTimings } from './container.js';
import { extractLayers } from './extract.js';
import { GUARD_HEADER, GUARD_SECRET_ENV, guardedArgv, writeGuard } from './ingress-guard.js';
import { containerEnv, hostArgv, imageArgv, nodeArgv, workingDir } from './launch.js';
import { parseSpecification, type ContainerSpec, type EndpointSpec, type ServiceSpec } from './spec.js';

export const PROVISIONING_TEXT = 'Endpoints provisioning in progress... check back in a few minutes';

/** SYSTEM$WAIT_FOR_SERVICES failures (Snowflake's exact numbers are UNCONFIRMED). */
const WAIT_FAILED = '395020';
const WAIT_TIMEOUT = '395021';

export interface ServiceRuntimeOptions {
  /** Where rootfs folders and instance files live (e.g. <papi local data dir>/spcs). */
  dataDir: string;
  registry: { resolveImage(path: string): ResolvedImage | undefined };
  tokens: TokenAuthority;
  /** For the ingress (who may call a service) and the image READ check; a function when the engine is created later. */
  directory: AccountDirectory | (() => AccountDirectory);
  /** The SQL API's URL, http://127.0.0.1:PORT (known once the server listens). */
  accessUrl: () => string;
  account: string | (() => string);
  /** How long SHOW ENDPOINTS shows the provisioning text after the service first runs (default 0: at once; `papi local start --endpoint-delay`). */
  endpointProvisioningMs?: number;
  /**
   * How long a new instance waits for a node before its containers start (default 0). Meanwhile the
   * service is PENDING with no instance, as SPCS shows it while the compute pool scales up.
   */
  schedulingMs?: number;
  /** Lifetime of the OAuth token in the token file (default 1 h); rewritten every refresh interval. */
  tokenTtlSeconds?: number;
  tokenRefreshSeconds?: number;
  timings?: Partial<ContainerTimings>;
  /** The node that runs containers (default: this one). */
  nodePath?: string;
  /** Password check for browsers signing in at an ingress; without it browsers get the API's 401. */
  signIn?: PasswordSignIn;
}

interface Instance {
  id: string;
  dir: string;
  tokenFile: string;
  /** Filled once the image is unpacked. */
  containers: Container[];
  tokenTimer?: NodeJS.Timeout;
}

interface Generation {
  spec: ServiceSpec;
  /** SHOW SERVICES spec_digest of the specification this generation runs. */
  specDigest: string;
  images: Map<string, ResolvedImage>;
  /** spec port → container name, for each container that listens. */
  ports: Map<number, string>;
  instances: Instance[];
  /** Set when unpacking failed. */
  error?: string;
  stopped: boolean;
}

interface Service {
  definition: ServiceDefinition;
  spec: ServiceSpec;
  images: Map<string, ResolvedImage>;
  ports: Map<number, string>;
  current?: Generation;
  /** ALTER in progress: replaces current once ready. */
  next?: Generation;
  /** The generation an upgrade replaced, until its containers have stopped (still part of the upgrade). */
  retiring?: Generation;
  suspended: boolean;
  /** SHOW SERVICES suspended_on / resumed_on (ISO times). */
  suspendedOn?: string;
  resumedOn?: string;
  listeners: Map<string, IngressListener>;
  /** Ports the endpoints' listeners had before a restart: reused when free, so ingress URLs stay. */
  preferredPorts: Record<string, number>;
  runningSince?: number;
  generationCount: number;
  roundRobin: number;
  /** The secret its containers' ports require (ingress-guard.ts): only its ingress and probes send it. */
  guardSecret: string;
}

/** The runtime plus restore(), which startLocal calls once the engine is open. */
export interface LocalServiceRuntime extends ServiceRuntime {
  /**
   * Starts again the services that ran when papi local last stopped (suspended ones stay
   * suspended). Answers the services that could not be restored, with the reason.
   */
  restore(): Promise<Array<{ service: string; error: string }>>;
}

interface SavedService {
  definition: ServiceDefinition;
  suspended: boolean;
  suspendedOn?: string;
  resumedOn?: string;
  /** Its endpoints were provisioned: they are again at once after a restart (Snowflake keeps them). */
  provisioned?: boolean;
  ingressPorts?: Record<string, number>;
}

export function createServiceRuntime(options: ServiceRuntimeOptions): LocalServiceRuntime {
  const services = new Map<string, Service>();
  // A probe is one loopback request: every 50 ms a starting container is READY within 50 ms of answering.
  const timings: ContainerTimings = { probeIntervalMs: 50, readyWithoutProbeMs: 1000, stopGraceMs: 5000, restartBackoffMs: 1000, restartBackoffMaxMs: 30_000, ...options.timings };
  const provisioningMs = options.endpointProvisioningMs ?? 0;
  const schedulingMs = options.schedulingMs ?? 0;
  const tokenTtl = options.tokenTtlSeconds ?? 3600;
  const tokenRefresh = Math.min(options.tokenRefreshSeconds ?? 600, Math.max(1, Math.floor(tokenTtl / 2)));
  const nodePath = options.nodePath ?? process.execPath;
  const account = (): string => (typeof options.account === 'function' ? options.account() : options.account);
  const unpacking = new Map<string, Promise<string>>();
  let guardFile: Promise<string> | undefined;
  const directory = (): AccountDirectory => (typeof options.directory === 'function' ? options.directory() : options.directory);

  // One watcher for all services: ALTER switch-overs and when endpoints finish "provisioning".
  const watcher = setInterval(() => {
    for (const service of services.values()) {
      promoteIfReady(service);
      noteRunning(service);
    }
  }, 100);
  watcher.unref();
  // If papi local exits without close() (a crash, process.exit), its containers must not live on.
  const killAll = (): void => {
    for (const service of services.values()) {
      for (const generation of [service.current, service.next, service.retiring]) {
        for (const instance of generation?.instances ?? []) for (const container of instance.containers) container.killNow();
      }
    }
  };
  process.once('exit', killAll);

  /** Endpoints start "provisioning" when the service first runs; once provisioned they stay so. */
  function noteRunning(service: Service): void {
    if (service.runningSince === undefined && !service.suspended && service.current && generationStatus(service.current) === 'RUNNING') {
      service.runningSince = Date.now();
      void save().catch(() => undefined);
    }
  }

  /** Definitions survive a restart (see restore); written after every change, never on close. */
  const savedFile = join(options.dataDir, 'services.json');
  async function save(): Promise<void> {
    const saved: SavedService[] = [...services.values()].map((service) => ({
      definition: service.definition,
      suspended: service.suspended,
      ...(service.suspendedOn ? { suspendedOn: service.suspendedOn } : {}),
      ...(service.resumedOn ? { resumedOn: service.resumedOn } : {}),
      ...(service.runningSince !== undefined ? { provisioned: true } : {}),
      ingressPorts: { ...service.preferredPorts, ...Object.fromEntries([...service.listeners].map(([name, listener]) => [name, listener.port])) },
    }));
    await mkdir(options.dataDir, { recursive: true });
    const temp = `${savedFile}.${randomUUID()}`;
    await writeFile(temp, JSON.stringify(saved), { mode: 0o600 });
    await rename(temp, savedFile);
  }

  async function start(definition: ServiceDefinition, saved: Pick<SavedService, 'suspended' | 'suspendedOn' | 'resumedOn' | 'provisioned'>, preferredPorts: Record<string, number> = {}): Promise<void> {
    const checked = validate(definition);
    const existing = services.get(id(definition));
    if (existing) await stopService(existing);
    const service: Service = {
      definition,
      ...checked,
      suspended: saved.suspended,
      ...(saved.suspendedOn ? { suspendedOn: saved.suspendedOn } : {}),
      ...(saved.resumedOn ? { resumedOn: saved.resumedOn } : {}),
      ...(saved.provisioned ? { runningSince: 0 } : {}),
      listeners: new Map(),
      preferredPorts,
      generationCount: 0,
      roundRobin: 0,
      guardSecret: randomBytes(32).toString('base64url'),
    };
    services.set(id(definition), service);
    // A suspended service listens too: its endpoint keeps its URL and answers (see wakeIfSuspended).
    await syncListeners(service);
    if (service.suspended) return;
    service.current = await startGeneration(service);
  }

  /**
   * Asked by the ingress before it forwards an authorized call: true when the service stays
   * suspended (the ingress then answers 503 SERVICE_SUSPENDED). A service whose AUTO_RESUME is on
   * and whose compute pool runs is resumed instead, as Snowflake documents, and the call is answered
   * like any call while containers start (503 until one is READY). What Snowflake's ingress answers
   * the call that wakes a service, and whether a call also resumes a suspended compute pool, no
   * source says: papi local answers 503 and leaves a suspended pool's services suspended.
   */
  function wakeIfSuspended(service: Service): boolean {
    if (!service.suspended) return false;
    if (!directory().serviceResumesOnCall(service.definition)) return true;
    void runtime.resume(service.definition).catch(() => undefined);
    return false;
  }

  async function stopService(service: Service): Promise<void> {
    services.delete(id(service.definition));
    await Promise.all([stopGeneration(service.current), stopGeneration(service.next), stopGeneration(service.retiring), ...[...service.listeners.values()].map((listener) => listener.close())]);
    await rm(join(options.dataDir, 'services', id(service.definition)), { recursive: true, force: true });
  }

  function id(key: ServiceKey): string {
    return `${key.database}.${key.schema}.${key.name}`;
  }

  function find(key: ServiceKey): Service {
    const service = services.get(id(key));
    if (!service) throw new SqlError(ErrorCode.doesNotExist, '02000', `Service '${id(key)}' does not exist or not authorized.`);
    return service;
  }

  /** Parses the spec, resolves every image and checks ports and entrypoints: throws SqlError like CREATE SERVICE. */
  function validate(definition: ServiceDefinition): Pick<Service, 'spec' | 'images' | 'ports'> {
    const spec = parseSpecification(definition.specification);
    const images = new Map<string, ResolvedImage>();
    for (const container of spec.containers) {
      const parsed = parseImagePath(container.image);
      const image = parsed && directory().canUseImageRepository(definition.owner, parsed.repository.key, 'READ') ? options.registry.resolveImage(container.image) : undefined;
      if (!image) {
        throw new SqlError('395018', '22023', `Invalid spec: image '${container.image}' of container ${container.name} does not exist or not authorized.`);
      }
      nodeArgv(imageArgv(container, image.config), container.name, container.image);
      images.set(container.name, image);
    }
    return { spec, images, ports: assignPorts(spec, images) };
  }

  async function startGeneration(service: Service): Promise<Generation> {
    const count = Math.max(1, service.definition.minInstances || 1);
    const generation: Generation = { spec: service.spec, specDigest: specDigest(service.definition.specification), images: service.images, ports: service.ports, instances: [], stopped: false };
    const number = ++service.generationCount;
    for (let index = 0; index < count; index++) {
      const dir = join(options.dataDir, 'services', id(service.definition), `${number}-${index}`);
      generation.instances.push({ id: String(index), dir, tokenFile: join(dir, 'session', 'token'), containers: [] });
    }
    void launchGeneration(service, generation);
    return generation;
  }

  async function launchGeneration(service: Service, generation: Generation): Promise<void> {
    try {
      const roots = new Map<string, string>();
      for (const [name, image] of generation.images) roots.set(name, await unpack(image));
      const guard = await (guardFile ??= mkdir(options.dataDir, { recursive: true }).then(() => writeGuard(options.dataDir)));
      if (schedulingMs > 0) await new Promise((resolve) => setTimeout(resolve, schedulingMs));
      for (const instance of generation.instances) {
        const realPorts = new Map<string, number>();
        for (const container of new Set(generation.ports.values())) realPorts.set(container, await freePort());
        if (generation.stopped) return;
        await mkdir(join(instance.dir, 'session'), { recursive: true, mode: 0o700 });
        await writeToken(service.definition, instance);
        // Stopped while we were writing: leave nothing behind. From here on no await until the containers exist.
        if (generation.stopped) {
          await rm(instance.dir, { recursive: true, force: true });
          return;
        }
        instance.tokenTimer = setInterval(() => void writeToken(service.definition, instance).catch(() => undefined), tokenRefresh * 1000);
        instance.tokenTimer.unref();
        for (const spec of generation.spec.containers) {
          const image = generation.images.get(spec.name)!;
          const root = roots.get(spec.name)!;
          const listenPort = realPorts.get(spec.name);
          const access = new URL(options.accessUrl());
          const container = new Container(
            {
              name: spec.name,
              argv: guardedArgv(hostArgv(nodeArgv(imageArgv(spec, image.config), spec.name, spec.image), root, nodePath), guard),
              cwd: workingDir(image.config, root),
              env: {
                ...containerEnv(
                  image.config,
                  spec,
                  {
                    account: account(),
                    host: access.host,
                    port: Number(access.port || (access.protocol === 'https:' ? 443 : 80)),
                    protocol: access.protocol.replace(':', ''),
                    database: service.definition.database,
                    schema: service.definition.schema,
                    serviceName: service.definition.name,
                    tokenFile: instance.tokenFile,
                    ...(listenPort !== undefined ? { listenPort } : {}),
                  },
                  instance.dir,
                ),
                [GUARD_SECRET_ENV]: service.guardSecret,
              },
              ...(spec.readinessProbe && listenPort !== undefined ? { probe: { port: listenPort, path: spec.readinessProbe.path, headers: { [GUARD_HEADER]: service.guardSecret } } } : {}),
              ...(listenPort !== undefined ? { listenPort } : {}),
              imageName: spec.image,
              imageDigest: image.digest,
            },
            timings,
          );
          instance.containers.push(container);
          if (!generation.stopped) container.start();
        }
      }
    } catch (error) {
      generation.error = `Failed to start the container: ${(error as Error).message}`;
    }
  }

  async function unpack(image: ResolvedImage): Promise<string> {
    // Keyed by the layers, not the manifest: a new tag that only changes env reuses the unpacked root.
    const layersKey = createHash('sha256').update(image.layers.map((layer) => layer.digest).join(',')).digest('hex');
    const root = join(options.dataDir, 'rootfs', layersKey);
    let pending = unpacking.get(root);
    if (!pending) {
      pending = (async () => {
        if (existsSync(root)) return root;
        const temp = `${root}.tmp-${randomUUID()}`;
        try {
          await extractLayers(image.layers, temp);
          await rename(temp, root);
        } catch (error) {
          await rm(temp, { recursive: true, force: true });
          throw error;
        }
        return root;
      })();
      unpacking.set(root, pending);
      pending.catch(() => unpacking.delete(root));
    }
    return pending;
  }

  async function writeToken(definition: ServiceDefinition, instance: Instance): Promise<void> {
    const token = options.tokens.issueOAuthToken({ user: definition.owner, role: definition.ownerRole }, tokenTtl);
    const temp = `${instance.tokenFile}.${randomUUID()}`;
    await writeFile(temp, token, { mode: 0o600 });
    await rename(temp, instance.tokenFile);
  }

  async function stopGeneration(generation: Generation | undefined): Promise<void> {
    if (!generation) return;
    generation.stopped = true;
    await Promise.all(
      generation.instances.map(async (instance) => {
        if (instance.tokenTimer) clearInterval(instance.tokenTimer);
        await Promise.all(instance.containers.map((container) => container.stop()));
        await rm(instance.dir, { recursive: true, force: true });
      }),
    );
  }

  /** ALTER: once the new generation is ready it serves; the old one stops in the background. */
  function promoteIfReady(service: Service): void {
    const next = service.next;
    if (!next || generationStatus(next) !== 'RUNNING') return;
    const old = service.current;
    service.current = next;
    service.next = undefined;
    // The upgrade lasts until the old containers are gone (SHOW SERVICES is_upgrading, both images listed).
    service.retiring = old;
    void syncListeners(service)
      .then(save)
      .catch(() => undefined)
      .then(() => stopGeneration(old))
      .finally(() => {
        if (service.retiring === old) service.retiring = undefined;
      });
  }

  /** One ingress listener per public endpoint of the current spec; listeners keep their port across ALTER. */
  async function syncListeners(service: Service): Promise<void> {
    const wanted = new Map(service.spec.endpoints.filter((endpoint) => endpoint.public).map((endpoint) => [endpoint.name, endpoint]));
    for (const [name, listener] of service.listeners) {
      if (!wanted.has(name)) {
        service.listeners.delete(name);
        await listener.close();
      }
    }
    for (const endpoint of wanted.values()) {
      if (service.listeners.has(endpoint.name)) continue;
      const listen = (port: number): Promise<IngressListener> =>
        startIngress({
          service: service.definition,
          endpoint: endpoint.name,
          tokens: options.tokens,
          directory: directory(),
          upstream: () => upstreamPort(service, endpoint.name),
          suspended: () => wakeIfSuspended(service),
          guardSecret: service.guardSecret,
          ...(options.signIn ? { signIn: options.signIn } : {}),
          port,
        });
      const preferred = service.preferredPorts[endpoint.name];
      const listener = preferred ? await listen(preferred).catch(() => listen(0)) : await listen(0);
      service.listeners.set(endpoint.name, listener);
    }
  }

  /** A ready container port for the endpoint in the serving generation (round robin over instances). */
  function upstreamPort(service: Service, endpointName: string): number | undefined {
    const generation = service.current;
    const endpoint = generation?.spec.endpoints.find((entry) => entry.name === endpointName);
    if (service.suspended || !generation || !endpoint) return undefined;
    const containerName = generation.ports.get(endpoint.port);
    const ready = generation.instances
      .map((instance) => instance.containers.find((container) => container.launch.name === containerName))
      .filter((container): container is Container => container !== undefined && container.state === 'READY' && container.running);
    if (ready.length === 0) return undefined;
    return ready[service.roundRobin++ % ready.length]!.launch.listenPort;
  }

  /** Rows of the instances that exist; an instance still waiting for its node has none (SHOW shows NULLs). */
  function containerRows(generation: Generation | undefined, retiring = false): ContainerStatus[] {
    if (!generation) return [];
    const started = generation.error ? generation.instances : generation.instances.filter((instance) => instance.containers.length > 0);
    return started.flatMap((instance) =>
      generation.spec.containers.map((spec: ContainerSpec) => {
        const container = instance.containers.find((entry) => entry.launch.name === spec.name);
        const image = generation.images.get(spec.name)!;
        const state = container?.state ?? (generation.error ? 'FAILED' : 'PENDING');
        return {
          instanceId: instance.id,
          containerName: spec.name,
          instanceStatus: retiring || state === 'DONE' ? 'TERMINATING' : state,
          status: state,
          message: container?.message ?? generation.error ?? 'Waiting to start',
          imageName: spec.image,
          imageDigest: image.digest,
          restartCount: container?.restartCount ?? 0,
          ...(container?.startTime ? { startTime: container.startTime } : {}),
          ...(container?.lastExitCode !== undefined ? { lastExitCode: container.lastExitCode } : {}),
        } satisfies ContainerStatus;
      }),
    );
  }

  function generationStatus(generation: Generation): ServiceStatus {
    if (generation.error) return 'FAILED';
    const containers = generation.instances.flatMap((instance) => instance.containers);
    if (containers.some((container) => container.state === 'FAILED')) return 'FAILED';
    const expected = generation.instances.length * generation.spec.containers.length;
    if (containers.length === expected && containers.every((container) => container.state === 'READY')) return 'RUNNING';
    return 'PENDING';
  }

  function statusOf(service: Service): ServiceStatus {
    if (service.suspended) return 'SUSPENDED';
    promoteIfReady(service);
    const generation = service.next ?? service.current;
    return generation ? generationStatus(generation) : 'PENDING';
  }

  const runtime: LocalServiceRuntime = {
    async create(definition) {
      await start(definition, { suspended: false });
      await save();
    },

    async configure(definition) {
      const service = find(definition);
      const resized = service.definition.minInstances !== definition.minInstances;
      service.definition = { ...service.definition, minInstances: definition.minInstances, maxInstances: definition.maxInstances, queryWarehouse: definition.queryWarehouse };
      await save();
      // A new instance count rolls out like an upgrade (same spec, new generation).
      if (!resized || service.suspended) return;
      if (service.next) await stopGeneration(service.next);
      service.next = await startGeneration(service);
    },

    async alter(definition) {
      const service = find(definition);
      const checked = validate(definition);
      Object.assign(service, checked, { definition });
      await save();
      if (service.suspended) return;
      if (service.next) await stopGeneration(service.next);
      service.next = await startGeneration(service);
    },

    async suspend(key) {
      const service = find(key);
      if (service.suspended) return;
      service.suspended = true;
      service.suspendedOn = new Date().toISOString();
      const [current, next] = [service.current, service.next];
      service.current = service.next = undefined;
      await save();
      await Promise.all([stopGeneration(current), stopGeneration(next)]);
    },

    async resume(key) {
      const service = find(key);
      if (!service.suspended) return;
      service.suspended = false;
      service.resumedOn = new Date().toISOString();
      await save();
      await syncListeners(service);
      service.current = await startGeneration(service);
    },

    async drop(key) {
      const service = services.get(id(key));
      if (!service) return;
      await stopService(service);
      await save();
    },

    status(key) {
      const service = find(key);
      const status = statusOf(service);
      const upgrading = !service.suspended && (service.next !== undefined || service.retiring !== undefined);
      // During an upgrade both versions run: the new one's rows first, then the old one's.
      const containers = service.suspended
        ? []
        : service.next
          ? [...containerRows(service.next), ...containerRows(service.current)]
          : [...containerRows(service.current), ...containerRows(service.retiring, true)];
      return {
        status,
        containers,
        specDigest: specDigest(service.definition.specification),
        upgrading,
        ...(service.suspended && service.suspendedOn ? { suspendedOn: service.suspendedOn } : {}),
        ...(service.resumedOn ? { resumedOn: service.resumedOn } : {}),
      };
    },

    endpoints(key) {
      const service = find(key);
      noteRunning(service);
      const provisioned = service.runningSince !== undefined && Date.now() - service.runningSince >= provisioningMs;
      return service.spec.endpoints.map((endpoint: EndpointSpec): EndpointInfo => {
        const listener = service.listeners.get(endpoint.name);
        return {
          name: endpoint.name,
          port: endpoint.port,
          protocol: endpoint.protocol,
          isPublic: endpoint.public,
          ingressUrl: endpoint.public ? (listener && provisioned ? listener.host : PROVISIONING_TEXT) : '',
        };
      });
    },

    logs(key, instanceId, containerName, lines) {
      const service = find(key);
      const generation = service.next ?? service.current;
      const instance = generation?.instances.find((entry) => entry.id === instanceId);
      const container = instance?.containers.find((entry) => entry.launch.name === containerName);
      const instances = Math.max(1, service.definition.minInstances || 1);
      if (!/^\d+$/.test(instanceId) || Number(instanceId) >= instances || !service.spec.containers.some((spec) => spec.name === containerName)) {
        throw new SqlError('395019', '22023', `Container '${containerName}' in instance '${instanceId}' of service '${id(key)}' does not exist.`);
      }
      return container ? container.logs.tail(lines) : '';
    },

    async waitForReady(keys, timeoutSeconds) {
      const deadline = Date.now() + timeoutSeconds * 1000;
      for (;;) {
        let pending: string | undefined;
        for (const key of keys) {
          const service = find(key);
          const status = statusOf(service);
          if (status === 'FAILED') {
            const failed = containerRows(service.next ?? service.current).find((row) => row.status === 'FAILED');
            throw new SqlError(WAIT_FAILED, '57014', `Service ${id(key)} failed: ${failed?.message ?? 'a container failed'}.`);
          }
          if (status !== 'RUNNING') pending = id(key);
        }
        if (pending === undefined) return;
        if (Date.now() >= deadline) throw new SqlError(WAIT_TIMEOUT, '57014', `Timed out after ${timeoutSeconds} seconds waiting for service ${pending} to be ready.`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(100, Math.max(1, deadline - Date.now()))));
      }
    },

    async close() {
      clearInterval(watcher);
      process.removeListener('exit', killAll);
      // Stop everything but keep services.json: restore() brings them back on the next start.
      await Promise.all([...services.values()].map((service) => stopService(service)));
    },

    async restore() {
      const failures: Array<{ service: string; error: string }> = [];
      if (!existsSync(savedFile)) return failures;
      const saved = JSON.parse(await readFile(savedFile, 'utf8')) as SavedService[];
      for (const entry of saved) {
        try {
          await start(entry.definition, entry, entry.ingressPorts ?? {});
        } catch (error) {
          failures.push({ service: id(entry.definition), error: (error as Error).message });
        }
      }
      return failures;
    },
  };
  return runtime;
}

/**
 * Which container serves each spec port. A container listens on one port (its PORT): the readiness
 * probe's, else the first endpoint's it declares (ExposedPorts), else the only container's.
 */
function assignPorts(spec: ServiceSpec, images: Map<string, ResolvedImage>): Map<number, string> {
  const ports = new Map<number, string>();
  const declared = (container: ContainerSpec, port: number): boolean =>
    container.readinessProbe?.port === port || Object.keys(images.get(container.name)?.config.config?.ExposedPorts ?? {}).some((entry) => Number(entry.split('/')[0]) === port);
  for (const container of spec.containers) {
    if (container.readinessProbe) ports.set(container.readinessProbe.port, container.name);
  }
  for (const endpoint of spec.endpoints) {
    if (ports.has(endpoint.port)) continue;
    const owner = spec.containers.find((container) => declared(container, endpoint.port)) ?? (spec.containers.length === 1 ? spec.containers[0] : undefined);
    if (!owner) {
      throw new SqlError('395018', '22023', `Invalid spec: endpoint ${endpoint.name} port ${endpoint.port} does not match a port of any container (readinessProbe.port or the image's exposed ports).`);
    }
    ports.set(endpoint.port, owner.name);
  }
  const perContainer = new Map<string, number>();
  for (const [port, container] of ports) {
    const other = perContainer.get(container);
    if (other !== undefined && other !== port) {
      throw new SqlError('395018', '22023', `Invalid spec: container ${container} would listen on ports ${other} and ${port}; papi local gives each container one port (its PORT).`);
    }
    perContainer.set(container, port);
  }
  return ports;
}

/** SHOW SERVICES spec_digest: an identifier of the specification's content (papi local: its SHA-256). */
function specDigest(specification: string): string {
  return createHash('sha256').update(specification).digest('hex');
}

/** A free loopback port: bound once by us, then handed to the container. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
