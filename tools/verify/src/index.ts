// The system verifier, for the tests and the demos: `verify` over the services' own APIs, and its report.
export { formatReport, KEPT, readCounters, verify } from './verify';
export type { Counters, VerifyInput, VerifyReport, VerifyTarget } from './verify';
