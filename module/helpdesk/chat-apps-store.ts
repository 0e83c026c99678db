/**
 * The chat applications the admin connected (Discord, Slack) and which chat user is which staff
 * member. Kept in the module's settings; the bot token and the public key are sealed with the
 * host's secrets like webhook URLs, and never read back to a page or an API answer.
 */
import type { ModuleSettings, Secrets } from '../../sdk/module-context.js';

export interface DiscordApp {
  applicationId: string;
  publicKey: string;
  botToken: string;
}

/** What the admin may see of the Discord application: never the token or the key. */
export interface DiscordAppView {
  applicationId: string;
  publicKeySet: boolean;
  botTokenSet: boolean;
  /** Discord user id -> staff id. */
  links: Record<string, string>;
}

const APP_KEY = 'helpdesk.discord.app';
const LINKS_KEY = 'helpdesk.discord.links';
const SLACK_KEY = 'helpdesk.slack.app';
const SLACK_LINKS_KEY = 'helpdesk.slack.links';

/** What the admin may see of the Slack app: never its signing secret or bot token. */
export interface SlackAppView {
  signingSecretSet: boolean;
  /** A bot token lets Reply open a modal (views.open); without one, answers are typed in the message. */
  botTokenSet: boolean;
  /** Slack user id -> staff id. */
  links: Record<string, string>;
}

interface SealedSlack {
  signingSecret: string;
  botToken?: string | null;
}

interface SealedApp {
  applicationId: string;
  publicKey: string;
  botToken: string;
}

export class ChatAppsStore {
  constructor(
    private readonly settings: ModuleSettings,
    private readonly secrets: Secrets,
  ) {}

  async discord(): Promise<DiscordApp | null> {
    const sealed = await this.settings.get<SealedApp | null>(APP_KEY, null);
    if (!sealed) return null;
    return {
      applicationId: sealed.applicationId,
      publicKey: this.secrets.decrypt(sealed.publicKey),
      botToken: this.secrets.decrypt(sealed.botToken),
    };
  }

  /** Saves the application; a key or token left out keeps its stored value (the page never shows them). */
  async saveDiscord(app: { applicationId: string; publicKey?: string; botToken?: string }): Promise<void> {
    const stored = await this.settings.get<SealedApp | null>(APP_KEY, null);
    const publicKey = app.publicKey !== undefined ? this.secrets.encrypt(app.publicKey) : stored?.publicKey;
    const botToken = app.botToken !== undefined ? this.secrets.encrypt(app.botToken) : stored?.botToken;
    if (!publicKey || !botToken) throw new Error('the Discord application needs its public key and bot token');
    await this.settings.set(APP_KEY, { applicationId: app.applicationId, publicKey, botToken } satisfies SealedApp);
  }

  async discordLinks(): Promise<Record<string, string>> {
    return this.settings.get<Record<string, string>>(LINKS_KEY, {});
  }

  async saveDiscordLinks(links: Record<string, string>): Promise<void> {
    await this.settings.set(LINKS_KEY, links);
  }

  async discordView(): Promise<DiscordAppView | null> {
    const sealed = await this.settings.get<SealedApp | null>(APP_KEY, null);
    if (!sealed) return null;
    return { applicationId: sealed.applicationId, publicKeySet: true, botTokenSet: true, links: await this.discordLinks() };
  }

  async slackSigningSecret(): Promise<string | null> {
    const sealed = await this.settings.get<SealedSlack | null>(SLACK_KEY, null);
    return sealed ? this.secrets.decrypt(sealed.signingSecret) : null;
  }

  async slackBotToken(): Promise<string | null> {
    const sealed = await this.settings.get<SealedSlack | null>(SLACK_KEY, null);
    return sealed?.botToken ? this.secrets.decrypt(sealed.botToken) : null;
  }

  /**
   * Saves what is given: a field left out keeps its stored value (a page shows "set", never the
   * secret, so an admin replaces one without typing the other again); `botToken: null` removes it.
   */
  async saveSlack(input: { signingSecret?: string; botToken?: string | null }): Promise<void> {
    const stored = await this.settings.get<SealedSlack | null>(SLACK_KEY, null);
    const signingSecret = input.signingSecret !== undefined ? this.secrets.encrypt(input.signingSecret) : stored?.signingSecret;
    if (!signingSecret) throw new Error('the Slack app needs its signing secret');
    const botToken = input.botToken === undefined ? (stored?.botToken ?? null) : input.botToken && this.secrets.encrypt(input.botToken);
    await this.settings.set(SLACK_KEY, { signingSecret, botToken } satisfies SealedSlack);
  }

  async slackLinks(): Promise<Record<string, string>> {
    return this.settings.get<Record<string, string>>(SLACK_LINKS_KEY, {});
  }

  async saveSlackLinks(links: Record<string, string>): Promise<void> {
    await this.settings.set(SLACK_LINKS_KEY, links);
  }

  async slackView(): Promise<SlackAppView | null> {
    const sealed = await this.settings.get<SealedSlack | null>(SLACK_KEY, null);
    return sealed ? { signingSecretSet: true, botTokenSet: !!sealed.botToken, links: await this.slackLinks() } : null;
  }
}
