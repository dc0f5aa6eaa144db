// A person who signed up; one account per email address.
// The request schema is part of user's HTTP API, declared in packages/contracts.
export { RegisterRequest } from '@lab/contracts';

export interface User {
  userId: string;
  email: string;
  name: string;
  registeredAt: string;
}

/** Emails compare case-insensitively. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();
