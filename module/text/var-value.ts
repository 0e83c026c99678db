/** One computed `%variable%` value, as templates and platform formatters receive it. */
import type { UntrustedForms } from './untrusted-text.js';

export interface VarValue {
  /** The value as plain text (trusted values) or the plain form (untrusted ones). */
  text: string;
  /** Set for customer-written values: both forms, mentions already neutralised. */
  untrusted: UntrustedForms | null;
}

export type Variables = Record<string, VarValue>;

/** JSON body sent to a platform. */
export type MessageBody = Record<string, unknown>;
