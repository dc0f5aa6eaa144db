export { LocalSystem } from './system';
export type { SystemOptions, ServiceHandle } from './system';
export { readCatalog, portsFor, portEnvName, BASE, REPO_ROOT } from './catalog';
export type { ServiceEntry, Ports } from './catalog';
export { waitFor, httpStatus } from './wait';
export type { WaitOptions } from './wait';
export { redisCommand } from './redis';
export { renderRunFile } from './run-file';
export { renderAsyncApi } from './asyncapi';
