// The routes kit's shell gives every app (health, the admin knobs, the API document), declared for its OpenAPI.
import {
  DeliveryCounts,
  ErrorBody,
  ErrorField,
  Health,
  OpenApiDocument,
  Readiness,
  TopicDeliveries,
  type HttpOperation,
} from '@lab/contracts';
import { FaultSettings } from './faults';

export const OPENAPI_PATH = '/openapi.json';

/** The shell's named shapes (components/schemas of every document). */
export const shellSchemas = {
  ErrorBody,
  ErrorField,
  Health,
  Readiness,
  FaultSettings,
  TopicDeliveries,
  DeliveryCounts,
  OpenApiDocument,
};

const faults = { description: 'the knobs in force', body: FaultSettings };

export const shellOperations: readonly HttpOperation[] = [
  {
    id: 'healthz',
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process answers',
    answers: { 200: { description: 'alive', body: Health } },
  },
  {
    id: 'readyz',
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: the app can do its job, its sidecar included',
    answers: {
      200: { description: 'ready', body: Readiness },
      503: { description: 'not ready (its sidecar is not)', body: Readiness },
    },
  },
  {
    id: 'getFaults',
    method: 'get',
    path: '/admin/faults',
    summary: 'The fault knobs',
    admin: true,
    answers: { 200: faults },
  },
  {
    id: 'setFaults',
    method: 'put',
    path: '/admin/faults',
    summary: 'Set the fault knobs (a knob left out is 0; no body clears them all)',
    admin: true,
    body: FaultSettings,
    bodyRequired: false,
    answers: { 200: faults },
    errors: { 400: ['validation_failed'] },
  },
  {
    id: 'getDeliveries',
    method: 'get',
    path: '/admin/deliveries',
    summary: 'Event deliveries per topic, redeliveries counted',
    admin: true,
    answers: { 200: { description: 'per topic this app subscribes to', body: DeliveryCounts } },
  },
  {
    id: 'getOpenApi',
    method: 'get',
    path: OPENAPI_PATH,
    summary: 'This document',
    answers: { 200: { description: 'the OpenAPI 3.1 document of this service', body: OpenApiDocument } },
  },
];
