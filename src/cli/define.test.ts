// The option declarations: one declaration gives the flag, the type, the default, the check and the
// config setting a flag overrides (src/cli/define.ts).
import { describe, expect, it } from 'vitest';
import { LEAF_BY_PATH } from '../config/leaves.js';
import { UsageError } from '../ui/errors.js';
import { COMMANDS } from './commands/index.js';
import { flagName, parseOptions, type AnyCommand, type OptionSpecs } from './define.js';

const specs = {
  waitTimeout: { type: 'int', placeholder: 'seconds', min: 1, max: 60, default: 30, meaning: 'a number of seconds', description: 'd' },
  wait: { type: 'boolean', negate: true, description: 'd' },
  force: { type: 'boolean', description: 'd' },
  builder: { type: 'choice', placeholder: 'b', choices: ['oci', 'docker'], default: 'oci', description: 'd' },
  header: { type: 'string', placeholder: 'h', repeatable: true, description: 'd' },
  tableType: { type: 'choice', placeholder: 't', choices: ['hybrid', 'standard'], config: 'snowflake.api.tableType', description: 'd' },
} satisfies OptionSpecs;

describe('parseOptions', () => {
  it('gives every declared option its type and default; switches are false unless negated', () => {
    expect(parseOptions(specs, {})).toEqual({ options: { waitTimeout: 30, wait: true, force: false, builder: 'oci', header: [] }, settings: [] });
    expect(parseOptions(specs, { waitTimeout: '45', wait: false, force: true, header: ['a: 1', 'b: 2'] }).options).toMatchObject({
      waitTimeout: 45,
      wait: false,
      force: true,
      header: ['a: 1', 'b: 2'],
    });
  });

  it('sends an option bound to a setting to the config loader, with the flag that set it', () => {
    const { options, settings } = parseOptions(specs, { tableType: 'standard' });
    expect(options).not.toHaveProperty('tableType');
    expect(settings).toEqual([{ path: 'snowflake.api.tableType', value: 'standard', flag: '--table-type' }]);
  });

  it.each([
    [{ waitTimeout: 'soon' }, '--wait-timeout: "soon" is not a number of seconds from 1 to 60'],
    [{ waitTimeout: '61' }, '--wait-timeout: "61" is not a number of seconds from 1 to 60'],
    [{ waitTimeout: '1.5' }, '--wait-timeout: "1.5" is not a number of seconds from 1 to 60'],
    [{ builder: 'kaniko' }, '--builder: "kaniko" is not one of oci, docker'],
  ])('refuses %j with a usage error that names the flag', (raw, message) => {
    expect(() => parseOptions(specs, raw)).toThrow(UsageError);
    expect(() => parseOptions(specs, raw)).toThrow(message);
  });

  it('names flags after their keys', () => {
    expect(flagName('waitTimeout')).toBe('wait-timeout');
    expect(flagName('p90Max')).toBe('p90-max');
  });
});

describe("the commands' declarations", () => {
  const all = (specs: AnyCommand[]): AnyCommand[] => specs.flatMap((s) => [s, ...all(s.subcommands ?? [])]);

  it('bind flags only to settings that exist', () => {
    for (const command of all(COMMANDS))
      for (const [key, option] of Object.entries(command.options ?? {}))
        if ('config' in option && option.config !== undefined) expect(LEAF_BY_PATH.has(option.config), `${command.name} --${flagName(key)}`).toBe(true);
  });
});
