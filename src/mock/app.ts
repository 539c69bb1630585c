import { Hono } from 'hono';
import { createAdminRoutes, type AdminRouteDeps } from './admin/admin-routes.js';
import type { AppEnv } from './api/app-env.js';
import { ApiError } from './api/errors.js';
import { createRenderRoutes, type RenderRouteDeps } from './api/render-routes.js';
import { createCdnRoutes } from './cdn.js';
import type { Journal } from './journal.js';
import type { Logger } from './logger.js';
import type { RenderStore } from './render-store.js';

export interface AppDeps {
  render: RenderRouteDeps;
  admin: AdminRouteDeps;
  store: RenderStore;
  journal: Journal;
  logger: Logger;
  now: () => number;
}

/** Builds the Hono app from its parts; the parts hold the logic. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    await next();
    if (c.req.path.startsWith('/__admin/health')) return;
    const jobUuid = c.get('jobUuid');
    const fault = c.get('fault');
    deps.journal.recordRequest({ at: deps.now(), method: c.req.method, path: c.req.path, status: c.res.status, jobUuid, fault });
    const line = `${c.req.method} ${c.req.path} → ${c.res.status}${jobUuid ? ` job ${jobUuid}` : ''}${fault ? ` (chaos: ${fault})` : ''}`;
    // Render requests at info, the rest (images, admin) at debug: one line per API call a developer made.
    if (c.req.path.startsWith('/api/')) deps.logger.info(line);
    else deps.logger.debug(line);
  });

  app.route('/', createRenderRoutes(deps.render));
  app.route('/', createCdnRoutes(deps.store));
  app.route('/', createAdminRoutes(deps.admin));

  app.notFound((c) =>
    c.json(
      {
        message: `Not Found: no route for ${c.req.method} ${c.req.path}.`,
        hint: 'The render API is POST /api/request-batch-render and POST /api/request-render.',
      },
      404,
    ),
  );

  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(error.body(), error.status, error.headers);
    deps.logger.error(`internal error on ${c.req.method} ${c.req.path}: ${error.stack ?? error.message}`);
    return c.json({ message: 'Server Error', hint: `imagefactory-mock failed internally: ${error.message}. Please report it with the request that caused it.` }, 500);
  });

  return app;
}
