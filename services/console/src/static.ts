// The page, its script and its style: read once, served from memory, with a policy that lets the page load
// nothing from anywhere else.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HttpShell } from '@lab/kit';

const PUBLIC = join(__dirname, '..', 'public');
export const PAGE_FILES = [
  { path: '/', file: 'index.html', type: 'text/html; charset=utf-8' },
  { path: '/console.js', file: 'console.js', type: 'text/javascript; charset=utf-8' },
  { path: '/console.css', file: 'console.css', type: 'text/css; charset=utf-8' },
] as const;

const POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'";

export function mountPage(router: HttpShell['router'], dir = PUBLIC): void {
  for (const f of PAGE_FILES) {
    const body = readFileSync(join(dir, f.file));
    router.get(f.path, ctx => {
      ctx.type = f.type;
      ctx.set('Content-Security-Policy', POLICY);
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('Referrer-Policy', 'no-referrer');
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = body;
    });
  }
}
