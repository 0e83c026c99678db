/**
 * Worker-thread side of markdown-workers.ts (piscina loads this file from the built module): one
 * customer HTML value in, its Markdown out, off the host's event loop.
 */
import { htmlToMarkdown } from './html-to-markdown.js';

export default function convert(html: string): string {
  return htmlToMarkdown(html);
}
