// A person who signed up; one account per email address.
import { z } from 'zod';

export const RegisterRequest = z.strictObject({
  email: z.email().max(254),
  name: z.string().trim().min(1).max(200),
});
export type RegisterRequest = z.infer<typeof RegisterRequest>;

export interface User {
  userId: string;
  email: string;
  name: string;
  registeredAt: string;
}

/** Emails compare case-insensitively. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();
