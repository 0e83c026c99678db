/**
 * Generic JSON: `{type, timestamp, data}` with every variable, signed the Standard Webhooks way.
 * Any URL no other platform recognises is this one.
 */
import { definePlatform } from '../platform-definition.js';
import { noOptions } from '../platform-options.js';
import { formatJson } from './json-format.js';

export const json = definePlatform({
  id: 'json',
  name: 'JSON',
  // Its signing secret is made by the module, never typed (`signed`).
  options: noOptions,
  format: formatJson,
  signed: true,
  testWords: ['not_found', 'unauthorized', 'forbidden'],
  preview: 'raw',
});
