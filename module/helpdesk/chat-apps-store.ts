/**
 * The chat applications the admin connected (today: Discord) and which chat user is which staff
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

/** What the admin may see of the Slack app: never its signing secret. */
export interface SlackAppView {
  signingSecretSet: boolean;
  /** Slack user id -> staff id. */
  links: Record<string, string>;
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

  async saveDiscord(app: DiscordApp): Promise<void> {
    await this.settings.set(APP_KEY, {
      applicationId: app.applicationId,
      publicKey: this.secrets.encrypt(app.publicKey),
      botToken: this.secrets.encrypt(app.botToken),
    } satisfies SealedApp);
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
    const sealed = await this.settings.get<{ signingSecret: string } | null>(SLACK_KEY, null);
    return sealed ? this.secrets.decrypt(sealed.signingSecret) : null;
  }

  async saveSlack(signingSecret: string): Promise<void> {
    await this.settings.set(SLACK_KEY, { signingSecret: this.secrets.encrypt(signingSecret) });
  }

  async slackLinks(): Promise<Record<string, string>> {
    return this.settings.get<Record<string, string>>(SLACK_LINKS_KEY, {});
  }

  async saveSlackLinks(links: Record<string, string>): Promise<void> {
    await this.settings.set(SLACK_LINKS_KEY, links);
  }

  async slackView(): Promise<SlackAppView | null> {
    const sealed = await this.settings.get<{ signingSecret: string } | null>(SLACK_KEY, null);
    return sealed ? { signingSecretSet: true, links: await this.slackLinks() } : null;
  }
}
