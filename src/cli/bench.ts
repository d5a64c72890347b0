import { Option } from 'commander';
import { NotAvailableError } from '../ui/errors.js';
import { defineCommand } from './command.js';

export default defineCommand({
  name: 'bench',
  summary: 'Load-test the endpoint at a constant arrival rate and report latency percentiles',
  description:
    'Replaces the JMeter plan of the tutorial: an open-model load (requests started on a schedule, ' +
    'latency measured from the intended start) with p50/p90/p95/p99 from an HDR histogram, with and ' +
    'without cache.',
  examples: [
    { command: 'papi bench', description: '10,000 requests at 200/s against the deployed service' },
    { command: 'papi bench --cache miss --rate 150', description: 'never repeat an id within the cache TTL' },
    { command: 'papi bench --url http://127.0.0.1:8001 --p90-max 200', description: 'against papi dev, fail above 200 ms p90' },
  ],
  options(command) {
    command
      .option('--url <url>', 'base URL to load (default: the deployed endpoint)')
      .option('--rate <perSecond>', 'arrival rate', '200')
      .option('--concurrency <n>', 'closed model with n connections instead of a rate')
      .option('--requests <n>', 'how many requests', '10000')
      .option('--duration <seconds>', 'run for this long instead of a request count')
      .option('--ids <file>', 'CSV of ids, one per line (default: the USER table)')
      .addOption(new Option('--cache <mode>', 'id mix').choices(['hit', 'miss', 'mixed']).default('mixed'))
      .option('--p90-max <ms>', 'exit 4 when p90 is above this');
  },
  async run() {
    throw new NotAvailableError('bench');
  },
});
