// Request builders for the chaos API (local runtime or in-cluster controller: the same routes).
import http from 'k6/http';
import { env } from '../lib/env.js';

const auth = () => ({ Authorization: `Bearer ${env.CHAOS_TOKEN}`, 'Content-Type': 'application/json' });
const opts = name => ({ headers: auth(), tags: { flow: 'chaos', name } });

export const listServices = () => http.get(`${env.CHAOS_URL}/chaos/services`, opts('GET /chaos/services'));
export const stopService = s => http.post(`${env.CHAOS_URL}/chaos/services/${s}/stop`, '', opts('POST stop'));
export const startService = s => http.post(`${env.CHAOS_URL}/chaos/services/${s}/start`, '', opts('POST start'));
export const killService = s => http.post(`${env.CHAOS_URL}/chaos/services/${s}/kill`, '', opts('POST kill'));
/** Fault knobs: {latencyMs, jitterMs, errorRate, maxRps, dropRate}; {} clears them. */
export const setFaults = (s, faults) =>
  http.put(`${env.CHAOS_URL}/chaos/services/${s}/faults`, JSON.stringify(faults), opts('PUT faults'));
