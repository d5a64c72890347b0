// The Hono environment of papi local's apps: the Node request and response when @hono/node-server
// serves them, absent under app.request() (tests), so every use must allow for both.
import type { HttpBindings } from '@hono/node-server';

export interface LocalHttpEnv {
  Bindings: Partial<HttpBindings>;
}
