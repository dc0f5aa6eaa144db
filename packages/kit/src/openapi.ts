// OpenAPI 3.1 from a service's declared API (packages/contracts) plus the shell's own routes. Every schema is zod's
// own JSON Schema output (draft 2020-12, the dialect of OpenAPI 3.1), never written by hand.
import { z } from 'zod';
import {
  ERROR_CODES,
  ErrorBody,
  type ErrorCode,
  type HttpApi,
  type HttpOperation,
  type HttpParam,
} from '@lab/contracts';
import { RETRY_AFTER_SECONDS } from './errors';
import { components, inline, type Json, type Ref } from './openapi-components';
import { isFaultExempt } from './faults';
import { shellOperations, shellSchemas } from './shell-api';

export interface OpenApiObject {
  openapi: string;
  info: { title: string; version: string; description: string };
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };
}

const JSON_TYPE = 'application/json';

/** Every operation of a service's document: its own, then the shell's. */
export const operationsOf = (api: HttpApi): HttpOperation[] => [...api.operations, ...shellOperations];

/** The error codes an operation may answer, by status: its own, plus the shell's (guard, body rules, faults, 500). */
export function errorsOf(op: HttpOperation): Map<number, ErrorCode[]> {
  const out = new Map<number, ErrorCode[]>();
  const add = (status: number, ...codes: readonly ErrorCode[]) =>
    out.set(status, [...new Set([...(out.get(status) ?? []), ...codes])]);
  for (const [status, codes] of Object.entries(op.errors ?? {})) add(Number(status), ...(codes ?? []));
  add(400, 'bad_path');
  if (op.method !== 'get') {
    add(400, 'malformed_json');
    add(413, 'payload_too_large');
    add(415, 'unsupported_media_type');
  }
  if (op.admin) {
    add(401, 'unauthorized');
    add(403, 'admin_disabled');
  }
  add(500, 'internal');
  if (!isFaultExempt(op.path)) add(503, 'injected_fault');
  return new Map([...out].sort(([a], [b]) => a - b));
}

/** The schema an answer of `operationId` with `status` must match (the error body for a documented error). */
export function answerSchema(api: HttpApi, operationId: string, status: number): z.ZodType {
  const op = operationsOf(api).find(o => o.id === operationId);
  if (!op) throw new Error(`the ${api.service} API has no operation ${operationId}`);
  const answer = op.answers[status];
  if (answer) return answer.body ?? z.undefined();
  if (errorsOf(op).has(status)) return ErrorBody;
  throw new Error(`${operationId} does not document the status ${status}`);
}

const parameter = (p: HttpParam) => ({
  name: p.name,
  in: p.in,
  required: p.in === 'path' || p.required === true,
  description: p.description,
  schema: inline(p.schema, 'input'),
});

function responses(op: HttpOperation, ref: Ref): Json {
  const out: Json = {};
  for (const [status, a] of Object.entries(op.answers)) {
    out[status] = {
      description: a.description,
      ...(a.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(a.headers).map(([name, h]) => [
                name,
                { description: h.description, schema: inline(h.schema, 'output') },
              ]),
            ),
          }
        : {}),
      ...(a.body ? { content: { [JSON_TYPE]: { schema: ref(a.body, 'output', `${op.id} ${status}`) } } } : {}),
    };
  }
  for (const [status, codes] of errorsOf(op)) {
    if (out[status]) throw new Error(`${op.id} declares ${status} both as an answer and as an error`);
    const retry = codes.includes('sidecar_unavailable')
      ? {
          'Retry-After': {
            description: `with sidecar_unavailable: seconds to wait (${RETRY_AFTER_SECONDS})`,
            schema: inline(z.string(), 'output'),
          },
        }
      : undefined;
    out[status] = {
      description: codes.map(c => `- \`${c}\`: ${ERROR_CODES[c]}`).join('\n'),
      ...(retry ? { headers: retry } : {}),
      content: { [JSON_TYPE]: { schema: ref(ErrorBody, 'output', 'the error body') } },
    };
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => Number(a) - Number(b)));
}

function operation(op: HttpOperation, ref: Ref, tag: string): Json {
  return {
    operationId: op.id,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [tag],
    ...(op.admin ? { security: [{ bearerAuth: [] }] } : {}),
    ...(op.params?.length ? { parameters: op.params.map(parameter) } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: op.bodyRequired !== false,
            content: { [JSON_TYPE]: { schema: ref(op.body, 'input', `${op.id}'s request body`) } },
          },
        }
      : {}),
    responses: responses(op, ref),
  };
}

const ABOUT =
  ' Every error is one JSON shape, `ErrorBody`; each response lists the codes it may carry. An unknown route is a ' +
  'JSON 404 (`not_found`), a known path with another method a 405 (`method_not_allowed`, with `Allow`). Routes ' +
  'under /admin need `Authorization: Bearer <ADMIN_TOKEN>`. Generated from the zod schemas in packages/contracts ' +
  '(`./lab gen` writes docs/openapi/); each public service serves it at GET /openapi.json.';

/** The OpenAPI 3.1 document of a service: its declared API and the shell's routes. */
export function openApiDocument(api: HttpApi): OpenApiObject {
  const named: Record<string, z.ZodType> = { ...api.schemas };
  for (const [id, schema] of Object.entries(shellSchemas)) {
    if (named[id] && named[id] !== schema) throw new Error(`${api.service} names another schema ${id}`);
    named[id] = schema;
  }
  const { schemas, ref } = components(named);
  const paths: OpenApiObject['paths'] = {};
  const ids = new Set<string>();
  for (const op of operationsOf(api)) {
    const item = (paths[op.path] ??= {});
    if (item[op.method] || ids.has(op.id)) throw new Error(`${op.id} (${op.method} ${op.path}) is declared twice`);
    ids.add(op.id);
    const tag = op.admin ? 'admin' : api.operations.includes(op) ? api.service : 'service';
    item[op.method] = operation(op, ref, tag);
  }
  return {
    openapi: '3.1.1',
    info: { title: `${api.title} API`, version: api.version, description: api.description + ABOUT },
    tags: [
      { name: api.service, description: `${api.service}'s own API` },
      { name: 'admin', description: 'operators and tests: `Authorization: Bearer <ADMIN_TOKEN>`' },
      { name: 'service', description: 'what every app serves: health and this document' },
    ],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'ADMIN_TOKEN; without one the admin API is off (403)',
        },
      },
    },
  };
}
