// SHOW and DESCRIBE: the row shapes Snowflake returns (column names and order), filtered by what the
// current role can see.
import { booleanColumn, fixedColumn, isoToEpoch, textColumn, timestampColumn } from '../formats/encode.js';
import { doesNotExist, insufficientPrivileges, StatementType, unsupported } from '../formats/messages.js';
import { ACCOUNT_OBJECT_ID, type CatalogState, type SchemaEntry, type ServiceEntry } from '../model/catalog.js';
import type { Exec } from '../model/core.js';
import { display, lastPart } from '../model/name-resolution.js';
import { argumentsText, findProcedure, procedureSecurable, signatureType } from '../model/procedures.js';
import { findSecurable } from '../model/securables.js';
import { findService, serviceState } from '../model/service-objects.js';
import { findTable, tableSecurable } from '../model/tables.js';
import { taskSecurable } from '../model/tasks.js';
import { publicKeyFingerprint, tokenOwner, tokenStatus } from '../model/user-credentials.js';
import type * as ast from '../sql/ast.js';
import type { Column, StatementResult } from '../types.js';

type Kind = 't' | 'n' | 'b' | 'ts';
type Cell = string | number | boolean | null | undefined;

function result(spec: Array<[string, Kind]>, rows: Cell[][], statementTypeId: number = StatementType.show): StatementResult {
  const columns: Column[] = spec.map(([name, kind]) =>
    kind === 'n' ? fixedColumn(name) : kind === 'b' ? booleanColumn(name) : kind === 'ts' ? timestampColumn(name) : textColumn(name),
  );
  const encoded = rows.map((row) =>
    row.map((cell, i) => {
      if (cell === null || cell === undefined) return null;
      const kind = spec[i]![1];
      if (kind === 'b') return cell ? '1' : '0';
      if (kind === 'ts') return isoToEpoch(String(cell));
      return String(cell);
    }),
  );
  return { kind: 'rows', columns, rows: encoded, statementTypeId };
}

function likeRegex(pattern: string): RegExp {
  const body = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${body}$`, 'is');
}

function filterNames<T extends { name: string }>(items: T[], stmt: ast.ShowStatement): T[] {
  let out = items;
  if (stmt.like !== undefined) {
    const regex = likeRegex(stmt.like);
    out = out.filter((i) => regex.test(i.name));
  }
  if (stmt.startsWith !== undefined) out = out.filter((i) => i.name.startsWith(stmt.startsWith!));
  out = [...out].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (stmt.limit) out = out.slice(0, stmt.limit.rows);
  return out;
}

/** Schemas a SHOW … [IN …] covers, as [database, schema] pairs the role can see. */
function schemasInScope(ex: Exec, stmt: ast.ShowStatement): Array<{ database: string; schema: SchemaEntry }> {
  const { scope, session } = ex;
  const state = ex.core.state;
  const inClause = stmt.in;
  const all = (dbNames: string[]) =>
    dbNames.flatMap((d) => {
      const db = scope.database(d);
      if (!db) return [];
      return Object.keys(db.schemas).flatMap((s) => {
        const schema = scope.schema({ database: d, schema: s });
        return schema ? [{ database: d, schema }] : [];
      });
    });
  if (inClause?.objectType === 'ACCOUNT') return all(Object.keys(state.databases));
  if (inClause?.objectType === 'DATABASE' || (inClause && !inClause.objectType && inClause.name?.parts.length === 1)) {
    const name = inClause.name ? lastPart(inClause.name) : session.database;
    if (!name) return [];
    scope.requireDatabase(name);
    return all([name]);
  }
  if (inClause?.objectType === 'SCHEMA' || (inClause && !inClause.objectType && inClause.name)) {
    const path = inClause.name ? scope.qualifySchema(inClause.name, 'SHOW') : { database: session.database ?? '', schema: session.schema ?? '' };
    return [{ database: path.database, schema: scope.requireSchema(path) }];
  }
  if (session.database && session.schema) {
    const schema = scope.schema({ database: session.database, schema: session.schema });
    return schema ? [{ database: session.database, schema }] : [];
  }
  if (session.database) return all([session.database]);
  return all(Object.keys(state.databases));
}

function roleType(state: CatalogState, role: string): string | null {
  return state.roles[role] ? 'ROLE' : null;
}

export async function show(ex: Exec, stmt: ast.ShowStatement): Promise<StatementResult> {
  const { scope, session } = ex;
  const state = ex.core.state;
  const access = scope.access;
  switch (stmt.what) {
    case 'DATABASES': {
      const dbs = filterNames(Object.values(state.databases).filter((d) => scope.database(d.name)), stmt);
      return result(
        [['created_on', 'ts'], ['name', 't'], ['is_default', 't'], ['is_current', 't'], ['origin', 't'], ['owner', 't'], ['comment', 't'], ['options', 't'], ['retention_time', 't'], ['kind', 't'], ['owner_role_type', 't']],
        dbs.map((d) => [d.createdOn, d.name, 'N', session.database === d.name ? 'Y' : 'N', d.origin ?? '', d.owner, d.comment ?? '', d.transient ? 'TRANSIENT' : '', '1', d.origin ? 'IMPORTED DATABASE' : 'STANDARD', roleType(state, d.owner)]),
      );
    }
    case 'SCHEMAS': {
      const inDb = stmt.in?.name ? lastPart(stmt.in.name) : session.database;
      const dbNames = stmt.in?.objectType === 'ACCOUNT' || !inDb ? Object.keys(state.databases) : [inDb];
      if (inDb && stmt.in?.objectType !== 'ACCOUNT') scope.requireDatabase(inDb);
      const rows = dbNames.flatMap((d) => {
        const db = scope.database(d);
        if (!db) return [];
        const schemas = Object.values(db.schemas)
          .filter((s) => scope.schema({ database: d, schema: s.name }))
          .map((s) => ({ name: s.name, database: d, s }));
        // Every database has its INFORMATION_SCHEMA (see model/information-schema.ts).
        const info = { id: 0, name: 'INFORMATION_SCHEMA', owner: '', createdOn: db.createdOn, comment: 'Views describing the contents of schemas in this database' };
        return [...schemas, { name: info.name, database: d, s: { ...info, managedAccess: false } }];
      });
      return result(
        [['created_on', 'ts'], ['name', 't'], ['is_default', 't'], ['is_current', 't'], ['database_name', 't'], ['owner', 't'], ['comment', 't'], ['options', 't'], ['retention_time', 't'], ['owner_role_type', 't']],
        filterNames(rows, stmt).map(({ s, database }) => [s.createdOn, s.name, 'N', session.database === database && session.schema === s.name ? 'Y' : 'N', database, s.owner, s.comment ?? '', s.managedAccess ? 'MANAGED ACCESS' : '', '1', roleType(state, s.owner)]),
      );
    }
    case 'TABLES':
    case 'HYBRID TABLES':
    case 'VIEWS': {
      const hybridOnly = stmt.what === 'HYBRID TABLES';
      const views = stmt.what === 'VIEWS';
      const items = schemasInScope(ex, stmt).flatMap(({ database, schema }) =>
        Object.values(schema.tables)
          .filter((t) => (views ? t.kind === 'VIEW' : t.kind !== 'VIEW') && (!hybridOnly || t.kind === 'HYBRID') && access.sees(tableSecurable(t)))
          .map((t) => ({ name: t.name, t, database, schema: schema.name })),
      );
      const listed = filterNames(items, stmt);
      if (views)
        return result(
          [['created_on', 'ts'], ['name', 't'], ['reserved', 't'], ['database_name', 't'], ['schema_name', 't'], ['owner', 't'], ['comment', 't'], ['text', 't'], ['is_secure', 't'], ['is_materialized', 't'], ['owner_role_type', 't'], ['change_tracking', 't']],
          listed.map(({ t, database, schema }) => [t.createdOn, t.name, '', database, schema, t.owner, t.comment ?? '', t.viewText ?? '', 'false', 'false', roleType(state, t.owner), 'OFF']),
        );
      const counts = await Promise.all(listed.map(({ t }) => rowCount(ex, t.storage)));
      if (hybridOnly)
        return result(
          [['created_on', 'ts'], ['name', 't'], ['database_name', 't'], ['schema_name', 't'], ['owner', 't'], ['rows', 'n'], ['bytes', 'n'], ['comment', 't'], ['owner_role_type', 't']],
          listed.map(({ t, database, schema }, i) => [t.createdOn, t.name, database, schema, t.owner, counts[i], 0, t.comment ?? '', roleType(state, t.owner)]),
        );
      return result(
        [['created_on', 'ts'], ['name', 't'], ['database_name', 't'], ['schema_name', 't'], ['kind', 't'], ['comment', 't'], ['cluster_by', 't'], ['rows', 'n'], ['bytes', 'n'], ['owner', 't'], ['retention_time', 't'], ['automatic_clustering', 't'], ['change_tracking', 't'], ['is_external', 't'], ['enable_schema_evolution', 't'], ['owner_role_type', 't'], ['is_event', 't'], ['is_hybrid', 't'], ['is_iceberg', 't'], ['is_dynamic', 't']],
        listed.map(({ t, database, schema }, i) => [t.createdOn, t.name, database, schema, t.kind === 'TRANSIENT' ? 'TRANSIENT' : 'TABLE', t.comment ?? '', '', counts[i], 0, t.owner, t.kind === 'TRANSIENT' ? '0' : '1', 'OFF', 'OFF', 'N', 'N', roleType(state, t.owner), 'N', t.kind === 'HYBRID' ? 'Y' : 'N', 'N', 'N']),
      );
    }
    case 'COLUMNS': {
      const inTable = stmt.in?.name && (stmt.in.objectType === 'TABLE' || stmt.in.objectType === 'VIEW') ? findTable(ex, stmt.in.name, 'SHOW COLUMNS') : undefined;
      const items = inTable
        ? [{ database: inTable.path.database, schemaName: inTable.path.schema, table: inTable.table }]
        : schemasInScope(ex, stmt).flatMap(({ database, schema }) => Object.values(schema.tables).filter((t) => access.sees(tableSecurable(t))).map((table) => ({ database, schemaName: schema.name, table })));
      const rows = items.flatMap(({ database, schemaName, table }) => table.columns.map((c) => ({ name: c.name, c, table, database, schemaName })));
      return result(
        [['table_name', 't'], ['schema_name', 't'], ['column_name', 't'], ['data_type', 't'], ['null?', 't'], ['default', 't'], ['kind', 't'], ['expression', 't'], ['comment', 't'], ['database_name', 't'], ['autoincrement', 't']],
        filterNames(rows, { ...stmt, limit: undefined }).map(({ c, table, database, schemaName }) => [table.name, schemaName, c.name, JSON.stringify(dataTypeJson(c.type, c.nullable)), c.nullable ? 'true' : 'false', '', 'COLUMN', '', '', database, '']),
      );
    }
    case 'STAGES': {
      const items = schemasInScope(ex, stmt).flatMap(({ database, schema }) =>
        Object.values(schema.stages).filter((s) => access.sees({ objectType: 'STAGE', id: s.id, owner: s.owner })).map((s) => ({ name: s.name, s, database, schema: schema.name })),
      );
      return result(
        [['created_on', 'ts'], ['name', 't'], ['database_name', 't'], ['schema_name', 't'], ['url', 't'], ['has_credentials', 't'], ['has_encryption_key', 't'], ['owner', 't'], ['comment', 't'], ['region', 't'], ['type', 't'], ['cloud', 't'], ['notification_channel', 't'], ['storage_integration', 't'], ['endpoint', 't'], ['owner_role_type', 't'], ['directory_enabled', 't']],
        filterNames(items, stmt).map(({ s, database, schema }) => [s.createdOn, s.name, database, schema, '', 'N', 'N', s.owner, s.comment ?? '', null, 'INTERNAL', null, null, null, null, roleType(state, s.owner), s.directoryEnabled ? 'Y' : 'N']),
      );
    }
    case 'FILE FORMATS': {
      const items = schemasInScope(ex, stmt).flatMap(({ database, schema }) =>
        Object.values(schema.fileFormats ?? {})
          .filter((f) => access.sees({ objectType: 'FILE FORMAT', id: f.id, owner: f.owner }))
          .map((f) => ({ name: f.name, f, database, schema: schema.name })),
      );
      return result(
        [['created_on', 'ts'], ['name', 't'], ['database_name', 't'], ['schema_name', 't'], ['type', 't'], ['owner', 't'], ['comment', 't'], ['format_options', 't'], ['owner_role_type', 't']],
        filterNames(items, stmt).map(({ f, database, schema }) => {
          const type = f.properties.TYPE;
          const typeName = type?.kind === 'identifier' ? type.name.parts.map((p) => p.name).join('.') : type?.kind === 'string' ? type.value.toUpperCase() : 'CSV';
          return [f.createdOn, f.name, database, schema, typeName, f.owner, f.comment ?? '', JSON.stringify(f.properties), roleType(state, f.owner)];
        }),
      );
    }
    case 'IMAGE REPOSITORIES': {
      const items = schemasInScope(ex, stmt).flatMap(({ database, schema }) =>
        Object.values(schema.imageRepositories)
          .filter((r) => access.sees({ objectType: 'IMAGE REPOSITORY', id: r.id, owner: r.owner }))
          .map((r) => ({ name: r.name, r, database, schema: schema.name })),
      );
      return result(
        [['created_on', 'ts'], ['name', 't'], ['database_name', 't'], ['schema_name', 't'], ['repository_url', 't'], ['owner', 't'], ['owner_role_type', 't'], ['comment', 't'], ['encryption', 't']],
        filterNames(items, stmt).map(({ r, database, schema }) => [r.createdOn, r.name, database, schema, `${ex.core.registryHost}/${database}/${schema}/${r.name}`.toLowerCase(), r.owner, roleType(state, r.owner), r.comment ?? '', 'SNOWFLAKE_SSE']),
      );
    }
    case 'IMAGES':
      return showImages(ex, stmt);
    case 'USER PROGRAMMATIC ACCESS TOKENS': {
      const user = tokenOwner(ex, stmt.in?.name);
      if (!user) throw doesNotExist('User', display(stmt.in?.name ? lastPart(stmt.in.name) : session.user));
      const at = Date.now();
      return result(
        [['name', 't'], ['user_name', 't'], ['role_restriction', 't'], ['expires_at', 'ts'], ['status', 't'], ['comment', 't'], ['created_on', 'ts'], ['created_by', 't'], ['mins_to_bypass_required_network_policy', 'n']],
        (user.programmaticAccessTokens ?? []).map((t) => [t.name, user.name, t.roleRestriction ?? null, t.expiresAt, tokenStatus(user, t, at), t.comment ?? null, t.createdOn, t.createdBy, t.minsToBypassNetworkPolicy]),
      );
    }
    case 'ROLES': {
      const roles = filterNames(Object.values(state.roles), stmt);
      return result(
        [['created_on', 'ts'], ['name', 't'], ['is_default', 't'], ['is_current', 't'], ['is_inherited', 't'], ['assigned_to_users', 'n'], ['granted_to_roles', 'n'], ['granted_roles', 'n'], ['owner', 't'], ['comment', 't'], ['owner_role_type', 't']],
        roles.map((r) => [
          r.createdOn, r.name,
          state.users[session.user]?.defaultRole === r.name ? 'Y' : 'N',
          session.role === r.name ? 'Y' : 'N',
          access.roles.has(r.name) && session.role !== r.name ? 'Y' : 'N',
          state.roleGrants.filter((g) => g.role === r.name && g.granteeType === 'USER').length,
          state.roleGrants.filter((g) => g.role === r.name && g.granteeType === 'ROLE').length,
          state.roleGrants.filter((g) => g.granteeType === 'ROLE' && g.grantee === r.name).length,
          r.owner, r.comment ?? '', roleType(state, r.owner),
        ]),
      );
    }
    case 'USERS': {
      const users = filterNames(Object.values(state.users), stmt);
      return result(
        [['name', 't'], ['created_on', 'ts'], ['login_name', 't'], ['display_name', 't'], ['first_name', 't'], ['last_name', 't'], ['email', 't'], ['comment', 't'], ['disabled', 't'], ['must_change_password', 't'], ['default_warehouse', 't'], ['default_namespace', 't'], ['default_role', 't'], ['owner', 't'], ['has_password', 't'], ['has_rsa_public_key', 't'], ['type', 't']],
        users.map((u) => [u.name, u.createdOn, u.loginName, u.displayName ?? u.name, u.firstName ?? null, u.lastName ?? null, u.email ?? null, u.comment ?? null, String(u.disabled), String(u.mustChangePassword ?? false), u.defaultWarehouse ?? null, u.defaultNamespace ?? null, u.defaultRole ?? null, u.owner, String(!!u.passwordHash), String(!!(u.rsaPublicKey || u.rsaPublicKey2)), u.type]),
      );
    }
    case 'WAREHOUSES': {
      const whs = filterNames(Object.values(state.warehouses).filter((w) => access.sees({ objectType: 'WAREHOUSE', id: w.id, owner: w.owner })), stmt);
      return result(
        [['name', 't'], ['state', 't'], ['type', 't'], ['size', 't'], ['min_cluster_count', 'n'], ['max_cluster_count', 'n'], ['started_clusters', 'n'], ['running', 'n'], ['queued', 'n'], ['is_default', 't'], ['is_current', 't'], ['auto_suspend', 'n'], ['auto_resume', 't'], ['available', 't'], ['provisioning', 't'], ['quiescing', 't'], ['other', 't'], ['created_on', 'ts'], ['resumed_on', 'ts'], ['updated_on', 'ts'], ['owner', 't'], ['comment', 't'], ['resource_monitor', 't'], ['owner_role_type', 't']],
        whs.map((w) => [w.name, w.state, w.type, w.size, 1, 1, w.state === 'STARTED' ? 1 : 0, 0, 0, 'N', session.warehouse === w.name ? 'Y' : 'N', w.autoSuspend, String(w.autoResume), w.state === 'STARTED' ? '100' : '', '', '', '', w.createdOn, w.createdOn, w.createdOn, w.owner, w.comment ?? '', 'null', roleType(state, w.owner)]),
      );
    }
    case 'INTEGRATIONS':
    case 'SECURITY INTEGRATIONS': {
      const integrations = filterNames(Object.values(state.integrations).filter((i) => access.sees({ objectType: 'INTEGRATION', id: i.id, owner: i.owner })), stmt);
      return result(
        [['name', 't'], ['type', 't'], ['category', 't'], ['enabled', 't'], ['comment', 't'], ['created_on', 'ts']],
        integrations.map((i) => [i.name, i.type, i.category, String(i.enabled), i.comment ?? null, i.createdOn]),
      );
    }
    case 'COMPUTE POOLS': {
      const pools = filterNames(Object.values(state.computePools).filter((p) => access.sees({ objectType: 'COMPUTE POOL', id: p.id, owner: p.owner })), stmt);
      const servicesIn = (pool: string) =>
        Object.values(state.databases).reduce((n, db) => n + Object.values(db.schemas).reduce((m, s) => m + Object.values(s.services).filter((x) => x.computePool === pool).length, 0), 0);
      return result(
        [['name', 't'], ['state', 't'], ['min_nodes', 'n'], ['max_nodes', 'n'], ['instance_family', 't'], ['num_services', 'n'], ['num_jobs', 'n'], ['auto_suspend_secs', 'n'], ['auto_resume', 't'], ['active_nodes', 'n'], ['idle_nodes', 'n'], ['target_nodes', 'n'], ['created_on', 'ts'], ['resumed_on', 'ts'], ['updated_on', 'ts'], ['owner', 't'], ['comment', 't'], ['is_exclusive', 't'], ['application', 't']],
        pools.map((p) => {
          const n = servicesIn(p.name);
          const nodes = p.state === 'SUSPENDED' ? 0 : p.minNodes;
          return [p.name, p.state, p.minNodes, p.maxNodes, p.instanceFamily, n, 0, p.autoSuspendSecs, String(p.autoResume), n > 0 ? nodes : 0, n > 0 ? 0 : nodes, nodes, p.createdOn, p.createdOn, p.createdOn, p.owner, p.comment ?? null, 'false', null];
        }),
      );
    }
    case 'PROCEDURES':
    case 'USER PROCEDURES': {
      // https://docs.snowflake.com/en/sql-reference/sql/show-procedures: the user's procedures (papi local
      // has no built-in ones to list), one row per overload.
      const items = schemasInScope(ex, stmt).flatMap(({ database, schema }) =>
        Object.values(schema.procedures ?? {})
          .filter((p) => access.sees(procedureSecurable(p)))
          .map((p) => ({ name: p.name, p, database, schema: schema.name })),
      );
      return result(
        [
          ['created_on', 'ts'],
          ['name', 't'],
          ['schema_name', 't'],
          ['is_builtin', 't'],
          ['is_aggregate', 't'],
          ['is_ansi', 't'],
          ['min_num_arguments', 'n'],
          ['max_num_arguments', 'n'],
          ['arguments', 't'],
          ['description', 't'],
          ['catalog_name', 't'],
          ['is_table_function', 't'],
          ['valid_for_clustering', 't'],
          ['is_secure', 't'],
          ['secrets', 't'],
          ['external_access_integrations', 't'],
        ],
        filterNames(items, stmt).map(({ p, database, schema }) => [
          p.createdOn,
          p.name,
          schema,
          'N',
          'N',
          'N',
          p.args.length,
          p.args.length,
          argumentsText(p),
          p.comment ?? 'user-defined procedure',
          database,
          'N',
          'N',
          'N',
          null,
          null,
        ]),
      );
    }
    case 'TASKS': {
      // https://docs.snowflake.com/en/sql-reference/sql/show-tasks: the columns in the documented order.
      const items = schemasInScope(ex, stmt).flatMap(({ database, schema }) =>
        Object.values(schema.tasks ?? {})
          .filter((t) => access.sees(taskSecurable(t)))
          .map((t) => ({ name: t.name, t, database, schema: schema.name })),
      );
      return result(
        [
          ['created_on', 'ts'],
          ['name', 't'],
          ['id', 't'],
          ['database_name', 't'],
          ['schema_name', 't'],
          ['owner', 't'],
          ['comment', 't'],
          ['warehouse', 't'],
          ['schedule', 't'],
          ['predecessors', 't'],
          ['state', 't'],
          ['definition', 't'],
          ['condition', 't'],
          ['allow_overlapping_execution', 't'],
          ['error_integration', 't'],
          ['last_committed_on', 'ts'],
          ['last_suspended_on', 'ts'],
          ['owner_role_type', 't'],
          ['config', 't'],
          ['budget', 't'],
        ],
        filterNames(items, stmt).map(({ t, database, schema }) => [
          t.createdOn,
          t.name,
          String(t.id),
          database,
          schema,
          t.owner,
          t.comment ?? null,
          t.warehouse,
          t.schedule,
          '[]',
          t.state,
          t.definition,
          null,
          'false',
          null,
          t.lastCommittedOn,
          t.lastSuspendedOn ?? null,
          roleType(state, t.owner),
          null,
          null,
        ]),
      );
    }
    case 'SERVICES': {
      const items = schemasInScope(ex, stmt).flatMap(({ database, schema }) =>
        Object.values(schema.services).filter((s) => access.sees({ objectType: 'SERVICE', id: s.id, owner: s.owner })).map((s) => ({ name: s.name, s, database, schema: schema.name })),
      );
      return serviceRows(ex, filterNames(items, stmt), false);
    }
    case 'SERVICE CONTAINERS':
    case 'SERVICE INSTANCES': {
      if (!stmt.in?.name) throw unsupported(`SHOW ${stmt.what} without IN SERVICE`);
      const { path, service } = findService(ex, stmt.in.name);
      const status = serviceState(ex, path, service);
      const serviceStatus = status.status;
      if (stmt.what === 'SERVICE INSTANCES') {
        const instances = [...new Set(status.containers.map((c) => c.instanceId))];
        return result(
          [['database_name', 't'], ['schema_name', 't'], ['service_name', 't'], ['service_status', 't'], ['instance_id', 't'], ['status', 't'], ['spec_digest', 't'], ['creation_time', 't'], ['start_time', 't']],
          instances.map((id) => {
            const c = status.containers.find((x) => x.instanceId === id)!;
            return [path.database, path.schema, path.name, serviceStatus, id, c.instanceStatus, status.specDigest ?? '', c.startTime ?? '', c.startTime ?? ''];
          }),
        );
      }
      // Documented: with no instance running (PENDING or SUSPENDED), one row whose instance and container fields are NULL.
      const rows: Cell[][] = status.containers.map((c) => [path.database, path.schema, path.name, serviceStatus, c.instanceId, c.instanceStatus, c.containerName, c.status, c.message, c.imageName, c.imageDigest, c.restartCount, c.startTime ?? '', c.lastExitCode ?? null]);
      if (rows.length === 0) rows.push([path.database, path.schema, path.name, serviceStatus, null, null, null, null, null, null, null, null, null, null]);
      return result(
        [['database_name', 't'], ['schema_name', 't'], ['service_name', 't'], ['service_status', 't'], ['instance_id', 't'], ['instance_status', 't'], ['container_name', 't'], ['status', 't'], ['message', 't'], ['image_name', 't'], ['image_digest', 't'], ['restart_count', 'n'], ['start_time', 't'], ['last_exit_code', 'n']],
        rows,
      );
    }
    case 'ENDPOINTS': {
      if (!stmt.in?.name) throw unsupported('SHOW ENDPOINTS without IN SERVICE');
      const { path } = findService(ex, stmt.in.name);
      const endpoints = ex.core.services?.endpoints(path) ?? [];
      return result(
        [['name', 't'], ['port', 'n'], ['port_range', 't'], ['protocol', 't'], ['is_public', 't'], ['ingress_url', 't']],
        endpoints.map((e) => [e.name, e.port, '', e.protocol, String(e.isPublic), e.isPublic ? e.ingressUrl : '']),
      );
    }
    case 'GRANTS':
      return showGrants(ex, stmt);
    case 'PARAMETERS':
      return result(
        [['key', 't'], ['value', 't'], ['default', 't'], ['level', 't'], ['description', 't'], ['type', 't']],
        Object.entries(session.parameters).map(([k, v]) => [k, v, '', 'SESSION', '', 'STRING']),
      );
    default:
      throw unsupported(`SHOW ${stmt.what}`);
  }
}

/** SHOW IMAGES IN IMAGE REPOSITORY r: the registry's images, for a role with READ on the repository. */
function showImages(ex: Exec, stmt: ast.ShowStatement): StatementResult {
  if (stmt.in?.objectType !== 'IMAGE REPOSITORY' || !stmt.in.name) throw unsupported('SHOW IMAGES without IN IMAGE REPOSITORY');
  const path = ex.scope.qualify(stmt.in.name, 'SHOW IMAGES');
  const repo = ex.scope.schema(path)?.imageRepositories[path.name];
  const securable = repo && { objectType: 'IMAGE REPOSITORY' as const, id: repo.id, owner: repo.owner };
  if (!securable || !ex.scope.access.sees(securable)) throw doesNotExist('Image repository', display(path.database, path.schema, path.name));
  // WRITE includes READ, as for pulls.
  if (!ex.scope.access.has(securable, 'READ') && !ex.scope.access.has(securable, 'WRITE')) throw insufficientPrivileges('image repository', path.name);
  const prefix = `${path.database}/${path.schema}/${path.name}`.toLowerCase();
  const images = ex.core.images?.listImages({ database: path.database, schema: path.schema, name: path.name }) ?? [];
  return result(
    [['created_on', 'ts'], ['image_name', 't'], ['tags', 't'], ['digest', 't'], ['image_path', 't']],
    images.map((image) => [
      image.createdOn,
      image.imageName,
      image.tags.join(','),
      image.digest,
      // As Snowflake documents it: database/schema/repository/image:tag, no leading slash.
      image.tags.length > 0 ? `${prefix}/${image.imageName}:${image.tags[0]}` : `${prefix}/${image.imageName}@${image.digest}`,
    ]),
  );
}

function dataTypeJson(type: string, nullable: boolean): Record<string, unknown> {
  const m = /^NUMBER\((\d+),(\d+)\)$/.exec(type);
  if (m) return { type: 'FIXED', precision: Number(m[1]), scale: Number(m[2]), nullable };
  const v = /^VARCHAR\((\d+)\)$/.exec(type);
  if (v) return { type: 'TEXT', length: Number(v[1]), byteLength: Math.min(Number(v[1]) * 4, 16777216), nullable, fixed: false };
  if (type === 'FLOAT') return { type: 'REAL', nullable };
  if (type.startsWith('TIMESTAMP_NTZ')) return { type: 'TIMESTAMP_NTZ', precision: 0, scale: 9, nullable };
  return { type: type.replace(/\(.*$/, ''), nullable };
}

async function rowCount(ex: Exec, storage: string): Promise<number> {
  const r = await ex.core.storage.query(`SELECT COUNT(*) FROM "${storage}"`).catch(() => undefined);
  return r ? Number(r.rows[0]![0]) : 0;
}

function serviceRows(ex: Exec, items: Array<{ s: ServiceEntry; database: string; schema: string }>, describe: boolean): StatementResult {
  const state = ex.core.state;
  const spec: Array<[string, Kind]> = [['name', 't'], ['status', 't'], ['database_name', 't'], ['schema_name', 't'], ['owner', 't'], ['compute_pool', 't'], ['dns_name', 't'], ['current_instances', 'n'], ['target_instances', 'n'], ['min_ready_instances', 'n'], ['min_instances', 'n'], ['max_instances', 'n'], ['auto_resume', 't'], ['external_access_integrations', 't'], ['created_on', 'ts'], ['updated_on', 'ts'], ['resumed_on', 'ts'], ['suspended_on', 'ts'], ['auto_suspend_secs', 'n'], ['comment', 't'], ['owner_role_type', 't'], ['query_warehouse', 't'], ['is_job', 't'], ['is_async_job', 't'], ['spec_digest', 't'], ['is_upgrading', 't'], ['managing_object_domain', 't'], ['managing_object_name', 't']];
  if (describe) spec.splice(6, 0, ['spec', 't']);
  return result(
    spec,
    items.map(({ s, database, schema }) => {
      const key = { database, schema, name: s.name };
      const runtime = serviceState(ex, key, s);
      const status = runtime.status;
      const current = status === 'SUSPENDED' ? 0 : s.minInstances;
      const row: Cell[] = [s.name, status, database, schema, s.owner, s.computePool, `${s.name}.${schema}.${database}.snowflakecomputing.internal`.toLowerCase().replace(/_/g, '-'), current, s.minInstances, s.minInstances, s.minInstances, s.maxInstances, String(s.autoResume !== false), null, s.createdOn, s.createdOn, runtime.resumedOn ?? s.createdOn, runtime.suspendedOn ?? null, 0, s.comment ?? null, roleType(state, s.owner), s.queryWarehouse ?? null, 'false', 'false', runtime.specDigest ?? null, String(runtime.upgrading ?? false), null, null];
      if (describe) row.splice(6, 0, s.specification);
      return row;
    }),
    describe ? StatementType.describe : StatementType.show,
  );
}

function showGrants(ex: Exec, stmt: ast.ShowStatement): StatementResult {
  const state = ex.core.state;
  const grants = stmt.grants;
  const nameOf = (objectType: string, id: number): string => {
    if (objectType === 'ACCOUNT') return state.account;
    for (const db of Object.values(state.databases)) {
      if (db.id === id) return display(db.name);
      for (const s of Object.values(db.schemas)) {
        if (s.id === id) return display(db.name, s.name);
        for (const coll of [s.tables, s.stages, s.imageRepositories, s.services, s.tasks ?? {}, s.fileFormats ?? {}])
          for (const o of Object.values(coll)) if (o.id === id) return display(db.name, s.name, o.name);
        // A procedure by its signature: P.S.MYPROC(FLOAT).
        for (const [key, p] of Object.entries(s.procedures ?? {})) if (p.id === id) return `${display(db.name, s.name)}.${key}`;
      }
    }
    for (const coll of [state.warehouses, state.computePools, state.roles, state.users]) for (const o of Object.values(coll)) if (o.id === id) return display(o.name);
    return String(id);
  };
  const roleGrantSpec: Array<[string, Kind]> = [['created_on', 'ts'], ['role', 't'], ['granted_to', 't'], ['grantee_name', 't'], ['granted_by', 't']];
  const privSpec: Array<[string, Kind]> = [['created_on', 'ts'], ['privilege', 't'], ['granted_on', 't'], ['name', 't'], ['granted_to', 't'], ['grantee_name', 't'], ['grant_option', 't'], ['granted_by', 't']];
  if (grants?.kind === 'of') {
    const role = lastPart(grants.role);
    if (!state.roles[role]) throw doesNotExist('Role', display(role));
    return result(roleGrantSpec, state.roleGrants.filter((g) => g.role === role).map((g) => [g.createdOn, role, g.granteeType, g.grantee, g.grantedBy]));
  }
  if (grants?.kind === 'to' && grants.grantee.type === 'USER') {
    const user = lastPart(grants.grantee.name);
    if (!state.users[user]) throw doesNotExist('User', display(user));
    return result(roleGrantSpec, state.roleGrants.filter((g) => g.granteeType === 'USER' && g.grantee === user).map((g) => [g.createdOn, g.role, 'USER', user, g.grantedBy]));
  }
  if (grants?.kind === 'to' && grants.grantee.type === 'ROLE') {
    const role = lastPart(grants.grantee.name);
    if (!state.roles[role]) throw doesNotExist('Role', display(role));
    const rows: Cell[][] = state.grants
      .filter((g) => g.role === role)
      .map((g) => [g.createdOn, g.privilege, g.objectType.replace(' ', '_'), nameOf(g.objectType, g.objectId), 'ROLE', role, String(g.grantOption), g.grantedBy]);
    for (const g of state.roleGrants.filter((x) => x.granteeType === 'ROLE' && x.grantee === role))
      rows.push([g.createdOn, 'USAGE', 'ROLE', display(g.role), 'ROLE', role, 'false', g.grantedBy]);
    rows.push(...ownedBy(state, role, nameOf));
    return result(privSpec, rows);
  }
  if (grants?.kind === 'on') {
    const target = grants.target;
    const found = target.kind === 'account' ? { objectType: 'ACCOUNT' as const, id: ACCOUNT_OBJECT_ID, owner: 'ACCOUNTADMIN', name: state.account } : target.kind === 'object' ? findSecurable(ex, target.objectType, target.name, target.argTypes) : undefined;
    if (!found) throw unsupported('SHOW GRANTS ON ALL');
    const rows: Cell[][] = [];
    if (found.objectType !== 'ACCOUNT') rows.push([new Date().toISOString(), 'OWNERSHIP', found.objectType.replace(' ', '_'), found.name, 'ROLE', found.owner, 'true', found.owner]);
    for (const g of state.grants.filter((x) => x.objectId === found.id && x.objectType === found.objectType))
      rows.push([g.createdOn, g.privilege, g.objectType.replace(' ', '_'), found.name, 'ROLE', g.role, String(g.grantOption), g.grantedBy]);
    return result(privSpec, rows);
  }
  // SHOW GRANTS (no clause): the current user's roles.
  return result(roleGrantSpec, state.roleGrants.filter((g) => g.granteeType === 'USER' && g.grantee === ex.session.user).map((g) => [g.createdOn, g.role, 'USER', g.grantee, g.grantedBy]));
}

function ownedBy(state: CatalogState, role: string, nameOf: (t: string, id: number) => string): Cell[][] {
  const rows: Cell[][] = [];
  const add = (type: string, o: { id: number; owner: string; createdOn: string }) => {
    if (o.owner === role) rows.push([o.createdOn, 'OWNERSHIP', type, nameOf(type, o.id), 'ROLE', role, 'true', role]);
  };
  for (const db of Object.values(state.databases)) {
    add('DATABASE', db);
    for (const s of Object.values(db.schemas)) {
      add('SCHEMA', s);
      for (const t of Object.values(s.tables)) add(t.kind === 'VIEW' ? 'VIEW' : 'TABLE', t);
      for (const t of Object.values(s.stages)) add('STAGE', t);
      for (const t of Object.values(s.imageRepositories)) add('IMAGE_REPOSITORY', t);
      for (const t of Object.values(s.services)) add('SERVICE', t);
      for (const t of Object.values(s.procedures ?? {})) add('PROCEDURE', t);
    }
  }
  for (const w of Object.values(state.warehouses)) add('WAREHOUSE', w);
  for (const p of Object.values(state.computePools)) add('COMPUTE_POOL', p);
  return rows;
}

export async function describe(ex: Exec, stmt: ast.DescribeStatement): Promise<StatementResult> {
  const state = ex.core.state;
  switch (stmt.objectType) {
    case 'TABLE':
    case 'VIEW': {
      const { table } = findTable(ex, stmt.name, 'DESCRIBE', stmt.objectType === 'VIEW' ? 'View' : 'Table');
      return result(
        [['name', 't'], ['type', 't'], ['kind', 't'], ['null?', 't'], ['default', 't'], ['primary key', 't'], ['unique key', 't'], ['check', 't'], ['expression', 't'], ['comment', 't'], ['policy name', 't'], ['privacy domain', 't']],
        table.columns.map((c) => [c.name, c.type, 'COLUMN', c.nullable ? 'Y' : 'N', c.defaultSql ?? null, table.primaryKey?.includes(c.name) ? 'Y' : 'N', 'N', null, null, null, null, null]),
        StatementType.describe,
      );
    }
    case 'USER': {
      const name = lastPart(stmt.name);
      const user = state.users[name];
      if (!user || !(ex.scope.access.owns({ objectType: 'USER', id: user.id, owner: user.owner }) || ex.session.user === name || ex.scope.access.hasOnAccount('CREATE USER')))
        throw doesNotExist('User', display(name));
      const props: Array<[string, string | null]> = [
        ['NAME', user.name], ['TYPE', user.type], ['COMMENT', user.comment ?? 'null'], ['LOGIN_NAME', user.loginName], ['DISPLAY_NAME', user.displayName ?? user.name],
        ['DISABLED', String(user.disabled)], ['DEFAULT_WAREHOUSE', user.defaultWarehouse ?? 'null'], ['DEFAULT_NAMESPACE', user.defaultNamespace ?? 'null'], ['DEFAULT_ROLE', user.defaultRole ?? 'null'],
        ['HAS_PASSWORD', String(!!user.passwordHash)], ['RSA_PUBLIC_KEY', user.rsaPublicKey ?? 'null'], ['RSA_PUBLIC_KEY_FP', user.rsaPublicKey ? publicKeyFingerprint(user.rsaPublicKey) : 'null'],
        ['RSA_PUBLIC_KEY_2', user.rsaPublicKey2 ?? 'null'], ['RSA_PUBLIC_KEY_2_FP', user.rsaPublicKey2 ? publicKeyFingerprint(user.rsaPublicKey2) : 'null'],
      ];
      return result([['property', 't'], ['value', 't'], ['default', 't'], ['description', 't']], props.map(([k, v]) => [k, v, 'null', '']), StatementType.describe);
    }
    case 'PROCEDURE': {
      // https://docs.snowflake.com/en/sql-reference/sql/desc-procedure
      const { procedure: p } = findProcedure(ex, stmt.name, stmt.argTypes ?? [], 'DESCRIBE');
      const rows: Array<[string, string]> = [
        ['signature', `(${p.args.map((a) => `${a.name} ${signatureType(a.type)}`).join(', ')})`],
        ['returns', `${p.returns}${p.returnsNotNull ? ' NOT NULL' : ''}`],
        ['language', p.language],
        ['null handling', 'CALLED ON NULL INPUT'],
        ['volatility', 'VOLATILE'],
        ['execute as', p.executeAs],
        ['body', p.body],
      ];
      return result([['property', 't'], ['value', 't']], rows, StatementType.describe);
    }
    case 'SERVICE': {
      const { path, service } = findService(ex, stmt.name);
      return serviceRows(ex, [{ s: service, database: path.database, schema: path.schema }], true);
    }
    case 'DATABASE': {
      const db = ex.scope.requireDatabase(lastPart(stmt.name));
      return result(
        [['created_on', 'ts'], ['name', 't'], ['kind', 't']],
        Object.values(db.schemas).filter((s) => ex.scope.schema({ database: db.name, schema: s.name })).map((s) => [s.createdOn, s.name, 'SCHEMA']),
        StatementType.describe,
      );
    }
    case 'WAREHOUSE': {
      const found = findSecurable(ex, 'WAREHOUSE', stmt.name);
      const wh = state.warehouses[lastPart(stmt.name)]!;
      return result([['created_on', 'ts'], ['name', 't'], ['kind', 't']], [[wh.createdOn, found.name, 'WAREHOUSE']], StatementType.describe);
    }
    case 'COMPUTE POOL': {
      findSecurable(ex, 'COMPUTE POOL', stmt.name);
      return show(ex, { kind: 'show', what: 'COMPUTE POOLS', terse: false, like: lastPart(stmt.name) });
    }
    default:
      throw unsupported(`DESCRIBE ${stmt.objectType}`);
  }
}
