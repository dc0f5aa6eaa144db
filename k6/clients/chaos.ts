// The chaos API from a VU: lib/chaos.ts's requests, sent with the token from the environment.
import * as chaos from '../lib/chaos.ts';
import type { Faults } from '../lib/payloads.ts';
import { env } from './env.ts';
import { send } from './http.ts';

export const listServices = () => send(chaos.listServices(env));
export const listServicesUnauthenticated = () => send(chaos.listServicesUnauthenticated(env));
export const stopService = (s: string) => send(chaos.act(env, s, 'stop'));
export const startService = (s: string) => send(chaos.act(env, s, 'start'));
export const killService = (s: string) => send(chaos.act(env, s, 'kill'));
export const setFaults = (s: string, faults: Faults) => send(chaos.setFaults(env, s, faults));
