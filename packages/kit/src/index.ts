export { envReader, readBaseConfig, ConfigError } from './config';
export type { BaseConfig, Env } from './config';
export { createLogger, silentLogger } from './logger';
export type { Logger } from './logger';
export {
  HttpError,
  StateConflictError,
  SidecarUnavailableError,
  RETRY_AFTER_SECONDS,
  errorMiddleware,
  notFound,
  conflict,
} from './errors';
export type { FieldError } from './errors';
export { validate, validId } from './validate';
export { createHttpShell, BODY_LIMIT } from './http';
export { requestBody } from './request';
export type { HttpShell, HttpShellOptions } from './http';
export { connectDapr, DEFAULT_SIDECAR_TIMEOUT_MS, INVOKE_TIMEOUT_MS } from './dapr';
export { sidecarRequest } from './sidecar-http';
export { clientGone } from './client-gone';
export type { SidecarAnswer, SidecarRequest } from './sidecar-http';
export type {
  DaprPorts,
  DaprSettings,
  EventBus,
  InvokeOptions,
  InvokeResult,
  Invoker,
  PublishOptions,
  PutOptions,
  Sidecar,
  StateEntry,
  StateStore,
} from './dapr';
export {
  on,
  mountSubscriptions,
  subscriptionList,
  routeFor,
  PermanentEventError,
  DEAD_LETTER_TOPIC,
} from './subscriptions';
export type { EventContext, Subscription, DaprSubscriptionItem, RawSubscription } from './subscriptions';
export { runService } from './run';
export { startTasks } from './tasks';
export type { PeriodicTask } from './tasks';
export { keyUpdate, updateEach, updateState, capped, shardOf } from './update';
export { applyEffects, onState } from './fold';
export type { FoldOutcome, StateEffect } from './fold';
export type { KeyUpdate, Mutation, UpdateOptions, UpdateResult } from './update';
export { newTraceparent, traceIdOf, traceparentFrom } from './trace';
export { defineService, loadServiceConfig, startService } from './service';
export type { AppDeps, ServiceApp, ServiceDeps, ServiceRouter, ServiceSpec } from './service';
export { Faults, FaultSettings, NO_FAULTS, isFaultExempt } from './faults';
export { DeliveryCounter, mountAdmin, requireAdmin } from './admin';
export { accessGuard, checkCredential, DEFAULT_RULES, normalisePath, ruleFor, sameSecret } from './guard';
export type { Credential, GuardRule, GuardTokens } from './guard';
export { StateKeyError, checkStateKey, withKeyChecks } from './keys';
export { mapBounded } from './bounded';
export { answerSchema, errorsOf, openApiDocument, operationsOf } from './openapi';
export type { OpenApiObject } from './openapi';
export { mountOpenApi, routeDrift } from './openapi-route';
export { OPENAPI_PATH, shellOperations, shellSchemas } from './shell-api';
export { BUCKETS, countingBus, countReannounced, metricsText, registry as metricsRegistry } from './metrics';
export type { DeadLetterReason, Outcome } from './metrics';
export { deliveryMeter, noteAlreadyApplied, resetMetrics } from './delivery-metrics';
export { LAST_READ_MAX_MS, metricsListener, ScrapeWatch, startMetricsListener } from './metrics-listener';
