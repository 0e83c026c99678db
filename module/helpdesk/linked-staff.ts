/**
 * The staff account a chat user is linked to, or null. The links are a plain object read from
 * the settings, so a chat user id such as `constructor`, `toString` or `__proto__` would find
 * Object.prototype's members (a function or an object, taken for a staff id) in a plain lookup:
 * only the object's own non-empty string values count.
 */
export function linkedStaff(links: Record<string, string>, chatUser: string): string | null {
  if (!Object.prototype.hasOwnProperty.call(links, chatUser)) return null;
  const staffId: unknown = links[chatUser];
  return typeof staffId === 'string' && staffId !== '' ? staffId : null;
}
