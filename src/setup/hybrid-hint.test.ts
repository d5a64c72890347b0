// Which refusals papi recognises as "this account has no hybrid tables", and what it then suggests.
import { describe, expect, it } from 'vitest';
import { SnowflakeError } from '../ui/errors.js';
import { HYBRID_UNAVAILABLE_HINT, isHybridUnsupported } from './index.js';

describe('isHybridUnsupported', () => {
  it("recognises Snowflake's Unsupported feature 'HYBRID TABLE' (0A000) and the older wordings", () => {
    expect(isHybridUnsupported(new SnowflakeError("SQL compilation error:\nUnsupported feature 'HYBRID TABLE'.", '002040', '0A000'))).toBe(true);
    expect(isHybridUnsupported(new SnowflakeError('Hybrid tables are not enabled for this account.', '000002', '0A000'))).toBe(true);
    expect(isHybridUnsupported(new SnowflakeError('Hybrid tables are not available in this region.', undefined, undefined))).toBe(true);
  });

  it('leaves other errors alone', () => {
    expect(isHybridUnsupported(new SnowflakeError("SQL compilation error:\nUnsupported feature 'MERGE'.", '002040', '0A000'))).toBe(false);
    expect(isHybridUnsupported(new Error("Unsupported feature 'HYBRID TABLE'."))).toBe(false);
  });

  it('words the hint for what the documentation says about availability', () => {
    expect(HYBRID_UNAVAILABLE_HINT).toMatch(/trial accounts/);
    expect(HYBRID_UNAVAILABLE_HINT).toMatch(/SnowGov/);
    expect(HYBRID_UNAVAILABLE_HINT).toMatch(/--table-type standard/);
    // A flag holds for one run: the hint names the papi.yaml setting that keeps the choice.
    expect(HYBRID_UNAVAILABLE_HINT).toMatch(/snowflake\.api\.tableType: standard/);
  });
});
