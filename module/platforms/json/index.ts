/**
 * Generic JSON: `{type, timestamp, data}` with every variable, signed the Standard Webhooks way.
 * Any URL no other platform recognises is this one.
 */
import { definePlatform } from '../platform-definition.js';
import { formatJson } from './json-format.js';

export const json = definePlatform({
  id: 'json',
  name: 'JSON',
  options: ['signingSecret'],
  format: formatJson,
  signed: true,
  testWords: ['not_found', 'unauthorized', 'forbidden'],
  preview: 'raw',
});
