// The sample made in a worker thread (src/data/sample.ts writeSampleInWorker): papi setup starts it
// while papi local starts, when the CLI's own thread has little to do but wait. Gets the files and
// options as workerData, answers { counts } or { error }.
import { parentPort, workerData } from 'node:worker_threads';
import { writeSample, type SampleOptions } from './sample.js';
import type { DataKind } from './output.js';

const { files, options } = workerData as { files: Record<DataKind, string>; options: SampleOptions };
writeSample(files, options).then(
  (counts) => parentPort!.postMessage({ counts }),
  (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) }),
);
