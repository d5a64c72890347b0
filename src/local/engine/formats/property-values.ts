// Property values of Snowflake statements (KEY = value in CREATE … and ALTER … SET) read as text or
// as a boolean, whatever form the value was written in.
import type { Properties, PropertyValue } from '../sql/ast.js';
import { invalid } from './messages.js';

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

/** A FILE_FORMAT option's properties: `(TYPE = CSV …)` as written, a format's name as `(FORMAT_NAME = name)`. */
export function fileFormatProperty(value: PropertyValue): Properties {
  if (value.kind === 'options') return value.properties;
  if (value.kind === 'identifier' || value.kind === 'string') return { FORMAT_NAME: value };
  throw invalid('FILE_FORMAT takes ( options ) or the name of a file format.');
}
