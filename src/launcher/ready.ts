// The handshake between a starter (src/launcher/index.ts) and the papi local it starts
// (src/launcher/papi-local.ts): the starter passes the write end of a pipe and names its descriptor in
// this variable; papi local writes one ReadyMessage line there once it serves, and closes it.
export const READY_FD_ENV = 'PAPI_LOCAL_READY_FD';

export interface ReadyMessage {
  pid: number;
  accessUrl: string;
  account: string;
  user: string;
}
