/**
 * Worker-thread side of event-renderers.ts (piscina loads this file from the built module): one
 * event's bodies rendered off the host's event loop, customer HTML converted to Markdown unless
 * the task says plain text (the fallback after a render ran out of time).
 */
import { renderEventBodies, type EventRenderJob } from './event-bodies.js';
import type { RenderedMessage } from './types.js';
import { convertHere } from '../text/untrusted-text.js';

export interface RenderTask {
  job: EventRenderJob;
  convertHtml: boolean;
}

export default function render({ job, convertHtml }: RenderTask): RenderedMessage[] {
  return renderEventBodies(job, convertHtml ? convertHere : () => null);
}
