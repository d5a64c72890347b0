// Destructive commands ask first. With --yes they go ahead; when nobody can answer a prompt (no TTY,
// CI) and --yes is missing they refuse with exit 2 rather than assume a yes.
import { UsageError } from './ui/errors.js';
import type { Context } from './context.js';

/** true: go ahead; false: the user said no (the command then ends with exit 0 and does nothing). */
export async function confirmDestructive(ctx: Context, question: string): Promise<boolean> {
  if (ctx.globals.yes) return true;
  if (!ctx.interactive)
    throw new UsageError(`${question} Refusing without --yes: nobody can answer a prompt here.`, {
      code: 'CONFIRMATION_REQUIRED',
      hint: 'Pass --yes to confirm, or --dry-run to see what would be dropped.',
    });
  return ctx.confirm(question);
}
