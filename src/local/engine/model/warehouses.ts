// The rule every query on tables follows: it runs on the session's current warehouse, which the role
// must be allowed to use; a suspended warehouse with AUTO_RESUME starts.
import { noWarehouse } from '../formats/messages.js';
import type { Exec } from './core.js';

/** A query on tables runs only with a current warehouse the role may use; it starts when suspended. */
export function requireWarehouse(ex: Exec): void {
  const name = ex.session.warehouse;
  const wh = name ? ex.core.state.warehouses[name] : undefined;
  if (!wh || !ex.scope.access.has({ objectType: 'WAREHOUSE', id: wh.id, owner: wh.owner }, 'USAGE')) throw noWarehouse();
  if (wh.state === 'SUSPENDED') {
    if (!wh.autoResume) throw noWarehouse();
    wh.state = 'STARTED';
    ex.core.changed();
  }
}
