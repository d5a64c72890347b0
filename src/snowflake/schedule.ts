// recommender.schedule / --schedule: how often the refresh task runs, as people write it ('60 minutes',
// '2 hours', '30m'), turned into whole minutes for CREATE TASK … SCHEDULE = '<n> MINUTE'
// (https://docs.snowflake.com/en/sql-reference/sql/create-task: 1 to 11520 minutes).
import { ConfigError } from '../ui/errors.js';

export const MAX_SCHEDULE_MINUTES = 11_520;

const UNIT_MINUTES: Record<string, number> = { m: 1, min: 1, mins: 1, minute: 1, minutes: 1, h: 60, hour: 60, hours: 60 };

/** Minutes between refreshes; a ConfigError (exit 2) for anything else. */
export function scheduleMinutes(text: string, where = 'recommender.schedule'): number {
  const match = /^\s*(\d+)\s*([a-z]+)\s*$/i.exec(text);
  const unit = match ? UNIT_MINUTES[match[2]!.toLowerCase()] : undefined;
  const minutes = match && unit ? Number(match[1]) * unit : NaN;
  if (!Number.isSafeInteger(minutes) || minutes < 1 || minutes > MAX_SCHEDULE_MINUTES)
    throw new ConfigError(`${where}: ${JSON.stringify(text)} is not a refresh period`, {
      hint: `Write minutes or hours, 1 minute to ${MAX_SCHEDULE_MINUTES} minutes (8 days): '60 minutes', '30m', '2 hours'.`,
    });
  return minutes;
}
