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
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
