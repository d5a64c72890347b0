// Property values of Snowflake statements (KEY = value in CREATE … and ALTER … SET) read as text or
// as a boolean, whatever form the value was written in.
import type { PropertyValue } from '../sql/ast.js';

/** The value as text: strings as written, numbers as their text, identifiers dotted; lists give undefined. */
export function optionText(value: PropertyValue | undefined): string | undefined {
  if (!value) return undefined;
  switch (value.kind) {
    case 'string':
      return value.value;
    case 'number':
      return value.text;
    case 'boolean':
      return value.value ? 'TRUE' : 'FALSE';
    case 'identifier':
      return value.name.parts.map((p) => p.name).join('.');
    default:
      return undefined;
  }
}

/** TRUE, 1, YES or ON (any case) as true; other text as false. */
export function optionBool(value: PropertyValue | undefined): boolean | undefined {
  const text = optionText(value);
  return text === undefined ? undefined : /^(TRUE|1|YES|ON)$/i.test(text);
}
