import { ExitCode, PapiError, type PapiErrorOptions } from '../ui/errors.js';

/** A --p90-max or --max-error-rate gate was exceeded (exit 4, for CI). */
export class BenchGateError extends PapiError {
  override readonly exitCode = ExitCode.remote;
  constructor(message: string, options: PapiErrorOptions = {}) {
    super(message, { code: 'BENCH_GATE_FAILED', ...options });
  }
}
