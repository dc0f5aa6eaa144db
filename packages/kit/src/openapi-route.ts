// GET /openapi.json: the document built in process from the declared API, checked against the routes the app has.
import type Router from '@koa/router';
import type { HttpApi } from '@lab/contracts';
import { DEFAULT_RULES, ruleFor } from './guard';
import { openApiDocument, operationsOf } from './openapi';
import { OPENAPI_PATH } from './shell-api';

const key = (method: string, template: string) => `${method.toUpperCase()} ${template}`;

/**
 * What the router and the declared API do not share: routes nobody declared, and operations nothing serves (a
 * parameter's name aside). Routes only the sidecar may call (/dapr, /events, /sync) are not part of the API.
 */
export function routeDrift(router: Router, api: HttpApi): string[] {
  const routed = new Set(
    router.stack.flatMap(layer => {
      const path = layer.path;
      if (typeof path !== 'string') return [];
      return layer.methods
        .filter(m => m !== 'HEAD' && ruleFor(DEFAULT_RULES, path, m)?.credential !== 'sidecar')
        .map(m => key(m, path.replace(/:[^/]+/g, '{}')));
    }),
  );
  const declared = new Set(operationsOf(api).map(op => key(op.method, op.path.replace(/\{[^}]+\}/g, '{}'))));
  return [
    ...[...routed].filter(r => !declared.has(r)).map(r => `${r} is routed but not declared`),
    ...[...declared].filter(d => !routed.has(d)).map(d => `${d} is declared but not routed`),
  ];
}

/**
 * Serves the service's OpenAPI document at GET /openapi.json (no credential: no guarded prefix covers it). Call it
 * after every other route is mounted: it throws when the routes and the declared API differ, so a route added
 * without its declaration in packages/contracts fails every test of the app.
 */
export function mountOpenApi(router: Router, api: HttpApi): void {
  // Rendered on the first request, not at start: building the JSON Schemas of every body is most of what a service
  // allocates while starting, and few processes are ever asked for their document.
  let text: string | undefined;
  router.get(OPENAPI_PATH, ctx => {
    text ??= JSON.stringify(openApiDocument(api));
    ctx.type = 'application/json';
    ctx.body = text;
  });
  const drift = routeDrift(router, api);
  if (drift.length > 0) {
    throw new Error(`${api.service}'s routes and its API in packages/contracts differ: ${drift.join('; ')}`);
  }
}
