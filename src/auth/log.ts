// What the auth library may say while it works. src/ui/output.ts's Output satisfies it; tests and
// callers that want silence pass nothing.
export interface AuthLog {
  debug(message: string): void;
  warn(message: string): void;
}

export const silentLog: AuthLog = { debug() {}, warn() {} };
