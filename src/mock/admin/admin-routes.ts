import { Hono } from 'hono';
import { z } from 'zod';
import { ApiError, notFound } from '../api/errors.js';
import { parseJsonBody } from '../api/json-body.js';
import type { TokenRecord, TokenRegistry } from '../api/tokens.js';
import type { Journal } from '../journal.js';

export interface AdminRouteDeps {
  tokens: TokenRegistry;
  journal: Journal;
  /** False until the server is bound and ready for renders. */
  isReady: () => boolean;
  replay: (uuid: string, callNumber: number) => Promise<unknown>;
}

const newTokenSchema = z.object({
  name: z.string({ error: 'The name field is required.' }).min(1, 'The name field is required.'),
  webhook_url: z
    .url({ protocol: /^https?$/, error: 'The webhook url field must be a valid URL.' })
    .nullable()
    .optional(),
  token: z.string().min(1).optional(),
  signing_secret: z.string().min(8, 'The signing secret field must be at least 8 characters.').optional(),
});

function tokenAnswer(record: TokenRecord) {
  return { name: record.name, token: record.token, signing_secret: record.secret, webhook_url: record.webhookUrl };
}

/**
 * The mock's own API under `/__admin`, as WireMock and Prism keep theirs: health for CI to wait
 * on, tokens as the service's dashboard makes them, and the journal's jobs.
 */
export function createAdminRoutes(deps: AdminRouteDeps): Hono {
  const admin = new Hono();

  admin.get('/__admin/health', (c) =>
    deps.isReady() ? c.json({ status: 'ok' }) : c.json({ status: 'starting' }, 503),
  );

  admin.post('/__admin/tokens', async (c) => {
    const parsed = newTokenSchema.safeParse(parseJsonBody(await c.req.text()));
    if (!parsed.success) {
      const errors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path.map(String).join('.') || 'body';
        (errors[key] ??= []).push(issue.path.length === 0 ? 'The body must be a JSON object.' : issue.message);
      }
      throw new ApiError(422, Object.values(errors)[0]![0]!, { errors });
    }
    const record = deps.tokens.add({
      name: parsed.data.name,
      webhookUrl: parsed.data.webhook_url ?? null,
      token: parsed.data.token,
      secret: parsed.data.signing_secret,
    });
    return c.json(tokenAnswer(record), 201);
  });

  admin.get('/__admin/tokens', (c) =>
    c.json({ tokens: deps.tokens.list().map((record) => ({ name: record.name, webhook_url: record.webhookUrl })) }),
  );

  admin.get('/__admin/jobs', (c) =>
    c.json({
      jobs: deps.journal.allJobs().map((job) => ({
        uuid: job.uuid,
        kind: job.kind,
        theme_id: job.themeId,
        seed: job.seed,
        accepted_at: new Date(job.acceptedAt).toISOString(),
        settled: job.settledAt !== null,
        ...deps.journal.summarise(job),
        calls: job.calls.length,
        warnings: job.warnings.length,
      })),
    }),
  );

  admin.get('/__admin/jobs/:uuid', (c) => {
    const job = deps.journal.job(c.req.param('uuid'));
    if (!job) throw notFound('Job', 'The journal keeps the most recent jobs only (--max-jobs); list them at GET /__admin/jobs.');
    return c.json({ ...job, summary: deps.journal.summarise(job) });
  });

  admin.post('/__admin/jobs/:uuid/calls/:number/replay', async (c) => {
    const number = Number(c.req.param('number'));
    if (!Number.isInteger(number) || number < 1) throw new ApiError(422, 'The call number must be a whole number from 1.');
    return c.json(await deps.replay(c.req.param('uuid'), number));
  });

  return admin;
}
