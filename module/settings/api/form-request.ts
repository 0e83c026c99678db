/** The body the form's script posts to `/test-draft` and `/validate`: `{form: {…form fields}, id?, …}`. */
import type { AdminRequest } from '../../../sdk/module-context.js';
import { parseId } from '../request-parsing.js';

export function formRequest(req: AdminRequest): { form: Record<string, unknown>; id: number | null; body: Record<string, unknown> } {
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as { form?: unknown; id?: unknown };
  const form = typeof body.form === 'object' && body.form !== null ? (body.form as Record<string, unknown>) : {};
  const id = body.id === undefined || body.id === null || body.id === '' ? null : parseId(String(body.id));
  return { form, id, body };
}
