/** ctx.views of one module: its `views/` folder rendered by nunjucks, then wrapped in the host's layout. */
import path from 'node:path';
import nunjucks from 'nunjucks';
import type { Translator, Views } from '../../sdk/module-context.js';
import type { HostViews } from '../http/host-views.js';

export function createModuleViews(moduleDir: string, translator: Translator, basePath: string, host: HostViews): Views {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(path.join(moduleDir, 'views')), {
    autoescape: true,
    throwOnUndefined: false,
  });
  return {
    render(name, data, req, opts) {
      const t = (key: string, vars?: Record<string, string | number>) => translator.t(key, vars, req.locale);
      const html = env.render(name, { t, csrfToken: req.csrfToken, basePath, locale: req.locale, ...data });
      return host.wrap(html, host.layoutFor(req), opts?.title ?? '', /<h1[\s>]/.test(html));
    },
  };
}
