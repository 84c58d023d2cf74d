import { z } from 'zod';
import type { Tx } from '../../core/db/transaction.js';
import { transaction } from '../../core/db/transaction.js';
import { AuthRefused } from './errors.js';
import { hashPassword, passwordProblem } from './passwords.js';
import { createUser, findUserByUsername } from './users.js';
import type { User } from './users.js';

/** Field rules for a staff account; messages are keys of the auth catalog. */
export const superuserSchema = z
  .object({
    username: z
      .string()
      .trim()
      .min(1, 'auth.field.required')
      .max(150, 'auth.field.too_long')
      .regex(/^[\w.@+-]+$/, 'auth.field.username_chars'),
    display_name: z.string().trim().min(1, 'auth.field.required').max(64, 'auth.field.too_long'),
    email: z.union([z.literal(''), z.string().trim().max(254, 'auth.field.too_long').email('auth.field.email_invalid')]).optional(),
    password: z.string(),
  })
  .superRefine((value, ctx) => {
    const problem = passwordProblem(value.password, value.username);
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
  });

export type SuperuserInput = z.input<typeof superuserSchema>;

/**
 * Creates a staff superuser with an argon2id password. The second factor is enrolled at the first
 * login (the staff login insists on it). Throws AuthRefused('auth.field.username_taken') for a taken name.
 */
export async function createSuperuser(db: Tx, input: z.output<typeof superuserSchema>): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  return transaction(db, async (tx) => {
    if (await findUserByUsername(tx, input.username)) throw new AuthRefused('auth.field.username_taken');
    return createUser(tx, {
      displayName: input.display_name,
      username: input.username,
      email: input.email || null,
      passwordHash,
      isStaff: true,
      isSuperuser: true,
    });
  });
}
