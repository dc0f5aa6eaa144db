export { envReader, readBaseConfig, ConfigError } from './config';
export type { BaseConfig, Env } from './config';
export { createLogger, silentLogger } from './logger';
export type { Logger } from './logger';
export { HttpError, StateConflictError, errorMiddleware, notFound, conflict } from './errors';
export type { FieldError } from './errors';
export { validate } from './validate';
export { createHttpShell, requestBody, BODY_LIMIT } from './http';
export type { HttpShell, HttpShellOptions } from './http';
export { connectDapr } from './dapr';
export type { DaprPorts, DaprSettings, EventBus, PutOptions, Sidecar, StateEntry, StateStore } from './dapr';
export {
  on,
  mountSubscriptions,
  subscriptionList,
  routeFor,
  PermanentEventError,
  DEAD_LETTER_TOPIC,
} from './subscriptions';
export type { EventContext, Subscription, DaprSubscriptionItem } from './subscriptions';
export { memoryDapr, MemoryBus, MemoryState } from './memory';
export type { Published } from './memory';
export { runService } from './run';
