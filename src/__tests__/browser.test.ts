// The tutorial's "go to https://{INGRESS_URL}/test in a web browser; you will be asked to authenticate
// to Snowflake", in a real browser (Debian's chromium, driven by playwright-core) against papi local
// from `papi up` (#14.2): sign in through the form and look up user 22; the one-time link of `papi
// open --print`; a user whose role may not use the endpoints (a 403 page, then in once granted); a
// `papi bench --output` report rendering its tables and charts. Each test saves
// screenshots into the folder it prints (test-output/, ignored by git) for a person to look at.
// Snowflake's ingress sends a browser to authenticate, and reserves /sfc-endpoint/ on the endpoint:
// https://docs.snowflake.com/en/developer-guide/snowpark-container-services/private-connectivity
// https://docs.snowflake.com/en/developer-guide/snowpark-container-services/service-network-communications
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPassword, runningInstance } from '../local/index.js';
import { connect } from '../snowflake/driver.js';
import { runCli, tempDir, type CliRun } from './support/cli.js';

/** The system's Chromium: PAPI_CHROMIUM, else the first of Debian's and others' names on PATH. */
function findChromium(): string | undefined {
  if (process.env.PAPI_CHROMIUM) return existsSync(process.env.PAPI_CHROMIUM) ? process.env.PAPI_CHROMIUM : undefined;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      // not installed under this name
    }
  }
  return undefined;
}

const chromiumPath = findChromium();
if (!chromiumPath) {
  process.stderr.write(
    '\n' +
      '#'.repeat(78) +
      '\n# BROWSER TESTS SKIPPED: no Chromium found (apt-get install chromium, or set PAPI_CHROMIUM).\n' +
      '# The /test page, the sign-in flow and the bench report were NOT checked in a browser.\n' +
      '#'.repeat(78) +
      '\n\n',
  );
}

const screenshots = resolve('test-output', 'browser');
const project = tempDir('papi-browser-');
const env = { XDG_CACHE_HOME: join(project, 'cache'), NO_COLOR: '1' };
const papi = (...argv: string[]): Promise<CliRun> => runCli(argv, { cwd: project, env });
const dataDir = join(project, '.papi', 'local');
let browser: Browser;
let pageUrl: string;
let serviceName: string;

async function shot(page: Page, name: string): Promise<void> {
  const file = join(screenshots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  process.stdout.write(`screenshot: ${file}\n`);
}

/** Clicks "Look up" for the ids in the box (22 by default) and answers the JSON the page shows. */
async function lookUp(page: Page): Promise<unknown> {
  await page.getByRole('button', { name: 'Look up' }).click();
  await expect.poll(() => page.locator('#meta').textContent(), { timeout: 30_000 }).toMatch(/^HTTP 200 in /);
  return JSON.parse((await page.locator('#result').textContent()) ?? '');
}

describe.skipIf(!chromiumPath)('the /test page in a browser (chromium)', () => {
  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    process.stdout.write(`browser test screenshots go to ${screenshots}\n`);
    const up = await papi('up');
    if (up.code !== 0) throw new Error(`papi up exited ${up.code}\n${up.stderr}`);
    const deployment = JSON.parse(readFileSync(join(project, '.papi', 'deployment.json'), 'utf8')) as { url: string; service: string };
    pageUrl = `${deployment.url}/test`;
    serviceName = deployment.service;
    // Root (CI containers) cannot use Chromium's sandbox.
    browser = await chromium.launch({ executablePath: chromiumPath!, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await papi('local', 'stop');
    await rm(project, { recursive: true, force: true });
    process.stdout.write(`browser test screenshots are in ${screenshots}\n`);
  }, 60_000);

  it('signs in through the form, returns to /test and shows user 22 as JSON', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(pageUrl);
    // Sent to sign in, with the page asked for kept.
    expect(new URL(page.url()).pathname).toBe('/sfc-endpoint/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/test');
    await expect.poll(() => page.getByRole('heading').textContent()).toBe('Sign in');
    await shot(page, 'a1-sign-in-form');

    await page.getByLabel('User').fill('PAPI');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Incorrect user name or password.');
    await shot(page, 'a2-wrong-password');

    await page.getByLabel('Password').fill(readFileSync(join(dataDir, 'admin-password'), 'utf8').trim());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(pageUrl);
    const cookies = await context.cookies();
    expect(cookies).toEqual([expect.objectContaining({ name: `papi-local-ingress-${new URL(pageUrl).port}`, httpOnly: true, sameSite: 'Lax', path: '/' })]);

    const json = await lookUp(page);
    expect(json).toEqual([expect.objectContaining({ USER_ID: 22, RECOMMENDATIONS: expect.any(Array) })]);
    expect(json).toEqual(await getJson('22'));
    await shot(page, 'a3-test-page-user-22');
    await context.close();
  });

  it('papi open --print gives a one-time link that lands on /test signed in; the link works once', async () => {
    const printed = await papi('open', '--print');
    expect(printed.code, printed.stderr).toBe(0);
    const link = printed.stdout.trim();
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sfc-endpoint\/one-time\?code=[A-Za-z0-9_-]+$/);

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link);
    expect(page.url()).toBe(pageUrl);
    expect(await lookUp(page)).toEqual(await getJson('22'));
    await shot(page, 'b1-one-time-link-test-page');

    const again = await (await browser.newContext()).newPage();
    const response = await again.goto(link);
    expect(response?.status()).toBe(401);
    await expect.poll(() => again.getByRole('heading').textContent()).toBe('Link expired');
    await shot(again, 'b2-one-time-link-used-twice');
    await again.context().close();
    await context.close();

    // Without a display or $BROWSER, papi open prints the page's URL (not a sign-in link) and says why.
    const headless = await runCli(['open'], { cwd: project, env: { ...env, DISPLAY: '', WAYLAND_DISPLAY: '', BROWSER: '' } });
    expect(headless.code, headless.stderr).toBe(0);
    expect(headless.stdout).toBe(`${pageUrl}\n`);
    expect(headless.stderr).toMatch(/No browser could be opened: no display/);
  });

  it('papi open --print after papi local was stopped starts it again and waits for the endpoint to listen', async () => {
    expect((await papi('local', 'stop')).code).toBe(0);
    const printed = await papi('open', '--print');
    expect(printed.code, printed.stderr).toBe(0);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(printed.stdout.trim());
    expect(page.url()).toBe(pageUrl);
    // The restored service's container may still be starting: its ingress answers 503 until it is ready.
    await expect.poll(async () => (await page.reload())?.status(), { timeout: 60_000, interval: 500 }).toBe(200);
    expect(await lookUp(page)).toEqual(await getJson('22'));
    await context.close();
  });

  it("lets in only users whose role may use the service's endpoints: a 403 page, then /test once granted", async () => {
    const local = await runningInstance(dataDir);
    const admin = await connect({ account: local!.account, accessUrl: local!.accessUrl, user: local!.user, password: await readPassword(dataDir), role: 'ACCOUNTADMIN' });
    try {
      for (const statement of ['CREATE ROLE VIEWER_ROLE', "CREATE USER VIEWER PASSWORD = 'viewer-password-1' DEFAULT_ROLE = VIEWER_ROLE", 'GRANT ROLE VIEWER_ROLE TO USER VIEWER']) {
        await admin.execute(statement);
      }
      const signIn = async (): Promise<Page> => {
        const page = await (await browser.newContext()).newPage();
        await page.goto(pageUrl);
        await page.getByLabel('User').fill('viewer');
        await page.getByLabel('Password').fill('viewer-password-1');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForLoadState();
        return page;
      };
      const refused = await signIn();
      await expect.poll(() => refused.getByRole('heading').textContent()).toBe('Not allowed');
      expect(await refused.locator('body').textContent()).toContain(`User VIEWER (role VIEWER_ROLE) may not use the endpoints of service ${serviceName}.`);
      expect(await refused.context().cookies()).toEqual([]);
      await shot(refused, 'd1-role-without-endpoint-usage');
      await refused.context().close();

      await admin.execute(`GRANT SERVICE ROLE ${serviceName}!ALL_ENDPOINTS_USAGE TO ROLE VIEWER_ROLE`);
      const allowed = await signIn();
      await allowed.waitForURL(pageUrl);
      expect(await lookUp(allowed)).toEqual(await getJson('22'));
      await allowed.context().close();
    } finally {
      await admin.close();
    }
  });

  it('a papi bench --output report renders its tables and charts', async () => {
    const report = join(project, 'report.html');
    const bench = await papi('bench', '--requests', '200', '--rate', '100', '--warmup', '0', '--output', report);
    expect(bench.code, bench.stderr).toBe(0);
    const page = await browser.newPage();
    await page.goto(pathToFileURL(report).href);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('papi bench');
    // The latency table: a header row of percentiles, a row with numbers under them.
    const header = await page.locator('table').nth(1).locator('tr').first().textContent();
    expect(header).toMatch(/p50.*p90.*p95.*p99.*p99\.9.*max/);
    const firstRow = await page.locator('table').nth(1).locator('tr').nth(1).locator('td').allTextContents();
    expect(firstRow.length).toBe(6);
    for (const cell of firstRow) expect(cell).toMatch(/^\d/);
    // The charts draw: each SVG has a visible size and a line with points.
    for (const label of ['latency over time', 'latency distribution']) {
      const chart = page.getByRole('img', { name: label });
      const box = await chart.boundingBox();
      expect(box?.width).toBeGreaterThan(100);
      expect(box?.height).toBeGreaterThan(50);
      expect(await chart.locator('polyline, path, rect').count()).toBeGreaterThan(0);
    }
    await shot(page, 'c1-bench-report');
    await page.close();
  });
});

/** What `papi get` answers for the ids, to compare with what the page shows. */
async function getJson(ids: string): Promise<unknown> {
  const got = await papi('get', ids, '--json');
  if (got.code !== 0) throw new Error(`papi get exited ${got.code}\n${got.stderr}`);
  return JSON.parse(got.stdout);
}
