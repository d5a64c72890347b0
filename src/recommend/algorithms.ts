// papi's recommenders, each one SQL template in sql/recommend/ that Snowflake runs: it reads a
// ratings table and writes each user's top titles into a table (USER_ID, ITEM_ID, SCORE, ITEM_RANK).
// puresvd's template creates a JavaScript procedure (its body in sql/recommend/*.js) and CALLs it.
// `papi setup` then packs that table into the published rows (sql/recommend/recommendations.sql);
// `papi evaluate` runs the same templates on a hold-out split. One place says which templates there
// are, which settings each takes and which values papi evaluate tries for them.
import { RECOMMENDER_ALGORITHMS, type PapiConfig, type RecommenderAlgorithm } from '../config/types.js';
import { step, type PlannedStatement } from '../snowflake/plan.js';
import { dollarQuoted, integer, loadScript, nameLiteral, type TemplateValue } from '../snowflake/template.js';

export { RECOMMENDER_ALGORITHMS, type RecommenderAlgorithm };

export const MAX_NEIGHBORS = 1000;
export const MAX_HALF_LIFE = 1000;
export const MAX_TOP_N = 1000;
export const MAX_FACTORS = 500;
export const MAX_ITERATIONS = 100;
/** puresvd's procedure, in the schema of the top table. */
export const PURESVD_PROCEDURE = 'PAPI_PURESVD';
/** item-knn leaves out ratings older than this many half-lives (they weigh less than 1/8; measured: no loss). */
const HALF_LIVES_KEPT = 3;

/** The settings an algorithm reads (the others are ignored). */
export interface AlgorithmSettings {
  neighbors: number;
  halfLife: number;
  factors: number;
  iterations: number;
}

export interface AlgorithmInfo {
  /** For people: what it is. */
  description: string;
  /** The settings that matter, for output (`neighbors=9`). */
  parameters(settings: AlgorithmSettings): Record<string, number>;
  /** The values papi evaluate chooses from on its validation split (none: nothing to tune). */
  grid: Array<Partial<AlgorithmSettings>>;
}

export const ALGORITHMS: Record<RecommenderAlgorithm, AlgorithmInfo> = {
  'item-knn': {
    description: 'item-based kNN (cosine on who rated what), the newest ratings weighing most',
    parameters: (s) => ({ halfLife: s.halfLife }),
    grid: [1, 2, 3, 5, 10].map((halfLife) => ({ halfLife })),
  },
  'user-knn': {
    description: "user-based kNN (cosine on ratings, sum of the neighbours' ratings), the tutorial notebook's",
    parameters: (s) => ({ neighbors: s.neighbors }),
    grid: [10, 20, 40].map((neighbors) => ({ neighbors })),
  },
  popularity: {
    description: 'the titles rated by the most users',
    parameters: () => ({}),
    grid: [],
  },
  puresvd: {
    description: 'PureSVD: r_u · Q · Qᵀ, Q the top singular vectors of the ratings (a JavaScript procedure)',
    parameters: (s) => ({ factors: s.factors, iterations: s.iterations }),
    grid: [10, 20, 30, 50].flatMap((factors) => [5, 10].map((iterations) => ({ factors, iterations }))),
  },
};

/** The tables an algorithm reads and writes (validated names). */
export interface AlgorithmTables {
  ratings: TemplateValue;
  titles: TemplateValue;
  /** Recommendations are made for the ids in its ID column. */
  users: TemplateValue;
  /** Written: USER_ID, ITEM_ID, SCORE, ITEM_RANK, the top `topN` per user. */
  top: TemplateValue;
  /** Where an algorithm that runs as a procedure creates it (puresvd). */
  procedure: TemplateValue;
}

/** The statements that compute `algorithm` into `tables.top`. */
export function algorithmStatements(algorithm: RecommenderAlgorithm, settings: AlgorithmSettings, topN: number, tables: AlgorithmTables): PlannedStatement[] {
  const common = {
    top_table: tables.top,
    ratings_table: tables.ratings,
    titles_table: tables.titles,
    user_table: tables.users,
    top_n: integer(topN, { min: 1, max: MAX_TOP_N }, 'recommender.topN'),
  };
  const template = `recommend/${algorithm}.sql`;
  switch (algorithm) {
    case 'user-knn': {
      const { neighbors } = settings;
      return step(algorithm, algorithm, 'recommend', template, {
        ...common,
        neighbors: integer(neighbors, { min: 1, max: MAX_NEIGHBORS }, 'recommender.neighbors'),
        neighbors_plus_one: integer(neighbors + 1, { min: 2, max: MAX_NEIGHBORS + 1 }, 'recommender.neighbors'),
      }).statements;
    }
    case 'item-knn': {
      const { halfLife } = settings;
      return step(algorithm, algorithm, 'recommend', template, {
        ...common,
        half_life: integer(halfLife, { min: 0, max: MAX_HALF_LIFE }, 'recommender.halfLife'),
        // No decay keeps every rating (the bound is only there to be an integer).
        recent_ratings: integer(halfLife === 0 ? Number.MAX_SAFE_INTEGER : halfLife * HALF_LIVES_KEPT),
      }).statements;
    }
    case 'popularity':
      return step(algorithm, algorithm, 'recommend', template, common).statements;
    case 'puresvd':
      return step(algorithm, algorithm, 'recommend', template, {
        procedure: tables.procedure,
        body: dollarQuoted(pureSvdBody(), 'puresvd'),
        // The procedure takes the names as strings and reads them through IDENTIFIER(?).
        ratings_name: asNameLiteral(tables.ratings),
        titles_name: asNameLiteral(tables.titles),
        user_name: asNameLiteral(tables.users),
        top_name: asNameLiteral(tables.top),
        top_n: common.top_n,
        factors: integer(settings.factors, { min: 1, max: MAX_FACTORS }, 'recommender.factors'),
        iterations: integer(settings.iterations, { min: 1, max: MAX_ITERATIONS }, 'recommender.iterations'),
      }).statements;
    default:
      throw new Error(`unknown algorithm ${JSON.stringify(algorithm)}`);
  }
}

/** The configured algorithm's settings. */
export function configuredSettings(config: PapiConfig): AlgorithmSettings {
  const { neighbors, halfLife, factors, iterations } = config.recommender;
  return { neighbors, halfLife, factors, iterations };
}

/** puresvd's procedure body: the linear algebra, then the entry that reads and writes the tables. */
export function pureSvdBody(): string {
  return `${loadScript('recommend/puresvd-math.js')}\n${loadScript('recommend/puresvd.js')}`;
}

/** A validated table name as a string literal: '"DB"."SCHEMA"."TABLE"'. */
function asNameLiteral(table: TemplateValue): TemplateValue {
  if (table.kind !== 'qualified') throw new Error(`expected a qualified table name, got ${table.kind}`);
  return nameLiteral(table.parts, table.label);
}
