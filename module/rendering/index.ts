/** Public API of the rendering slice. */
export type { RenderInput, RenderedMessage, CombinedBody, MessageBody } from './types.js';
export { renderMessage, renderWithTemplate } from './render-message.js';
export { combineBodies } from './combine-bodies.js';
export { detectPlatform } from '../platforms/detect-platform.js';
export { defaultTemplates } from './default-templates.js';
export { listVariables, findUnknownVariables, computeVariables, formatPrice, formatDate, type VariableInfo } from './variables.js';
export { preview, type PreviewResult, type PreviewContext } from './preview.js';
export { signStandardWebhook, type StandardWebhookHeaders } from '../platforms/json/sign-standard-webhook.js';
export {
  DISCORD,
  SLACK,
  MATTERMOST,
  ROCKETCHAT,
  TELEGRAM,
  TEAMS,
  discordProblems,
  slackProblems,
  telegramProblems,
  teamsProblems,
} from '../platforms/limits.js';
export { createRenderingPort } from './rendering-port.js';
