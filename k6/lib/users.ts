// Request builder for user's API: a sign-up (202; the same email again is 409).
import type { Env } from './env.ts';
import { aSignUp } from './payloads.ts';
import { JSON_CONTENT, withTags, type Request } from './request.ts';

export const signUp = (env: Pick<Env, 'USER_URL'>, email: string, name?: string): Request => ({
  method: 'POST',
  url: `${env.USER_URL}/users`,
  body: JSON.stringify(aSignUp(email, name)),
  headers: { ...JSON_CONTENT },
  tags: withTags('signup', 'POST /users'),
  expect: [202],
});
