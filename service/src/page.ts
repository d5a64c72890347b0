// GET /test: a page to try the API from a browser. Self-contained (no external scripts, styles or
// fonts) and using only relative URLs, so it works behind the ingress at any path prefix.

export const TEST_PAGE_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; base-uri 'none'";

export const TEST_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>papi — try the API</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #1d2330; }
  h1 { font-size: 1.4rem; }
  form { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; }
  input[type=text] { flex: 1; min-width: 14rem; padding: .45rem .6rem; font: inherit; border: 1px solid #9aa3b5; border-radius: 4px; }
  button { padding: .45rem 1rem; font: inherit; border: 0; border-radius: 4px; background: #29b5e8; color: #fff; cursor: pointer; }
  #meta { margin: 1rem 0 .3rem; color: #4b5568; min-height: 1.5em; }
  pre { background: #f3f5f8; border: 1px solid #dde2ea; border-radius: 4px; padding: 1rem; overflow: auto; max-height: 60vh; white-space: pre-wrap; word-break: break-word; }
  .error { color: #b42318; }
</style>
</head>
<body>
<h1>Recommendations lookup</h1>
<p>Enter one user id, or several separated by commas.</p>
<form id="lookup">
  <input id="ids" type="text" name="ids" value="22" autocomplete="off" aria-label="user ids" required>
  <label><input id="strict" type="checkbox"> strict</label>
  <button type="submit">Look up</button>
</form>
<div id="meta" aria-live="polite"></div>
<pre id="result">(no request yet)</pre>
<script>
  const form = document.getElementById('lookup');
  const meta = document.getElementById('meta');
  const result = document.getElementById('result');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const ids = document.getElementById('ids').value.trim();
    const strict = document.getElementById('strict').checked;
    // Relative URL: resolves against this page, whatever prefix the ingress serves it under.
    const url = 'customer/' + encodeURIComponent(ids).replace(/%2C/gi, ',') + (strict ? '?strict=1' : '');
    meta.textContent = 'Loading…';
    meta.className = '';
    const started = performance.now();
    try {
      const response = await fetch(url, { headers: { accept: 'application/json' } });
      const text = await response.text();
      const ms = (performance.now() - started).toFixed(1);
      const cache = response.headers.get('x-cache');
      meta.textContent = 'HTTP ' + response.status + ' in ' + ms + ' ms' + (cache ? ' · cache ' + cache : '');
      meta.className = response.ok ? '' : 'error';
      try { result.textContent = JSON.stringify(JSON.parse(text), null, 2); } catch { result.textContent = text; }
    } catch (error) {
      meta.textContent = 'Request failed: ' + error;
      meta.className = 'error';
      result.textContent = '';
    }
  });
</script>
</body>
</html>
`;
