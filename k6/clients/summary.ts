// handleSummary for every scenario: lib/summary.ts's report files, stamped with the end of the run.
import type { ReportSpec, SummaryData } from '../lib/summary.ts';
import { summaryOutputs } from '../lib/summary.ts';
import { env } from './env.ts';

export const summaryHandler = (spec: ReportSpec) => (data: SummaryData) => summaryOutputs(spec, data, env, Date.now());
