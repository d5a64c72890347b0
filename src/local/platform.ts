// Contracts between papi local's parts, so each can be built and tested on its own:
//   engine (src/local/engine/)   runs SQL and owns the catalog (objects, roles, grants);
//   server (src/local/server/)   speaks the driver's HTTP protocol, owns sessions and tokens;
//   image registry, SPCS runner, ingress (src/local/image-registry|spcs|ingress/) run images as processes.
// src/local/index.ts (startLocal) wires them together.

/**
 * What CURRENT_REGION() answers on papi local. No Snowflake region is called that (they read
 * AWS_US_WEST_2, AZURE_WESTEUROPE, …), so a client connected by URL alone can tell it talks to papi
 * local, and then run the service bundle without a linux/amd64 base image, as the embedded default does.
 */
export const LOCAL_REGION = 'LOCAL';

/** A service's identity as stored in the catalog (names in stored case, e.g. API.DATA.API). */
export interface ServiceKey {
  database: string;
  schema: string;
  name: string;
}

/** What CREATE SERVICE / ALTER SERVICE … FROM SPECIFICATION hands to the runtime. */
export interface ServiceDefinition extends ServiceKey {
  computePool: string;
  /** The specification text exactly as given between $$ … $$ (YAML or JSON). */
  specification: string;
  ownerRole: string;
  /** The service user's login name: the runtime writes a token for it into the container. */
  owner: string;
  queryWarehouse?: string;
  minInstances: number;
  maxInstances: number;
}

/** SHOW SERVICES `status`. */
export type ServiceStatus =
  | 'PENDING'
  | 'RUNNING'
  | 'FAILED'
  | 'DONE'
  | 'SUSPENDING'
  | 'SUSPENDED'
  | 'DELETING'
  | 'DELETED'
  | 'INTERNAL_ERROR';

/** One row of SHOW SERVICE CONTAINERS IN SERVICE. */
export interface ContainerStatus {
  instanceId: string;
  containerName: string;
  /** PENDING, READY, FAILED, TERMINATING, SUCCEEDED */
  instanceStatus: string;
  /** PENDING, READY, FAILED, DONE, … */
  status: string;
  message: string;
  imageName: string;
  imageDigest: string;
  restartCount: number;
  startTime?: string;
  lastExitCode?: number;
}

/** One row of SHOW ENDPOINTS IN SERVICE. */
export interface EndpointInfo {
  name: string;
  port: number;
  protocol: string;
  isPublic: boolean;
  /** `127.0.0.1:PORT` once the ingress listens (plain HTTP on loopback), else Snowflake's provisioning text. */
  ingressUrl: string;
}

/** What the engine calls when service DDL and the SYSTEM$ service functions run. */
export interface ServiceRuntime {
  /** Validates the spec and the image (throws SqlError like Snowflake), starts the service, returns without waiting. */
  create(definition: ServiceDefinition): Promise<void>;
  /** New specification: replaces the running containers (rolling restart). */
  alter(definition: ServiceDefinition): Promise<void>;
  suspend(key: ServiceKey): Promise<void>;
  resume(key: ServiceKey): Promise<void>;
  drop(key: ServiceKey): Promise<void>;
  /**
   * The service's status and the containers of its running instances (none while it waits for a
   * node: SHOW then answers NULLs), both versions' during an upgrade; spec_digest and is_upgrading.
   */
  status(key: ServiceKey): {
    status: ServiceStatus;
    containers: ContainerStatus[];
    specDigest?: string;
    upgrading?: boolean;
    /** While SUSPENDED: when it was suspended (ISO). */
    suspendedOn?: string;
    /** When it was last resumed (ISO), if ever. */
    resumedOn?: string;
  };
  /** ALTER SERVICE … SET MIN_INSTANCES/MAX_INSTANCES/QUERY_WAREHOUSE: a new count rolls out like an upgrade. */
  configure(definition: ServiceDefinition): Promise<void>;
  endpoints(key: ServiceKey): EndpointInfo[];
  /** SYSTEM$GET_SERVICE_LOGS: the container's last `lines` lines of stdout and stderr. */
  logs(key: ServiceKey, instanceId: string, container: string, lines?: number): string;
  /** SYSTEM$WAIT_FOR_SERVICES: resolves when all are READY, throws SqlError on FAILED or timeout. */
  waitForReady(keys: ServiceKey[], timeoutSeconds: number): Promise<void>;
  close(): Promise<void>;
}

/** Claims of an OAuth access token papi local issued (for ingress and for a service's token file). */
export interface OAuthClaims {
  /** Stored user name. */
  user: string;
  role: string;
  /** The ingress host the token was requested for (`scope=… <host>`), if any. */
  audience?: string;
}

/** Tokens are issued and checked in one place (the server); the runner and ingress use this. */
export interface TokenAuthority {
  issueOAuthToken(claims: OAuthClaims, ttlSeconds: number): string;
  /**
   * An OAuth token this authority issued, or else a programmatic access token from the catalog
   * (claims without audience: a PAT is good for every endpoint its role may use). undefined when the
   * token is malformed, forged, expired or removed.
   */
  verifyOAuthToken(token: string): OAuthClaims | undefined;
  /** A SQL API session token (the registry's `0sessiontoken` login): its user and role, or undefined. */
  verifySessionToken(token: string): { user: string; role: string } | undefined;
}

/** What a programmatic access token (ALTER USER … ADD PAT) stands for. */
export interface ProgrammaticAccessTokenClaims {
  /** Stored user name. */
  user: string;
  /** The role it acts as: its ROLE_RESTRICTION, else the user's default role (PUBLIC when that is not granted). */
  role: string;
  /** True when the role is the token's ROLE_RESTRICTION: a session may not use another role. */
  restricted: boolean;
}

/** One image of an image repository (SHOW IMAGES IN IMAGE REPOSITORY); the registry implements the list. */
export interface ImageInfo {
  imageName: string;
  tags: string[];
  /** sha256:… of the manifest. */
  digest: string;
  /** ISO time of the first push. */
  createdOn: string;
}

export interface ImageDirectory {
  listImages(repository: ServiceKey): ImageInfo[];
}

/** What the registry and ingress ask the catalog (the engine implements it). */
export interface AccountDirectory {
  /** The account name (e.g. PAPI), as in CURRENT_ACCOUNT(). */
  account(): string;
  /** Does this user, through any role granted to it, hold `privilege` on the image repository? */
  canUseImageRepository(user: string, repository: ServiceKey, privilege: 'READ' | 'WRITE'): boolean;
  /** May `role` call the service's endpoints (it owns the service or holds svc!ALL_ENDPOINTS_USAGE)? */
  canUseServiceEndpoints(role: string, service: ServiceKey): boolean;
  /** Does a call to the suspended service's endpoint resume it (its AUTO_RESUME is on, its compute pool is not suspended)? */
  serviceResumesOnCall(service: ServiceKey): boolean;
  userHasRole(user: string, role: string): boolean;
  /** A programmatic access token's secret → its user and role; undefined when unknown, removed, expired or refused. */
  verifyProgrammaticAccessToken(secret: string): ProgrammaticAccessTokenClaims | undefined;
}

/** One PUT or GET's access to a stage: its folder under the data directory's stages/, a path inside it. */
export interface StageAccess {
  folder: string;
  /** '/'-separated, normalised ('' for the stage's root, 'dir/' for a folder). */
  path: string;
  write: boolean;
}

/** How the driver moves PUT/GET files: the `stageInfo` of the engine's file-transfer answer. */
export interface StageTransport {
  stageInfo(access: StageAccess): Record<string, unknown>;
}
