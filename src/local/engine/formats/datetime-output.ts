// Dates, times and timestamps as text in the session's output formats and time zone. The driver
// formats top-level values itself (from epoch numbers); values inside a structured type reach it as
// JSON text that papi local formats here, in the session's DATE/TIME/TIMESTAMP_*_OUTPUT_FORMAT
// (https://docs.snowflake.com/en/sql-reference/date-time-input-output). A format element papi local
// does not know is refused by name, never guessed.
import { unsupported } from './messages.js';

/** Snowflake's defaults for the session parameters the output depends on (the server sends the same). */
export const OUTPUT_DEFAULTS = {
  TIMEZONE: 'America/Los_Angeles',
  TIMESTAMP_OUTPUT_FORMAT: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM',
  TIMESTAMP_NTZ_OUTPUT_FORMAT: 'YYYY-MM-DD HH24:MI:SS.FF3',
  TIMESTAMP_LTZ_OUTPUT_FORMAT: '',
  TIMESTAMP_TZ_OUTPUT_FORMAT: '',
  DATE_OUTPUT_FORMAT: 'YYYY-MM-DD',
  TIME_OUTPUT_FORMAT: 'HH24:MI:SS',
  BINARY_OUTPUT_FORMAT: 'HEX',
} as const;

export type OutputSettings = { -readonly [K in keyof typeof OUTPUT_DEFAULTS]: string };

/** The session's output settings: its own parameters over Snowflake's defaults. */
export function outputSettings(parameters: Record<string, string>): OutputSettings {
  const settings: OutputSettings = { ...OUTPUT_DEFAULTS };
  for (const key of Object.keys(settings) as Array<keyof OutputSettings>) if (parameters[key] !== undefined) settings[key] = parameters[key]!;
  return settings;
}

/** A wall-clock reading: calendar fields, nanoseconds and (for instants) the offset in minutes. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  weekday: number; // 0 = Sunday
  offsetMinutes?: number;
}

const MICROS_PER_SECOND = 1_000_000n;

/** Whole seconds since the epoch (rounded down) of a count of microseconds. */
function floorSeconds(micros: bigint): bigint {
  return micros >= 0n ? micros / MICROS_PER_SECOND : -((-micros + MICROS_PER_SECOND - 1n) / MICROS_PER_SECOND);
}

/** A count of microseconds since the epoch read on a UTC clock (TIMESTAMP_NTZ, DATE, TIME). */
export function utcClock(micros: bigint): WallClock {
  const seconds = floorSeconds(micros);
  const nanos = Number(micros - seconds * MICROS_PER_SECOND) * 1000;
  const d = new Date(Number(seconds) * 1000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), nanos, weekday: d.getUTCDay() };
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** An instant (microseconds since the epoch) read on the clock of an IANA time zone. */
export function zonedClock(micros: bigint, zone: string): WallClock {
  let format = zoneFormats.get(zone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', era: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      throw unsupported(`the time zone '${zone}'`);
    }
    zoneFormats.set(zone, format);
  }
  const wholeSecondMs = Number(floorSeconds(micros)) * 1000;
  const parts = Object.fromEntries(format.formatToParts(new Date(wholeSecondMs)).map((p) => [p.type, p.value]));
  const year = parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year);
  const local = new Date(0);
  local.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
  local.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
  const offsetMinutes = Math.round((local.getTime() - wholeSecondMs) / 60_000);
  return { ...utcClock(micros + BigInt(offsetMinutes) * 60n * MICROS_PER_SECOND), offsetMinutes };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** Format elements, longest first where one is a prefix of another. */
const ELEMENTS: Array<[string, (c: WallClock) => string]> = [
  ['YYYY', (c) => pad(c.year, 4)],
  ['YY', (c) => pad(c.year % 100)],
  ['MMMM', (c) => MONTH_NAMES[c.month - 1]!],
  ['MON', (c) => MONTHS[c.month - 1]!],
  ['MM', (c) => pad(c.month)],
  ['DD', (c) => pad(c.day)],
  ['DY', (c) => DAYS[c.weekday]!],
  ['HH24', (c) => pad(c.hour)],
  ['HH12', (c) => pad(c.hour % 12 === 0 ? 12 : c.hour % 12)],
  ['HH', (c) => pad(c.hour)],
  ['AM', (c) => (c.hour < 12 ? 'AM' : 'PM')],
  ['PM', (c) => (c.hour < 12 ? 'AM' : 'PM')],
  ['MI', (c) => pad(c.minute)],
  ['SS', (c) => pad(c.second)],
  ['TZH:TZM', (c) => `${offsetSign(c)}${pad(Math.trunc(offset(c) / 60))}:${pad(offset(c) % 60)}`],
  ['TZHTZM', (c) => `${offsetSign(c)}${pad(Math.trunc(offset(c) / 60))}${pad(offset(c) % 60)}`],
  ['TZH', (c) => `${offsetSign(c)}${pad(Math.trunc(offset(c) / 60))}`],
  ['TZM', (c) => pad(offset(c) % 60)],
];

const offset = (c: WallClock) => Math.abs(c.offsetMinutes ?? 0);
const offsetSign = (c: WallClock) => ((c.offsetMinutes ?? 0) < 0 ? '-' : '+');

/** A wall clock as text in a Snowflake output format (YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM, …). */
export function formatClock(format: string, clock: WallClock): string {
  let out = '';
  for (let i = 0; i < format.length; ) {
    const rest = format.slice(i).toUpperCase();
    if (format[i] === '"') {
      const end = format.indexOf('"', i + 1);
      if (end < 0) throw unsupported(`the output format '${format}'`);
      out += format.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    const ff = /^FF(\d?)/.exec(rest);
    if (ff) {
      const digits = ff[1] ? Number(ff[1]) : 9;
      out += String(clock.nanos).padStart(9, '0').slice(0, digits);
      i += ff[0].length;
      continue;
    }
    const element = ELEMENTS.find(([name]) => rest.startsWith(name));
    if (element) {
      if (element[0].startsWith('TZ') && clock.offsetMinutes === undefined) throw unsupported(`the format element ${element[0]} for a value without a time zone`);
      out += element[1](clock);
      i += element[0].length;
      continue;
    }
    if (/[A-Za-z]/.test(format[i]!)) throw unsupported(`the output format '${format}'`);
    out += format[i];
    i++;
  }
  return out;
}
