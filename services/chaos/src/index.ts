// The chaos controller's API for other packages (the local runtime offers the same HTTP API with its own backend).
export { createChaosApp } from './app';
export type { ChaosAppDeps } from './app';
export type { ActionResult, ChaosBackend } from './backend';
export { faultsForwarder } from './faults';
export type { FaultsForwarder, ForwarderOptions } from './faults';
export { labelSelector, planStart, planStop, podsToKill, scaleBody, serviceLabels, statusOf } from './plan';
export type { PodView, ScalePlan, ScaleView, ServiceStatus } from './plan';
export { parseFaults, parseTargets, targetNamed } from './targets';
export type { Faults, Target } from './targets';
export { parseCli, USAGE } from './cli-args';
export type { CliCommand } from './cli-args';
