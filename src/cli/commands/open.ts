import { defineCommand } from '../define.js';

export default defineCommand({
  name: 'open',
  summary: "Open the deployed service's /test page in your browser",
  description:
    'The browser is asked to sign in, as Snowflake asks it. On papi local, papi open signs it in as papi\'s\n' +
    'admin user with a one-time link (it works once, for 5 minutes). Where no browser can be opened\n' +
    "(no display, $BROWSER unset) the page's URL is printed instead.",
  examples: [
    { command: 'papi open', description: 'the /test page in the default browser ($BROWSER if set)' },
    { command: 'papi open --print', description: "papi local: print a one-time sign-in link for papi's admin user (elsewhere: the page's URL)" },
  ],
  needs: 'target',
  options: {
    print: { type: 'boolean', description: "print the link instead of opening it (papi local: a one-time sign-in link for papi's admin user)" },
  },
  async run(ctx, _args, options) {
    const { openPage } = await import('../../api/open.js');
    const result = await openPage(ctx, { print: options.print });
    const data = { page: result.page, opened: result.opened, ...(options.print || !result.opened ? { url: result.url } : {}), signInLink: result.signInLink };
    if (ctx.out.json) return { data };
    if (options.print) return void ctx.out.raw(`${result.url}\n`);
    if (result.opened) {
      ctx.out.info(`Opened ${result.page} in your browser${result.signInLink ? " (signed in as papi's admin user)" : ''}.`);
      return;
    }
    ctx.out.warn(`No browser could be opened: ${result.reason}. Open this URL yourself:`);
    ctx.out.raw(`${result.page}\n`);
  },
});
