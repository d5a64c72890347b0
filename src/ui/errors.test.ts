import { describe, expect, it } from 'vitest';
import {
  AuthError,
  CancelledError,
  ConfigError,
  ExitCode,
  exitCodeOf,
  HttpError,
  NotAvailableError,
  PapiError,
  SnowflakeError,
  ToolError,
  UsageError,
} from './errors.js';

describe('exit codes', () => {
  it.each([
    [new UsageError('x'), 2],
    [new ConfigError('x'), 2],
    [new NotAvailableError('bench'), 2],
    [new AuthError('x'), 3],
    [new SnowflakeError('x', '002003', '42S02'), 4],
    [new ToolError('x'), 4],
    [new HttpError('x', 503, ''), 4],
    [new CancelledError('x'), 130],
    [new PapiError('x'), 1],
    [new TypeError('x'), 1],
    ['a string', 1],
  ])('%o exits %i', (error, code) => {
    expect(exitCodeOf(error)).toBe(code);
  });

  it('documents the codes in one table', () => {
    expect(ExitCode).toEqual({ ok: 0, unexpected: 1, usage: 2, auth: 3, remote: 4, interrupted: 130 });
  });

  it('keeps the cause and the hint', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new AuthError('cannot reach Snowflake', { hint: 'check the account URL', cause });
    expect(error.cause).toBe(cause);
    expect(error.hint).toBe('check the account URL');
    expect(error.name).toBe('AuthError');
  });
});
