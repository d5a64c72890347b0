// Says what the interop tier really did: passed, failed and skipped tests (each skip with its
// reason, from the tests' "[interop] SKIPPED (kind) what: reason" lines), and fails when a test
// failed, or when a test skipped for a missing tool although .ci/run installed the tools. A Docker
// engine that cannot start on this machine is the one skip allowed; it is said loudly.
// Usage: node .ci/interop-report.mjs <vitest json> <stderr log> <tools installed: 1|0>
import { existsSync, readFileSync } from 'node:fs';

const [jsonFile, logFile, installed] = process.argv.slice(2);
const report = existsSync(jsonFile) ? JSON.parse(readFileSync(jsonFile, 'utf8')) : undefined;
const skips = [...new Set(readFileSync(logFile, 'utf8').split('\n').filter((line) => line.startsWith('[interop] SKIPPED')))];
const passed = report?.numPassedTests ?? 0;
const failed = report?.numFailedTests ?? 0;
const skipped = (report?.numPendingTests ?? 0) + (report?.numTodoTests ?? 0);

console.log(`interop tier: ${passed} passed, ${failed} failed, ${skipped} skipped`);
for (const line of skips) console.log(`  ${line.replace('[interop] ', '')}`);
const unexpected = installed === '1' ? skips.filter((line) => line.includes('(missing tool)')) : [];
if (skips.some((line) => line.includes('(no docker engine)'))) console.log('  NOTE: the Docker-engine test did not run: this machine cannot start a Docker engine');
if (!report) console.log('interop tier: no report was written (the run crashed before it finished)');
if (unexpected.length > 0) console.log(`interop tier: FAILED: ${unexpected.length} skip(s) for a tool that .ci/run installed`);
process.exit(!report || failed > 0 || unexpected.length > 0 ? 1 : 0);
