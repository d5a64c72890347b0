// The setup and teardown plans: ordered steps, each with its SQL rendered from sql/ with the config's
// object names. Every template is rendered when the plan is built, so a bad template or a bad name
// fails before anything runs; `--dry-run` prints exactly what a real run would execute.
import { ID_COLUMN_TYPES } from '../config/id-format.js';
import type { ObjectNames, PapiConfig } from '../config/types.js';
import { algorithmStatements, configuredSettings, MAX_TOP_N, PURESVD_PROCEDURE } from '../recommend/algorithms.js';
import { ConfigError } from '../ui/errors.js';
import { SqlSplitError, splitStatements } from './splitter.js';
import {
  identifier,
  INSTANCE_FAMILIES,
  integer,
  keyword,
  loadTemplate,
  qualified,
  renderTemplate,
  minuteSchedule,
  nameLiteral,
  renderValue,
  scriptBlock,
  TemplateError,
  type TemplateValue,
  type TemplateValues,
  WAREHOUSE_SIZES,
} from './template.js';
import { scheduleMinutes } from './schedule.js';
import { readsTables, sourceTables, viewValues } from '../setup/source-tables.js';

export interface PlannedStatement {
  sql: string;
  /** Positional bind values for the statement's `?` markers. */
  binds?: Array<string | number | boolean | null>;
  /** Where the statement comes from, for error messages: `setup/01-roles.sql:4`. */
  source: string;
}

export type SetupPhase = 'objects' | 'data' | 'recommend' | 'publish' | 'schedule';
export const SETUP_PHASES: readonly SetupPhase[] = ['objects', 'data', 'recommend', 'publish', 'schedule'];

export interface PlanStep {
  id: string;
  title: string;
  phase: SetupPhase | 'teardown';
  statements: PlannedStatement[];
  /**
   * Files papi PUTs itself before this step's statements: the `data` files go to `location`
   * (a rendered stage path such as `@DB.SCHEMA.STAGE/ratings/`).
   */
  upload?: { data: keyof typeof STAGE_FOLDERS; location: string };
  /**
   * Session statements run when the phase this step opens starts, even when the phase is then
   * skipped as unchanged (its checks query tables): USE WAREHOUSE, so `--only <phase>` works on a
   * connection without (or with another) warehouse.
   */
  before?: PlannedStatement[];
}

export interface SetupPlanOptions {
  /** Overrides config.snowflake.api.tableType (--table-type). */
  tableType?: 'hybrid' | 'standard';
  /** Objects only: no data, recommendations or publish (--skip-data). */
  skipData?: boolean;
  /** One phase only (--only). */
  only?: SetupPhase;
}

export interface TeardownPlanOptions {
  /** Keep the recommender database and its data (--keep-data). */
  keepData?: boolean;
  /** The published name is a view over versioned tables (a publish through a view): DROP VIEW it. */
  publishedAsView?: boolean;
}

/** Fixed table names of the tutorial, in the recommender schema. */
export const RECOMMENDER_TABLES = {
  users: 'USER',
  ratings: 'USER_RATINGS',
  titles: 'TITLE',
  recommendations: 'MOVIE_RECOMMENDATIONS',
  state: 'PAPI_STATE',
} as const;

/** The task that recomputes and republishes on recommender.schedule, in the recommender schema. */
export const REFRESH_TASK = 'REFRESH_RECOMMENDATIONS';

/** Folders of the stage that papi PUTs files into before the COPY INTO statements read them. */
export const STAGE_FOLDERS = { ratings: 'ratings', titles: 'titles', users: 'users' } as const;

const MAX_NODES = 100;

export function setupPlan(config: PapiConfig, options: SetupPlanOptions = {}): PlanStep[] {
  if (options.only && !SETUP_PHASES.includes(options.only))
    throw new ConfigError(`unknown step "${String(options.only)}"`, { hint: `Use one of: ${SETUP_PHASES.join(', ')}.` });
  const names = resolveNames(config.snowflake);
  const tableType = options.tableType ?? config.snowflake.api.tableType;
  if (tableType !== 'hybrid' && tableType !== 'standard')
    throw new ConfigError(`snowflake.api.tableType: "${String(tableType)}" is not one of hybrid, standard`);
  const o = config.snowflake;
  const idType = userIdType(config);
  // data.source: tables: views over the account's tables take the place of the loaded tables.
  const fromTables = readsTables(config);
  // papi's own ratings, titles and users tables, created and granted only when it loads them.
  const dataTables: TemplateValues = fromTables ? {} : { user_table: names.users, ratings_table: names.ratings, titles_table: names.titles };

  const steps: PlanStep[] = [
    step('roles', 'Create roles', 'objects', 'setup/01-roles.sql', {
      admin_role: names.adminRole,
      api_role: names.apiRole,
    }),
    step('warehouse', 'Create warehouse', 'objects', 'setup/02-warehouse.sql', {
      warehouse: names.warehouse,
      warehouse_size: keyword(o.warehouse.size, WAREHOUSE_SIZES, 'snowflake.warehouse.size'),
    }),
    step('databases', 'Create databases and schemas', 'objects', 'setup/03-databases.sql', {
      recommender_database: names.recommenderDatabase,
      recommender_schema: names.recommenderSchema,
      api_database: names.apiDatabase,
      api_schema: names.apiSchema,
    }),
    step('stage', 'Create stage', 'objects', 'setup/04-stage.sql', { stage: names.stage }),
    step('tables', 'Create tables', 'objects', fromTables ? 'setup/05-tables-source.sql' : 'setup/05-tables.sql', {
      user_id_type: idType,
      ...dataTables,
      recommendations_table: names.recommendations,
      state_table: names.state,
    }),
    step('grants', 'Grant privileges', 'objects', fromTables ? 'setup/06-grants-source.sql' : 'setup/06-grants.sql', {
      admin_role: names.adminRole,
      api_role: names.apiRole,
      warehouse: names.warehouse,
      recommender_database: names.recommenderDatabase,
      recommender_schema: names.recommenderSchema,
      stage: names.stage,
      ...dataTables,
      recommendations_table: names.recommendations,
      api_database: names.apiDatabase,
      api_schema: names.apiSchema,
    }),
    step('image-repository', 'Create image repository', 'objects', 'setup/07-image-repository.sql', {
      image_repository: names.imageRepository,
      api_role: names.apiRole,
    }),
    step('compute-pool', 'Create compute pool', 'objects', 'setup/08-compute-pool.sql', {
      compute_pool: names.computePool,
      min_nodes: integer(o.computePool.minNodes, { min: 1, max: MAX_NODES }, 'snowflake.computePool.minNodes'),
      max_nodes: integer(o.computePool.maxNodes, { min: o.computePool.minNodes, max: MAX_NODES }, 'snowflake.computePool.maxNodes'),
      instance_family: keyword(o.computePool.instanceFamily, INSTANCE_FAMILIES, 'snowflake.computePool.instanceFamily'),
      api_role: names.apiRole,
    }),
    step('service-user', 'Create service user', 'objects', 'setup/09-service-user.sql', {
      service_user: names.serviceUser,
      api_role: names.apiRole,
      warehouse: names.warehouse,
      api_schema: names.apiSchema,
    }),
    ...(fromTables ? [viewsStep(config, names)] : loadSteps(names, idType)),
    recommendStep(config, names),
    step('publish', `Publish the ${tableType} table`, 'publish', `publish/${tableType}.sql`, {
      next_table: names.nextTable,
      table: names.table,
      recommendations_table: names.recommendations,
      api_role: names.apiRole,
      user_id_type: idType,
    }),
  ];

  steps.push(scheduleStep(config, names, steps));

  const useWarehouse = step('use-warehouse', 'Use warehouse', 'objects', 'setup/use-warehouse.sql', { warehouse: names.warehouse }).statements;
  for (const phase of ['data', 'recommend', 'publish', 'schedule'] as const) {
    const first = steps.find((s) => s.phase === phase);
    if (first) first.before = useWarehouse;
  }

  if (options.only) return steps.filter((s) => s.phase === options.only);
  if (options.skipData) return steps.filter((s) => s.phase === 'objects');
  return steps;
}

/** The files papi PUTs and loads into its own tables (every data.source but tables). */
function loadSteps(names: ResolvedNames, idType: TemplateValue): PlanStep[] {
  return [
    step('clear-stage', 'Clear the stage folders', 'data', 'data/00-clear-stage.sql', { stage: names.stage }),
    {
      ...step('load-ratings', 'Load ratings', 'data', 'data/01-ratings.sql', {
        load_table: names.ratingsLoad,
        stage: names.stage,
        ratings_table: names.ratings,
        user_id_type: idType,
      }),
      upload: { data: 'ratings', location: stageLocation(names, 'ratings') },
    },
    {
      ...step('load-titles', 'Load titles', 'data', 'data/02-titles.sql', {
        load_table: names.titlesLoad,
        stage: names.stage,
        titles_table: names.titles,
      }),
      upload: { data: 'titles', location: stageLocation(names, 'titles') },
    },
    {
      ...step('load-users', 'Load users', 'data', 'data/03-users.sql', {
        load_table: names.usersLoad,
        stage: names.stage,
        user_table: names.users,
        user_id_type: idType,
      }),
      upload: { data: 'users', location: stageLocation(names, 'users') },
    },
  ];
}

/** data.source: tables: views named like papi's tables over the account's own (sql/data/views.sql). */
function viewsStep(config: PapiConfig, names: ResolvedNames): PlanStep {
  return step('source-views', 'Read the tables in place (views)', 'data', 'data/views.sql', {
    ...viewValues(sourceTables(config)),
    ratings_table: names.ratings,
    titles_table: names.titles,
    user_table: names.users,
    user_id_type: userIdType(config),
    admin_role: names.adminRole,
  });
}

/** The configured algorithm into a work table, then the published rows (cold-start users included) from it. */
function recommendStep(config: PapiConfig, names: ResolvedNames): PlanStep {
  const { algorithm, topN } = config.recommender;
  const tables = { ratings: names.ratings, titles: names.titles, users: names.users, top: names.recommendationsTop, procedure: names.pureSvdProcedure };
  const publishable = step('recommend', `Compute recommendations (${algorithm})`, 'recommend', 'recommend/recommendations.sql', {
    recommendations_table: names.recommendations,
    top_table: names.recommendationsTop,
    ratings_table: names.ratings,
    titles_table: names.titles,
    user_table: names.users,
    top_n: integer(topN, { min: 1, max: MAX_TOP_N }, 'recommender.topN'),
    admin_role: names.adminRole,
  });
  return { ...publishable, statements: [...algorithmStatements(algorithm, configuredSettings(config), topN, tables), ...publishable.statements] };
}

/**
 * The schedule phase: with recommender.schedule, the refresh task whose body is the recommend and publish
 * steps' own statements (one definition of the SQL, whatever it becomes), created and resumed; without
 * it, no task (one left by an earlier run is dropped).
 */
function scheduleStep(config: PapiConfig, names: ResolvedNames, steps: PlanStep[]): PlanStep {
  const schedule = config.recommender.schedule;
  if (schedule === undefined || schedule.trim() === '')
    return step('schedule-off', 'No scheduled refresh', 'schedule', 'schedule/drop-task.sql', { task: names.task });
  const minutes = scheduleMinutes(schedule);
  const body = steps.filter((s) => s.phase === 'recommend' || s.phase === 'publish').flatMap((s) => s.statements.map((st) => st.sql));
  return step('schedule', `Schedule the refresh every ${minutes === 1 ? 'minute' : `${minutes} minutes`}`, 'schedule', 'schedule/create-task.sql', {
    task: names.task,
    warehouse: names.warehouse,
    schedule: minuteSchedule(minutes, 'recommender.schedule'),
    body: scriptBlock(body, 'recommender.schedule'),
  });
}

export function teardownPlan(config: PapiConfig, options: TeardownPlanOptions = {}): PlanStep[] {
  const names = resolveNames(config.snowflake);
  const o = config.snowflake;
  // Names are validated when rendered; Snowflake folds plain names to upper case.
  const sameDatabase = o.api.database.toUpperCase() === o.recommender.database.toUpperCase();
  // Titles name the objects, so the confirmation lists what will go, not only its kinds.
  const steps: PlanStep[] = [
    step('task', `Drop task ${shown(names.task)}`, 'teardown', 'teardown/00-task.sql', { task: names.task }),
    // puresvd's procedure goes with the recommender database; one that --keep-data keeps is dropped alone.
    ...(options.keepData
      ? [step('procedure', `Drop procedure ${shown(names.pureSvdProcedure)}`, 'teardown', 'teardown/00-procedure.sql', { procedure: names.pureSvdProcedure })]
      : []),
    step('service', `Drop service ${shown(names.service)}`, 'teardown', 'teardown/01-service.sql', { service: names.service }),
    step('compute-pool', `Drop compute pool ${shown(names.computePool)}`, 'teardown', 'teardown/02-compute-pool.sql', { compute_pool: names.computePool }),
    step('image-repository', `Drop image repository ${shown(names.imageRepository)}`, 'teardown', 'teardown/03-image-repository.sql', {
      image_repository: names.imageRepository,
    }),
    step(
      'published-table',
      options.publishedAsView ? `Drop published view ${shown(names.table)} and its tables` : `Drop published table ${shown(names.table)}`,
      'teardown',
      options.publishedAsView ? 'teardown/04-published-view.sql' : 'teardown/04-published-table.sql',
      { table: names.table, next_table: names.nextTable, first_version: names.versionTables[0], second_version: names.versionTables[1] },
    ),
  ];
  // With --keep-data the recommender database stays, even when the API objects share it.
  if (!(options.keepData && sameDatabase))
    steps.push(step('api-database', `Drop API database ${shown(names.apiDatabase)}`, 'teardown', 'teardown/05-database.sql', { database: names.apiDatabase }));
  if (!options.keepData && !sameDatabase)
    steps.push(
      step('recommender-database', `Drop recommender database ${shown(names.recommenderDatabase)}`, 'teardown', 'teardown/05-database.sql', {
        database: names.recommenderDatabase,
      }),
    );
  steps.push(
    step('service-user', `Drop service user ${shown(names.serviceUser)}`, 'teardown', 'teardown/06-service-user.sql', { service_user: names.serviceUser }),
    step('roles', `Drop roles ${shown(names.apiRole)} and ${shown(names.adminRole)}`, 'teardown', 'teardown/07-roles.sql', { api_role: names.apiRole, admin_role: names.adminRole }),
    step('warehouse', `Drop warehouse ${shown(names.warehouse)}`, 'teardown', 'teardown/08-warehouse.sql', { warehouse: names.warehouse }),
  );
  return steps;
}

/** The column type of user ids (service.idFormat), for the tables' DDL. */
export function userIdType(config: PapiConfig): TemplateValue {
  return keyword(ID_COLUMN_TYPES[config.service.idFormat], Object.values(ID_COLUMN_TYPES), 'service.idFormat');
}

/** An object's name as people read it in a title (API.PUBLIC.API). */
function shown(value: TemplateValue): string {
  if (value.kind === 'identifier') return value.name;
  if (value.kind === 'qualified' || value.kind === 'nameLiteral') return value.parts.join('.');
  return value.label ?? value.kind;
}

/** The plan as a script: step titles as comments, every statement terminated with `;`. */
export function formatPlan(steps: PlanStep[], header?: string): string {
  const blocks = steps.map((s, i) => {
    const lines = [`-- ${i + 1}. ${s.title} [${s.id}]`];
    for (const statement of s.before ?? []) lines.push(`${statement.sql};`);
    if (s.upload) lines.push(`-- papi PUTs the ${s.upload.data} files to ${s.upload.location} first`);
    for (const statement of s.statements) {
      if (statement.binds?.length) lines.push(`-- binds: ${JSON.stringify(statement.binds)}`);
      lines.push(`${statement.sql};`);
    }
    return lines.join('\n');
  });
  return `${header ? `-- ${header}\n\n` : ''}${blocks.join('\n\n')}\n`;
}

export function step(id: string, title: string, phase: PlanStep['phase'], template: string, values: TemplateValues): PlanStep {
  const rendered = renderTemplate(loadTemplate(template), values, template);
  let split;
  try {
    split = splitStatements(rendered);
  } catch (error) {
    if (error instanceof SqlSplitError) throw new TemplateError(`${template}: ${error.message}`);
    throw error;
  }
  if (split.length === 0) throw new TemplateError(`${template}: no statements`);
  return { id, title, phase, statements: split.map((s) => ({ sql: s.text, source: `${template}:${s.line}` })) };
}

function stageLocation(names: ResolvedNames, data: keyof typeof STAGE_FOLDERS): string {
  return `@${renderValue('stage', names.stage)}/${STAGE_FOLDERS[data]}/`;
}

export type ResolvedNames = ReturnType<typeof resolveNames>;

/** Every object name papi uses, as template values labelled with their config path. */
export function resolveNames(o: ObjectNames) {
  const rec = [o.recommender.database, o.recommender.schema];
  const api = [o.api.database, o.api.schema];
  const recLabel = 'snowflake.recommender';
  const recTable = (name: string) => qualified([...rec, name], recLabel);
  return {
    adminRole: identifier(o.adminRole, 'snowflake.adminRole'),
    apiRole: identifier(o.apiRole, 'snowflake.apiRole'),
    warehouse: identifier(o.warehouse.name, 'snowflake.warehouse.name'),
    recommenderDatabase: identifier(o.recommender.database, 'snowflake.recommender.database'),
    recommenderSchema: qualified(rec, 'snowflake.recommender.schema'),
    stage: qualified([...rec, o.recommender.stage], 'snowflake.recommender.stage'),
    users: recTable(RECOMMENDER_TABLES.users),
    ratings: recTable(RECOMMENDER_TABLES.ratings),
    titles: recTable(RECOMMENDER_TABLES.titles),
    recommendations: recTable(RECOMMENDER_TABLES.recommendations),
    recommendationsTop: recTable(`${RECOMMENDER_TABLES.recommendations}_TOP`),
    state: recTable(RECOMMENDER_TABLES.state),
    pureSvdProcedure: recTable(PURESVD_PROCEDURE),
    task: recTable(REFRESH_TASK),
    taskName: nameLiteral([REFRESH_TASK], 'snowflake.recommender'),
    ratingsLoad: recTable(`${RECOMMENDER_TABLES.ratings}_LOAD`),
    titlesLoad: recTable(`${RECOMMENDER_TABLES.titles}_LOAD`),
    usersLoad: recTable(`${RECOMMENDER_TABLES.users}_LOAD`),
    apiDatabase: identifier(o.api.database, 'snowflake.api.database'),
    apiSchema: qualified(api, 'snowflake.api.schema'),
    table: qualified([...api, o.api.table], 'snowflake.api.table'),
    // Built beside the published table, then swapped in (see sql/publish/).
    nextTable: qualified([...api, `${o.api.table}_NEXT`], 'snowflake.api.table'),
    // A publish through a view (SWAP WITH refused) alternates between these (see sql/publish/hybrid-view.sql).
    versionTables: [1, 2].map((n) => qualified([...api, `${o.api.table}_V${n}`], 'snowflake.api.table')) as [TemplateValue, TemplateValue],
    imageRepository: qualified([...api, o.imageRepository], 'snowflake.imageRepository'),
    computePool: identifier(o.computePool.name, 'snowflake.computePool.name'),
    service: qualified([...api, o.service.name], 'snowflake.service.name'),
    serviceUser: identifier(o.service.user, 'snowflake.service.user'),
  };
}
