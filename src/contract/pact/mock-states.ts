import type { Theme } from '../../fixtures/themes.js';
import type { MockServer } from '../../mock/server.js';
import { PROVIDER_STATES, type ThemeStateParams, type TokenStateParams } from './provider-states.js';

/** A state handler as Pact's `Verifier` calls it: the interaction's state params in, nothing out. */
export type MockStateHandler = (params?: unknown) => Promise<undefined>;

/**
 * The `stateHandlers` that set up the kit's provider states on a running mock, so that a pact
 * written with the kit's builders (yours or the kit's own) can be verified against it.
 *
 * - "a token with a webhook URL exists": adds that token, with that webhook URL.
 * - "no token exists with the sent value": nothing to do; the pact's token is never added.
 * - "a theme exists": adds (or replaces) theme `id` with an optional text input for each input the
 *   request fills, so that validation answers about the request and not about the catalogue.
 *
 * @example
 * const mock = await startMock({ port: 0, latency: 'instant' });
 * await new Verifier({
 *   provider: 'imagefactory',
 *   providerBaseUrl: mock.url,
 *   pactUrls: ['pacts/my-shop-imagefactory.json'],
 *   stateHandlers: mockStateHandlers(mock),
 * }).verifyProvider();
 */
export function mockStateHandlers(mock: Pick<MockServer, 'addToken' | 'addTheme'>): Record<string, MockStateHandler> {
  return {
    [PROVIDER_STATES.tokenWithWebhookUrl]: async (params) => {
      const { token, webhookUrl } = params as TokenStateParams;
      mock.addToken({ name: 'pact consumer', token, webhookUrl });
      return undefined;
    },
    [PROVIDER_STATES.noSuchToken]: async () => undefined,
    [PROVIDER_STATES.themeExists]: async (params) => {
      const { id, inputs } = params as ThemeStateParams;
      const theme: Theme = {
        id,
        name: `Pact theme ${id}`,
        width: 64,
        height: 64,
        format: 'jpg',
        inputs: inputs.map((name) => ({ name: name as Theme['inputs'][number]['name'], label: name, type: 'text', required: false })),
        batchSize: 10,
      };
      mock.addTheme(theme);
      return undefined;
    },
  };
}
