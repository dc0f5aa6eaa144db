// The OpenAPI document of a declared API: zod's own schemas as components, the shell's routes and errors added, and
// GET /openapi.json refusing to serve an API that differs from the routes.
import request from 'supertest';
import { z } from 'zod';
import { defineApi, ErrorBody, Id, ID_PATTERN, type HttpApi } from '@lab/contracts';
import {
  answerSchema,
  createHttpShell,
  errorsOf,
  FaultSettings,
  mountOpenApi,
  NO_FAULTS,
  openApiDocument,
  shellOperations,
  silentLogger,
} from '../src';

const Thing = z.strictObject({ thingId: Id, size: z.number().int().default(1) });
const Box = z.strictObject({ things: z.array(Thing) });
const api: HttpApi = defineApi({
  service: 't',
  title: 't',
  version: '1.0.0',
  description: 'a test API.',
  schemas: { Id, Thing, Box },
  operations: [
    {
      id: 'putBox',
      method: 'put',
      path: '/boxes/{boxId}',
      summary: 'Put a box',
      params: [{ in: 'path', name: 'boxId', schema: Id, description: 'the box' }],
      body: Box,
      answers: { 200: { description: 'stored', body: Box } },
      errors: { 400: ['validation_failed'], 404: ['not_found'] },
    },
  ],
});

function shell(tokens: { adminToken?: string; appApiToken?: string } = {}) {
  return createHttpShell({
    config: { service: 't', adminToken: tokens.adminToken, appApiToken: tokens.appApiToken, faults: NO_FAULTS },
    log: silentLogger(),
    ready: async () => true,
  });
}

describe('openApiDocument(api)', () => {
  const doc = openApiDocument(api);
  const op = doc.paths['/boxes/{boxId}']!.put as Record<string, any>;

  it('names every schema once, and gives a request form of its own to one whose input differs (a default)', () => {
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Id', 'Thing', 'Box', 'ThingInput', 'BoxInput', 'ErrorBody', 'FaultSettingsInput']),
    );
    expect(doc.components.schemas.Thing).toMatchObject({ required: ['thingId', 'size'] });
    expect(doc.components.schemas.ThingInput).toMatchObject({ required: ['thingId'] });
    expect(doc.components.schemas.BoxInput).toMatchObject({
      properties: { things: { items: { $ref: '#/components/schemas/ThingInput' } } },
    });
    expect(op.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/BoxInput' });
    expect(op.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Box' });
    expect(JSON.stringify(doc)).not.toMatch(/"\$id"|"\$schema"/);
  });

  it('constrains path parameters with the id pattern of the contracts', () => {
    const pattern = ID_PATTERN.source;
    expect(op.parameters).toEqual([
      { name: 'boxId', in: 'path', required: true, description: 'the box', schema: { type: 'string', pattern } },
    ]);
  });

  it("adds the shell's errors, each with the error body, and its routes with bearer auth on /admin", () => {
    expect(Object.keys(op.responses)).toEqual(['200', '400', '404', '413', '415', '500', '503']);
    expect(op.responses['400'].description).toMatch(/validation_failed.*\n.*bad_path.*\n.*malformed_json/);
    expect(op.responses['503'].description).toMatch(/injected_fault/);
    for (const status of ['400', '404', '500']) {
      expect(op.responses[status].content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/ErrorBody',
      });
    }
    const faults = doc.paths['/admin/faults'] as Record<string, any>;
    expect(faults.put.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(faults.get.responses)).toEqual(['200', '400', '401', '403', '500']); // exempt from faults
    const document = doc.paths['/openapi.json'] as Record<string, any>;
    expect(Object.keys(document.get.responses)).toEqual(['200', '400', '500']); // so is the document
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/healthz']!.get).not.toHaveProperty('security');
  });

  it('answerSchema(api, id, status) is the declared body, the error body for a documented error, else throws', () => {
    expect(answerSchema(api, 'putBox', 200)).toBe(Box);
    expect(answerSchema(api, 'putBox', 415)).toBe(ErrorBody);
    expect(answerSchema(api, 'setFaults', 200)).toBe(FaultSettings);
    expect(() => answerSchema(api, 'putBox', 409)).toThrow(/does not document the status 409/);
    expect(() => answerSchema(api, 'nope', 200)).toThrow(/no operation nope/);
    expect([...errorsOf(shellOperations.find(o => o.id === 'readyz')!).keys()]).toEqual([400, 500]);
  });

  it('refuses a body that is not a named schema, an operation declared twice, a status both answer and error', () => {
    const [put] = api.operations;
    const variant = (o: object) => defineApi({ ...api, operations: [{ ...put!, ...o }] });
    expect(() => openApiDocument(variant({ body: z.object({}) }))).toThrow(/not one of the API's named schemas/);
    expect(() => openApiDocument(defineApi({ ...api, operations: [put!, put!] }))).toThrow(/declared twice/);
    expect(() => openApiDocument(variant({ errors: { 200: ['conflict'] } }))).toThrow(/both as an answer/);
  });
});

describe('mountOpenApi(router, api)', () => {
  it('serves the document at GET /openapi.json without a credential, while /admin still needs one', async () => {
    const s = shell({ adminToken: 'adm', appApiToken: 'app' });
    s.router.put('/boxes/:id', ctx => {
      ctx.body = { things: [] };
    });
    s.router.post('/events/thing-made', ctx => {
      ctx.body = { status: 'SUCCESS' }; // sidecar-only: not part of the API
    });
    mountOpenApi(s.router, api);
    const server = s.finish().callback();
    const res = await request(server)
      .get('/openapi.json')
      .expect(200)
      .expect('Content-Type', /application\/json/);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(openApiDocument(api))));
    await request(server).get('/admin/faults').expect(401);
    await request(server).get('/OpenAPI.json').expect(404);
  });

  it('throws when a route is not declared, or a declared operation is not routed', () => {
    const extra = shell();
    extra.router.put('/boxes/:id', () => undefined);
    extra.router.get('/boxes', () => undefined);
    expect(() => mountOpenApi(extra.router, api)).toThrow(/GET \/boxes is routed but not declared/);
    expect(() => mountOpenApi(shell().router, api)).toThrow(/PUT \/boxes\/\{\} is declared but not routed/);
  });
});
