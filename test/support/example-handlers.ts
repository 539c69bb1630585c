import { afterEach } from 'vitest';
import { startWebhookHandler, type RunningWebhookHandler, type WebhookHandlerFlaw } from '../../examples/webhook-handler.js';

/**
 * Starts example handlers (correct, or with a flaw) that close after each test of the file that
 * calls this once at its top level.
 */
export function exampleHandlers(secret: string): (flaw?: WebhookHandlerFlaw) => Promise<RunningWebhookHandler> {
  const running: RunningWebhookHandler[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((handler) => handler.close()));
  });
  return async (flaw) => {
    const started = await startWebhookHandler({ secret, ...(flaw === undefined ? {} : { flaw }) });
    running.push(started);
    return started;
  };
}
