/**
 * The host's templates (host/views, nunjucks, autoescaped) and the layout every admin page is
 * wrapped in. Views.render() of the SDK is synchronous, so what the layout needs from the
 * database (nav, unread notifications) is loaded before a handler runs and looked up here by
 * request.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import nunjucks from 'nunjucks';
import type { AdminRequest, Locale, Translator } from '../../sdk/module-context.js';
import { hostViewsDir } from '../paths.js';
import { HOST_VERSION } from '../version.js';

export interface NavItem {
  href: string;
  label: string;
  /** Counter shown beside the label (notifications). */
  badge?: number;
}

export interface LayoutData {
  locale: Locale;
  csrfToken: string;
  /** Path of the page, to mark the active nav item. */
  path: string;
  nav: NavItem[];
  moduleNav: NavItem[];
  profile: string;
}

export class HostViews {
  private readonly env: nunjucks.Environment;
  private readonly layouts = new WeakMap<object, LayoutData>();

  constructor(private readonly translator: Translator) {
    this.env = new nunjucks.Environment(new nunjucks.FileSystemLoader(hostViewsDir, { noCache: false }), {
      autoescape: true,
      throwOnUndefined: false,
    });
  }

  /** Remembers the layout data of a request so a module's synchronous render() can use it. */
  attach(req: AdminRequest, layout: LayoutData): void {
    this.layouts.set(req, layout);
  }

  layoutFor(req: AdminRequest): LayoutData {
    return this.layouts.get(req) ?? { locale: req.locale, csrfToken: req.csrfToken, path: '', nav: [], moduleNav: [], profile: '' };
  }

  t(locale: Locale) {
    return (key: string, vars?: Record<string, string | number>) => this.translator.t(key, vars, locale);
  }

  /** Renders a host template (no layout). */
  fragment(name: string, data: Record<string, unknown>, locale: Locale): string {
    return this.env.render(name, { t: this.t(locale), locale, ...data });
  }

  /**
   * Wraps already-rendered (trusted, escaped) HTML in the layout. `ownHeading`: the content has
   * its own h1 (a module's page), so the top bar shows the title without a second h1.
   */
  wrap(contentHtml: string, layout: LayoutData, title: string, ownHeading = false): string {
    return this.env.render('layout.njk', {
      t: this.t(layout.locale),
      locale: layout.locale,
      content: new nunjucks.runtime.SafeString(contentHtml),
      title,
      ownHeading,
      layout,
      hostVersion: HOST_VERSION,
    });
  }

  page(name: string, data: Record<string, unknown>, layout: LayoutData, title: string): string {
    return this.wrap(this.fragment(name, { csrfToken: layout.csrfToken, ...data }, layout.locale), layout, title);
  }
}

/** Answers an admin page in the host's layout, with its one-time message (host-pages' `page`). */
export type RenderPage = (
  req: FastifyRequest,
  reply: FastifyReply,
  name: string,
  title: string,
  data?: Record<string, unknown>,
  status?: number,
) => Promise<unknown>;
