// Finding any securable object by type and name (GRANT … ON, SHOW GRANTS ON, GRANT OWNERSHIP).
import { doesNotExist, unsupported } from '../formats/messages.js';
import type * as ast from '../sql/ast.js';
import type { ObjectType } from './catalog.js';
import type { Exec } from './core.js';
import { display } from './name-resolution.js';
import { findProcedure } from './procedures.js';

export interface FoundSecurable {
  objectType: ObjectType;
  id: number;
  owner: string;
  /** Fully qualified display name (SHOW GRANTS `name`). */
  name: string;
  entry: { owner: string };
}

const KIND_WORD: Record<string, string> = {
  DATABASE: 'Database',
  SCHEMA: 'Schema',
  ROLE: 'Role',
  USER: 'User',
  WAREHOUSE: 'Warehouse',
  'COMPUTE POOL': 'Compute pool',
};

/** `argTypes`: a procedure's argument types (GRANT … ON PROCEDURE name(types)). */
export function findSecurable(ex: Exec, objectType: ast.ObjectType | 'HYBRID TABLE', name: ast.ObjectName, argTypes?: ast.DataType[]): FoundSecurable {
  const { scope, core } = ex;
  const state = core.state;
  const last = name.parts[name.parts.length - 1]!.name;
  const missing = () => doesNotExist(KIND_WORD[objectType] ?? 'Object', display(...name.parts.map((p) => p.name)));
  switch (objectType) {
    case 'DATABASE': {
      const db = scope.database(last);
      if (!db) throw missing();
      return { objectType: 'DATABASE', id: db.id, owner: db.owner, name: display(db.name), entry: db };
    }
    case 'SCHEMA': {
      const path = scope.qualifySchema(name, 'GRANT');
      const schema = scope.schema(path);
      if (!schema) throw missing();
      return { objectType: 'SCHEMA', id: schema.id, owner: schema.owner, name: display(path.database, path.schema), entry: schema };
    }
    case 'TABLE':
    case 'HYBRID TABLE':
    case 'VIEW': {
      const path = scope.qualify(name, 'GRANT');
      const table = scope.schema(path)?.tables[path.name];
      const type: ObjectType = table?.kind === 'VIEW' ? 'VIEW' : 'TABLE';
      if (!table || (objectType === 'VIEW') !== (type === 'VIEW') || !scope.access.sees({ objectType: type, id: table.id, owner: table.owner })) throw missing();
      return { objectType: type, id: table.id, owner: table.owner, name: display(path.database, path.schema, path.name), entry: table };
    }
    case 'STAGE':
    case 'FILE FORMAT':
    case 'IMAGE REPOSITORY':
    case 'SERVICE':
    case 'TASK': {
      const path = scope.qualify(name, 'GRANT');
      const schema = scope.schema(path);
      const collections = { STAGE: schema?.stages, 'FILE FORMAT': schema?.fileFormats, SERVICE: schema?.services, 'IMAGE REPOSITORY': schema?.imageRepositories, TASK: schema?.tasks };
      const collection: Record<string, { id: number; owner: string }> | undefined = collections[objectType];
      const entry = collection?.[path.name];
      if (!entry || !scope.access.sees({ objectType, id: entry.id, owner: entry.owner })) throw missing();
      return { objectType, id: entry.id, owner: entry.owner, name: display(path.database, path.schema, path.name), entry };
    }
    case 'PROCEDURE': {
      const { path, key, procedure } = findProcedure(ex, name, argTypes ?? [], 'GRANT');
      return { objectType: 'PROCEDURE', id: procedure.id, owner: procedure.owner, name: `${display(path.database, path.schema)}.${key}`, entry: procedure };
    }
    case 'ROLE': {
      const role = state.roles[last];
      if (!role) throw missing();
      return { objectType: 'ROLE', id: role.id, owner: role.owner, name: display(role.name), entry: role };
    }
    case 'USER': {
      const user = state.users[last];
      if (!user) throw missing();
      return { objectType: 'USER', id: user.id, owner: user.owner, name: display(user.name), entry: user };
    }
    case 'WAREHOUSE': {
      const wh = state.warehouses[last];
      if (!wh || !scope.access.sees({ objectType: 'WAREHOUSE', id: wh.id, owner: wh.owner })) throw missing();
      return { objectType: 'WAREHOUSE', id: wh.id, owner: wh.owner, name: display(wh.name), entry: wh };
    }
    case 'COMPUTE POOL': {
      const pool = state.computePools[last];
      if (!pool || !scope.access.sees({ objectType: 'COMPUTE POOL', id: pool.id, owner: pool.owner })) throw missing();
      return { objectType: 'COMPUTE POOL', id: pool.id, owner: pool.owner, name: display(pool.name), entry: pool };
    }
    default:
      throw unsupported(`${objectType} objects`);
  }
}
