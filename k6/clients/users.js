// Request builder for user's API: a sign-up (202; the same email again is 409).
import http from 'k6/http';
import { env } from '../lib/env.js';

export function signUp(email, name = 'k6 user') {
  return http.post(`${env.USER_URL}/users`, JSON.stringify({ email, name }), {
    headers: { 'Content-Type': 'application/json' },
    tags: { flow: 'signup', name: 'POST /users' },
    responseCallback: http.expectedStatuses(202),
  });
}
