// The one access guard of every app: which credential a path needs, decided on the normalised path before any
// routing or body parsing, so letter case, percent-encoding, doubled slashes or dot segments cannot slip past it.
import type { Context, Next } from 'koa';
import { timingSafeEqual } from 'node:crypto';
import { HttpError } from './errors';
import { EVENTS_SEGMENT } from './event-routes';

/** Constant-time equality of two secrets; a different length is a mismatch, without an early return on content. */
export function sameSecret(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '', 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // timingSafeEqual needs equal lengths: compare the expected value with itself so the time does not depend on
  // how much of `given` matched, then report the mismatch.
  if (a.length !== b.length) {
    timingSafeEqual(b, b);
    return false;
  }
  return timingSafeEqual(a, b);
}

/**
 * The path as the guard sees it: percent-decoded (until stable, at most 3 rounds), lower-cased, duplicate slashes
 * collapsed, `.` and `..` segments resolved, no trailing slash. Undefined when it cannot be decoded (answer 400).
 */
export function normalisePath(raw: string): string | undefined {
  let path = raw;
  for (let i = 0; i < 3 && path.includes('%'); i++) {
    try {
      path = decodeURIComponent(path);
    } catch {
      return undefined;
    }
  }
  const out: string[] = [];
  for (const segment of path.toLowerCase().replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`;
}

/** Who may call a path: the sidecar (`dapr-api-token` = APP_API_TOKEN), an operator (admin bearer), the chaos API. */
export type Credential = 'sidecar' | 'admin' | 'chaos';

export interface GuardRule {
  /** A first path segment, lower case without slashes (`admin` guards `/admin` and everything under it). */
  prefix: string;
  credential: Credential;
  /** Only these methods (upper case); every method when absent. */
  methods?: readonly string[];
}

/** What every app guards: its admin API, and the routes only its sidecar may call (deliveries, subscribe, sync chain). */
export const DEFAULT_RULES: readonly GuardRule[] = [
  { prefix: 'admin', credential: 'admin' },
  { prefix: 'dapr', credential: 'sidecar' },
  { prefix: EVENTS_SEGMENT, credential: 'sidecar' },
  { prefix: 'sync', credential: 'sidecar' },
];

export interface GuardTokens {
  /** APP_API_TOKEN: what daprd presents as `dapr-api-token`. Unset: sidecar routes are open (tests without daprd). */
  appApiToken: string | undefined;
  /** ADMIN_TOKEN. Unset: the admin API is off (403). */
  adminToken: string | undefined;
  /** The chaos API's bearer token (only the chaos app has one). Unset: its routes are off (403). */
  chaosToken?: string | undefined;
}

/** The rule for a normalised path and method, if any. */
export function ruleFor(rules: readonly GuardRule[], path: string, method: string): GuardRule | undefined {
  const first = path.split('/')[1] ?? '';
  return rules.find(r => r.prefix === first && (!r.methods || r.methods.includes(method.toUpperCase())));
}

const bearer = (ctx: Context) => /^Bearer (.+)$/.exec(ctx.get('authorization'))?.[1];

/** Throws the 401/403 a request without the credential gets; returns when it may go on. */
export function checkCredential(ctx: Context, credential: Credential, tokens: GuardTokens): void {
  if (credential === 'sidecar') {
    if (tokens.appApiToken === undefined) return;
    if (!sameSecret(ctx.get('dapr-api-token'), tokens.appApiToken)) {
      throw new HttpError(401, 'unauthorized', 'missing or wrong dapr-api-token (only the sidecar may call this)');
    }
    return;
  }
  const expected = credential === 'admin' ? tokens.adminToken : tokens.chaosToken;
  const name = credential === 'admin' ? 'ADMIN_TOKEN' : 'CHAOS_TOKEN';
  if (!expected) throw new HttpError(403, `${credential}_disabled`, `set ${name} to enable this API`);
  if (!sameSecret(bearer(ctx), expected)) {
    throw new HttpError(401, 'unauthorized', `send Authorization: Bearer <${name}>`);
  }
}

/**
 * The guard middleware: runs before body parsing and routing. A path that cannot be decoded is 400; a guarded
 * prefix (in any spelling) without its credential is 401 (403 when that API is off), and the router, strict and
 * case-sensitive, only ever sees a request whose credential was checked against the canonical prefix.
 */
export function accessGuard(rules: readonly GuardRule[], tokens: GuardTokens) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const path = normalisePath(ctx.path);
    if (path === undefined) throw new HttpError(400, 'bad_path', 'the request path is not valid percent-encoding');
    const rule = ruleFor(rules, path, ctx.method);
    if (rule) checkCredential(ctx, rule.credential, tokens);
    await next();
  };
}
