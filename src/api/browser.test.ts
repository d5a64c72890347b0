// papi open's browser: which opener it picks, and that it tells an opener that worked from one that
// did not (real processes: /bin/true, /bin/false, a missing command).
import { describe, expect, it } from 'vitest';
import { browserCommand, openInBrowser } from './browser.js';

describe('the browser opener', () => {
  it('uses $BROWSER, else the platform opener; on Linux only with a display', () => {
    expect(browserCommand({ BROWSER: 'firefox:chromium' }, 'linux')).toEqual({ command: 'firefox', args: [] });
    expect(browserCommand({}, 'darwin')).toEqual({ command: 'open', args: [] });
    expect(browserCommand({}, 'win32')).toEqual({ command: 'rundll32', args: ['url.dll,FileProtocolHandler'] });
    expect(browserCommand({ DISPLAY: ':0' }, 'linux')).toEqual({ command: 'xdg-open', args: [] });
    expect(browserCommand({ DISPLAY: '', BROWSER: '' }, 'linux')).toEqual({ reason: expect.stringMatching(/no display/) });
  });

  it('says whether the opener worked', async () => {
    expect(await openInBrowser('http://127.0.0.1:1/test', { BROWSER: 'true' })).toEqual({ opened: true });
    expect(await openInBrowser('http://127.0.0.1:1/test', { BROWSER: 'false' })).toEqual({ opened: false, reason: 'false exited with 1' });
    expect(await openInBrowser('http://127.0.0.1:1/test', { BROWSER: 'papi-no-such-browser' })).toEqual({ opened: false, reason: expect.stringMatching(/^papi-no-such-browser could not run: .*ENOENT/) });
  });
});
