// How an HTTP API is declared: its operations as data with the zod schemas they take and answer, plus the shapes
// every app shares (the one error body, health). kit serves it as OpenAPI 3.1; services and tests parse with it.
import { z } from 'zod';

/** Every error code an app answers with, and what it means (kit's errors.ts, guard.ts, faults.ts build them). */
export const ERROR_CODES = {
  validation_failed: 'a body field, path or query id or header is invalid; `fields` names each one',
  malformed_json: 'the body is not valid JSON',
  invalid_request: 'a query value is invalid; `fields` names it',
  bad_path: 'the path is not valid percent-encoding',
  unauthorized: 'missing or wrong `Authorization: Bearer <ADMIN_TOKEN>`',
  admin_disabled: 'the service has no ADMIN_TOKEN: its admin API is off',
  not_found: 'no such resource (a GET right after a 202 can be a 404 for a few milliseconds)',
  conflict: 'the request contradicts what is stored (an Idempotency-Key reused with another body, an email taken)',
  payload_too_large: 'the body is above 64 KB',
  unsupported_media_type: 'the body is not `application/json`',
  internal: 'an unexpected error (logged); never a stack trace',
  downstream_failed: 'a service of the synchronous chain answered an error; the whole request fails',
  sidecar_unavailable: 'the sidecar (or a component behind it) did not answer; try again after `Retry-After` seconds',
  injected_fault: 'a failure injected by the fault knobs (PUT /admin/faults)',
  audit_unavailable: 'the audit log could not answer; the timeline needs it',
  downstream_unreachable: 'a service of the synchronous chain did not answer',
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export const ErrorField = z.strictObject({ field: z.string(), message: z.string() });

/** The one error body of every app: `{"error":{"code","message","fields"?}}`. */
export const ErrorBody = z.strictObject({
  error: z.strictObject({
    code: z.string().describe('stable and machine-readable; each response lists the codes it may carry'),
    message: z.string().describe('for people; may change'),
    fields: z.array(ErrorField).min(1).optional().describe('every invalid field (validation_failed, invalid_request)'),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const Health = z.strictObject({ status: z.literal('ok'), service: z.string() });
export const Readiness = z.strictObject({ status: z.enum(['ready', 'not ready']), service: z.string() });

const count = z.number().int().nonnegative();
export const TopicDeliveries = z.strictObject({
  deliveries: count.describe('deliveries received, redeliveries included'),
  distinct: count.describe('distinct event ids among them'),
  redeliveries: count,
});
/** GET /admin/deliveries: per topic this app subscribes to. */
export const DeliveryCounts = z.record(z.string(), TopicDeliveries);

/** GET /openapi.json: the document itself (its own schema is the OpenAPI 3.1 specification's). */
export const OpenApiDocument = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

export type HttpMethod = 'get' | 'post' | 'put';

export interface HttpParam {
  in: 'path' | 'query' | 'header';
  name: string;
  schema: z.ZodType;
  description: string;
  /** Path parameters always are. */
  required?: boolean;
}

export interface HttpAnswer {
  description: string;
  /** The JSON body; one of the API's named schemas. */
  body?: z.ZodType;
  headers?: Record<string, { schema: z.ZodType; description: string }>;
}

export interface HttpOperation {
  /** The OpenAPI operationId, unique in the document. */
  id: string;
  method: HttpMethod;
  /** OpenAPI path template (`/orders/{orderId}`). */
  path: string;
  summary: string;
  description?: string;
  /** Needs `Authorization: Bearer <ADMIN_TOKEN>` (kit's guard answers 401, or 403 when the service has none). */
  admin?: boolean;
  params?: readonly HttpParam[];
  /** The JSON request body, validated with this schema; one of the API's named schemas. */
  body?: z.ZodType;
  /** False when the body may be left out. */
  bodyRequired?: boolean;
  /** Answers other than the error body, by status. */
  answers: Readonly<Record<number, HttpAnswer>>;
  /** Error bodies this operation itself answers, by status; kit adds those of its shell (guard, body rules, 500). */
  errors?: Readonly<Partial<Record<number, readonly ErrorCode[]>>>;
}

export interface HttpApi {
  /** The service's name in services/catalog.json. */
  service: string;
  title: string;
  description: string;
  version: string;
  /** Named shapes, by component name (components/schemas): every body above must be one of them. */
  schemas: Readonly<Record<string, z.ZodType>>;
  operations: readonly HttpOperation[];
}

export const defineApi = (api: HttpApi): HttpApi => Object.freeze(api);
