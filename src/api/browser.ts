// Opening a URL in the person's default browser, and knowing whether that worked (so papi open can
// print the URL instead). The `open` package starts the opener but does not say whether a browser
// came up, which is the one thing papi needs here: hence these few lines.
import { spawn } from 'node:child_process';

export type BrowserOpen = { opened: true } | { opened: false; reason: string };

/** How long an opener may run before papi takes "still running" as "a browser is showing it". */
const OPENER_WAIT_MS = 5000;

/** The opener for this machine: $BROWSER, else open (macOS), rundll32 (Windows), xdg-open with a display. */
export function browserCommand(env: Record<string, string | undefined>, platform = process.platform): { command: string; args: string[] } | { reason: string } {
  const chosen = env.BROWSER?.split(':')[0]?.trim();
  if (chosen) return { command: chosen, args: [] };
  if (platform === 'darwin') return { command: 'open', args: [] };
  if (platform === 'win32') return { command: 'rundll32', args: ['url.dll,FileProtocolHandler'] };
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return { reason: 'no display to open a browser on (DISPLAY and WAYLAND_DISPLAY are unset, BROWSER is not set)' };
  return { command: 'xdg-open', args: [] };
}

export function openInBrowser(url: string, env: Record<string, string | undefined>): Promise<BrowserOpen> {
  const opener = browserCommand(env);
  if ('reason' in opener) return Promise.resolve({ opened: false, reason: opener.reason });
  return new Promise((resolve) => {
    const child = spawn(opener.command, [...opener.args, url], { stdio: 'ignore', detached: true, env: { ...process.env, ...env } as NodeJS.ProcessEnv });
    const timer = setTimeout(() => {
      child.unref();
      resolve({ opened: true });
    }, OPENER_WAIT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ opened: false, reason: `${opener.command} could not run: ${error.message}` });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code === 0 ? { opened: true } : { opened: false, reason: `${opener.command} exited with ${code ?? signal}` });
    });
  });
}
