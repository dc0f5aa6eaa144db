// The committed OpenAPI documents are valid OpenAPI 3.1, and say what the guard and the contracts enforce.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileErrors, validate } from '@readme/openapi-parser';
import { httpApis, ID_PATTERN } from '@lab/contracts';
import { readCatalog, REPO_ROOT } from '@lab/runtime';
import { openApiFile, publicApis } from '../src/openapi';

type Json = Record<string, any>;
const catalog = readCatalog();
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
const docs = publicApis(catalog).map(api => {
  const doc = JSON.parse(readFileSync(join(REPO_ROOT, openApiFile(api.service)), 'utf8')) as Json;
  return [api.service, doc] as const;
});

const operations = (doc: Json) =>
  Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    Object.entries(item as Json)
      .filter(([m]) => METHODS.includes(m))
      .map(([method, op]) => ({ path, method, op: op as Json })),
  );

/** Every `$ref` anywhere in the document, with where it is. */
function refs(node: unknown, at = '#'): { at: string; ref: string }[] {
  if (Array.isArray(node)) return node.flatMap((v, i) => refs(v, `${at}/${i}`));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([k, v]) =>
    k === '$ref' && typeof v === 'string' ? [{ at, ref: v }] : refs(v, `${at}/${k}`),
  );
}

const resolve = (doc: Json, ref: string): unknown =>
  ref.startsWith('#/')
    ? ref
        .slice(2)
        .split('/')
        .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce<unknown>((n, key) => (n as Json | undefined)?.[key], doc)
    : undefined;

describe('docs/openapi', () => {
  it('has one document per public service of the catalog, and an API for each', () => {
    expect(docs.map(([name]) => name)).toEqual(catalog.filter(s => s.public).map(s => s.name));
    expect(httpApis.map(a => a.service).sort()).toEqual(docs.map(([name]) => name).sort());
  });

  describe.each(docs)('%s.json', (_name, doc) => {
    it('is valid OpenAPI 3.1 (@readme/openapi-parser: the specification schema, then its own rules)', async () => {
      expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
      const result = await validate(structuredClone(doc));
      expect(result.valid ? 'valid' : compileErrors(result)).toBe('valid');
      expect(result.warnings).toEqual([]);
    });

    it('resolves every $ref inside the document', () => {
      const broken = refs(doc).filter(r => resolve(doc, r.ref) === undefined);
      expect(broken).toEqual([]);
      expect(refs(doc).length).toBeGreaterThan(0);
    });

    it('gives every operation a unique id, a 2xx answer and the error body for every 4xx and 5xx', () => {
      const ops = operations(doc);
      expect(new Set(ops.map(o => o.op.operationId)).size).toBe(ops.length);
      for (const { path, method, op } of ops) {
        const statuses = Object.keys(op.responses ?? {});
        expect({ path, method, ok: statuses.some(s => /^2\d\d$/.test(s)) }).toEqual({ path, method, ok: true });
        for (const s of statuses.filter(s => /^[45]\d\d$/.test(s))) {
          if (op.operationId === 'readyz' && s === '503') continue; // not ready: its own body, not an error
          const schema = op.responses[s].content?.['application/json']?.schema;
          expect({ path, method, s, schema }).toEqual({
            path,
            method,
            s,
            schema: { $ref: '#/components/schemas/ErrorBody' },
          });
        }
      }
    });

    it("declares every path parameter, constrained by the contracts' id pattern", () => {
      for (const { path, op } of operations(doc)) {
        const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map(m => m[1]);
        const params = (op.parameters ?? []).filter((p: Json) => p.in === 'path');
        expect(params.map((p: Json) => p.name)).toEqual(inPath);
        for (const p of params) expect(p.schema).toEqual({ type: 'string', pattern: ID_PATTERN.source });
      }
    });

    it('asks for the bearer admin token exactly on /admin, and a 401 and 403 there', () => {
      expect(doc.components.securitySchemes.bearerAuth).toEqual(
        expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      );
      for (const { path, op } of operations(doc)) {
        const admin = path.startsWith('/admin/');
        expect({ path, security: op.security }).toEqual({ path, security: admin ? [{ bearerAuth: [] }] : undefined });
        if (admin) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
      }
      expect(doc.paths['/openapi.json'].get.security).toBeUndefined();
    });
  });
});
