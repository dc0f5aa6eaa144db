// What one benchmark run measured, per broker: the shape the report (report.ts, report-broker.ts) renders.
import type { Footprint, Summary } from './measure';
import type { ProfileShare } from './profile';
import type { ObservabilityCost } from './observability';
import type { PublishResult } from './publish';
import type { FlowStep } from './flow';
import type { DeliveryResult } from './delivery';

export type Fps = { service: string; app?: Footprint; daprd?: Footprint }[];

export interface BrokerRun {
  broker: string;
  /** Where the apps' CPU went during one step at half the knee (measured on the first broker only). */
  profile?: { rate: number; seconds: number; orders: number; shares: ProfileShare[] };
  /** daprd's CPU per order with tracing and metrics as shipped, and with both off (first broker only). */
  observability?: ObservabilityCost;
  publish: PublishResult[];
  delivery: DeliveryResult[];
  steps: FlowStep[];
  knee: number;
  half: FlowStep;
  eighty: FlowStep;
  syncVersusEvent: { rate: number; event: Summary; sync: Summary };
  /** warm: just after the warm-up; idle: idleAfterSeconds later, without load; before/loaded: around the 50%/80% steps. */
  footprint: { warm?: Fps; idle: Fps; idleAfterSeconds?: number; before: Fps; loaded: Fps; busySeconds: number };
}

export interface BenchResult {
  machine: { cores: number; cpu: string; memoryGb: number; node: string };
  mode: string;
  at: string;
  runs: BrokerRun[];
}
