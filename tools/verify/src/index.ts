// The system verifier, for the tests and the demos: `verify` over the services' own APIs, and its report.
export { formatReport, heal, KEPT, readCounters, verify } from './verify';
export type { Counters, MissingEffect, VerifyInput, VerifyReport, VerifyTarget } from './verify';
