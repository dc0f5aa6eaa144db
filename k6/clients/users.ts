// user's API from a VU: lib/users.ts's request, sent.
import * as users from '../lib/users.ts';
import { env } from './env.ts';
import { send } from './http.ts';

export const signUp = (email: string, name?: string) => send(users.signUp(env, email, name));
