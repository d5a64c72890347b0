import { defineCommand } from '../define.js';

export default defineCommand({
  name: 'get',
  summary: 'Call GET /customer/<ids> on the deployed service and print the JSON',
  arguments: [{ syntax: '<ids>', description: 'one user id or several separated by commas, e.g. 22 or 22,196' }],
  extraArgumentsHint: (args) => `Separate several ids with commas: papi get ${args.join(',')}`,
  examples: [
    { command: 'papi get 22', description: "user 22's recommendations" },
    { command: 'papi get 22,196 --json', description: 'two users, raw JSON for scripts' },
    { command: 'papi get abc-17,22', description: 'text ids, with service.idFormat: alphanumeric in papi.yaml' },
  ],
  needs: 'connection',
  options: {
    url: { type: 'string', placeholder: 'url', description: 'call this base URL instead (e.g. papi dev); the deployed endpoint\'s URL still gets the token' },
  },
  async run(ctx, args, options) {
    const { get } = await import('../../api/get.js');
    const response = await get(ctx, { ids: args[0] ?? '', url: options.url });
    // --json: the service's body exactly as it came; people get it indented.
    if (ctx.out.json) return void ctx.out.raw(response.body.endsWith('\n') ? response.body : `${response.body}\n`);
    return { data: response.json, human: JSON.stringify(response.json, null, 2) };
  },
});
