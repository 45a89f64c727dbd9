import type { z } from 'zod';
import { AppError } from './errors.js';

/**
 * Checks `input` against `schema` and returns the parsed value; the first problem becomes an
 * `invalid_input` error that names the field, so every use case rejects bad input the same way.
 *
 * Usage:
 *   const i = parseInput(z.object({ name: z.string().min(1) }), body);
 */
export function parseInput<T extends z.ZodTypeAny>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new AppError('invalid_input', `${i.path.join('.') || 'input'}: ${i.message}`, { field: i.path.join('.') });
  }
  return r.data;
}
