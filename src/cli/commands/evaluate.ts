import { defineCommand } from '../define.js';

export default defineCommand({
  name: 'evaluate',
  summary: "Measure papi's recommenders on a hold-out split, inside Snowflake, against the tutorial notebook's",
  description:
    "Loads the data into papi evaluate's own database, holds out each user's last 20 % of ratings by time, " +
    "chooses each algorithm's settings on a validation split carved from train the same way, fits each " +
    'algorithm on train and scores its top 10 against the held-out ratings: NDCG, recall, precision, MAP, ' +
    "catalog coverage and fit time, with each row's change against the notebook's recommender. " +
    'The published table is never touched; the evaluation database is dropped at the end.',
  examples: [
    { command: 'papi evaluate', description: 'every algorithm on the configured data (the generated sample on papi local)' },
    { command: 'papi evaluate --data ./movielens', description: "the tutorial's MovieLens 100K files" },
    { command: 'papi evaluate --algorithms item-knn,popularity --json', description: 'two algorithms (and the notebook), as JSON' },
  ],
  needs: 'connection',
  options: {
    data: {
      type: 'string',
      placeholder: 'source',
      description: 'movielens | sample | a directory of files, as for papi setup (default: data.source)',
    },
    algorithms: {
      type: 'string',
      placeholder: 'list',
      description: 'comma-separated: notebook, item-knn, user-knn, popularity (default: all; the notebook is always the reference)',
    },
  },
  async run(ctx, _args, options) {
    const { evaluate, parseAlgorithms } = await import('../../evaluate/index.js');
    const { formatEvaluation } = await import('../../evaluate/format.js');
    const algorithms = options.algorithms === undefined ? undefined : [options.algorithms];
    parseAlgorithms(algorithms); // a bad list fails before connecting
    const result = await evaluate(ctx, { data: options.data, algorithms });
    return { data: { command: 'evaluate', ...result }, human: formatEvaluation(result) };
  },
});
