// user's HTTP API: what POST /users takes, what the sign-up and read routes answer, and the route table.
import { z } from 'zod';
import { Id, UserRegistered } from './events';
import { defineApi } from './http';

/**
 * RFC 5321's limits, which `format: email` in the document holds to and zod's pattern does not: a local part of at
 * most 64 characters, domain labels of at most 63 that do not end in '-'.
 */
const withinRfc5321 = (address: string) => {
  const at = address.lastIndexOf('@');
  const labels = address.slice(at + 1).split('.');
  return at <= 64 && labels.every(l => l.length <= 63 && !l.endsWith('-'));
};
const email = z
  .email()
  .max(254)
  .refine(withinRfc5321, 'a local part of at most 64 characters, domain labels of at most 63 not ending in -');

/**
 * A character String.prototype.trim keeps, spelled out: `\S` means another set in each regex engine that reads the
 * document (Python's counts U+001C-U+001F as space and U+FEFF as not), and the document must say what zod does.
 */
const NOT_BLANK = /[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

export const RegisterRequest = z.strictObject({
  email,
  // Trimmed, so at least one character that is not white space: minLength 1 alone let "\f" through the document.
  name: z.string().regex(NOT_BLANK, 'must not be blank').trim().max(200),
});
export type RegisterRequest = z.infer<typeof RegisterRequest>;

/** POST /users, 202: the sign-up is announced; `email` as stored (trimmed, lower case). */
export const UserAccepted = z.strictObject({ userId: Id, email });
/** GET /users/{userId}: the account as user stored it from its own UserRegistered. */
export const UserView = z.strictObject(UserRegistered.schema.shape);

export const userApi = defineApi({
  service: 'user',
  title: 'user',
  version: '1.0.0',
  description:
    'Signs people up and announces UserRegistered: one account per email address (compared case-insensitively). ' +
    'POST /users answers 202; the account is stored when user receives its own event.',
  schemas: { Id, RegisterRequest, UserAccepted, User: UserView },
  operations: [
    {
      id: 'registerUser',
      method: 'post',
      path: '/users',
      summary: 'Sign up',
      description: 'A retry after a failed announcement finishes that sign-up (same user, same event id).',
      params: [{ in: 'header', name: 'traceparent', schema: z.string(), description: 'W3C trace context to continue' }],
      body: RegisterRequest,
      answers: {
        202: {
          description: 'announced: UserRegistered is on the bus; the account is readable once user has stored it',
          body: UserAccepted,
          headers: {
            Location: { schema: z.string(), description: 'where to read the account' },
            traceparent: { schema: z.string(), description: 'the trace the sign-up travels in' },
          },
        },
      },
      errors: { 400: ['validation_failed'], 409: ['conflict'], 503: ['sidecar_unavailable'] },
    },
    {
      id: 'getUser',
      method: 'get',
      path: '/users/{userId}',
      summary: 'An account',
      params: [{ in: 'path', name: 'userId', schema: Id, description: 'the user id' }],
      answers: { 200: { description: 'the account', body: UserView } },
      errors: { 400: ['validation_failed'], 404: ['not_found'], 503: ['sidecar_unavailable'] },
    },
  ],
});
