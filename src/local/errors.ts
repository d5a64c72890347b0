// Errors papi local answers with, shaped like Snowflake's: error number, SQLSTATE, message.
// The server turns them into `{success: false, code, message, data: {errorCode, sqlState, …}}`.

export class SqlError extends Error {
  constructor(
    /** Snowflake's six-digit error number, e.g. '002003'. */
    readonly code: string,
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
    this.name = 'SqlError';
  }
}

/** Error numbers papi local uses (and papi's typed errors recognise). */
export const ErrorCode = {
  syntax: '001003',
  unsupported: '002040',
  alreadyExists: '002002',
  doesNotExist: '002003',
  insufficientPrivileges: '003001',
  duplicateKey: '200001',
  invalidIdentifier: '000904',
  incorrectUserOrPassword: '390100',
  jwtInvalid: '390144',
  oauthInvalid: '390303',
  sessionTokenInvalid: '390104',
  sessionExpired: '390112',
  masterExpired: '390114',
} as const;
