// Import rules `npm test` enforces (npm run lint:deps). Each rule says why in its comment; a violation
// fails the build with the importing file, the imported one and the rule's name.
// Tests, papi local's conformance suite and the benchmarks are exempt from the room rules: they use
// papi's client on purpose, to check papi local from outside.
const EXEMPT = '(\\.test\\.ts$|/__tests__/|^src/local/conformance/|^src/local/bench/|^src/bench/scripts/|/test-helpers\\.ts$)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'local-is-its-own-room',
      comment:
        'papi local is the emulator papi is checked against: it shares no code with the client (a mistake in ' +
        'shared code would be made on both sides, and no test could catch it). src/local imports only src/local.',
      severity: 'error',
      from: { path: '^src/local/', pathNot: EXEMPT },
      to: { path: '^(src/(?!local/)|service/)' },
    },
    {
      name: 'local-through-its-public-entry',
      comment: 'The rest of papi and the service reach papi local only through src/local/index.ts.',
      severity: 'error',
      from: { path: '^(src/(?!local/)|service/)', pathNot: EXEMPT },
      to: { path: '^src/local/', pathNot: '^src/local/index\\.ts$' },
    },
    {
      name: 'service-stands-alone',
      comment: 'The service ships alone in its image: service/src imports nothing from the CLI (src/).',
      severity: 'error',
      from: { path: '^service/src/', pathNot: EXEMPT },
      to: { path: '^src/' },
    },
    // papi local's engine in layers (src/local/engine/engine.ts): the dispatcher on top, one statement
    // handler module per family, the model below them, value formats and the SQL front end at the bottom.
    {
      name: 'engine-statements-independent',
      comment: 'Statement handlers never import one another: what two of them share belongs in model/ or formats/.',
      severity: 'error',
      from: { path: '^src/local/engine/statements/([^/]+)\\.ts$', pathNot: EXEMPT },
      to: { path: '^src/local/engine/statements/', pathNot: '^src/local/engine/statements/$1\\.ts$' },
    },
    {
      name: 'engine-statements-below-dispatcher',
      severity: 'error',
      from: { path: '^src/local/engine/statements/', pathNot: EXEMPT },
      to: { path: '^src/local/engine/(engine|index)\\.ts$' },
    },
    {
      name: 'engine-model-below-statements',
      comment: 'The model (catalog, tables, names, privileges, storage) knows no statement handler.',
      severity: 'error',
      from: { path: '^src/local/engine/model/', pathNot: EXEMPT },
      to: { path: '^src/local/engine/(statements/|engine\\.ts$|index\\.ts$)' },
    },
    {
      name: 'engine-formats-below-model',
      severity: 'error',
      from: { path: '^src/local/engine/formats/', pathNot: EXEMPT },
      to: { path: '^src/local/engine/(model/|statements/|engine\\.ts$|index\\.ts$)' },
    },
    {
      name: 'engine-sql-self-contained',
      comment: 'The SQL front end (lexer, parser, translator) stands alone below the engine.',
      severity: 'error',
      from: { path: '^src/local/engine/sql/', pathNot: EXEMPT },
      to: { path: '^src/local/engine/', pathNot: '^src/local/engine/sql/' },
    },
    {
      name: 'engine-through-its-entry',
      comment: "papi local's other parts (server, registry, runner) use the engine through index.ts and the types.ts contract.",
      severity: 'error',
      from: { path: '^src/local/', pathNot: `^src/local/engine/|${EXEMPT}` },
      to: { path: '^src/local/engine/', pathNot: '^src/local/engine/(index|types)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
