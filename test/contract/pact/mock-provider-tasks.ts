import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { providerWithMetadata, Verifier } from '@pact-foundation/pact';
import { createImageFactoryClient } from '../../../src/contract/client.js';
import { mockStateHandlers, WEBHOOK_MESSAGE_STATES, WEBHOOK_MESSAGES } from '../../../src/contract/pact/index.js';
import { verifySignature } from '../../../src/contract/signature.js';
import { startMock } from '../../../src/mock/server.js';

/**
 * The mock verified as a provider, run by the pact tests through `runInQuietChild`: Pact's verifier
 * prints its whole report to standard output, so it runs in a child process whose output is kept
 * for a failure. Its state handlers and message providers must run in the verifier's process, so
 * the mock (and the webhook receiver) run there too. Every export takes and returns JSON.
 */

/** One interaction Pact verified, and its verdict ("OK" or the mismatch). */
export interface InteractionVerdict {
  description: string;
  result: string;
}

/** Options of {@link verifyMockHonoursPact}. */
export interface MockPactInput {
  provider: string;
  pactUrls: string[];
}

/**
 * Verifies a running `startMock` against render-API pacts with `mockStateHandlers(mock)`, as the
 * docs tell users to. Webhooks go nowhere: the tokens' webhook URLs are example hosts.
 */
export async function verifyMockHonoursPact(input: MockPactInput): Promise<InteractionVerdict[]> {
  const deliveredNowhere: typeof fetch = async () => new Response(null, { status: 204 });
  const mock = await startMock(
    { port: 0, latency: 'instant', logLevel: 'silent', seed: 'pact', webhookUrl: null },
    { fetch: deliveredNowhere },
  );
  try {
    const verifier = new Verifier({
      provider: input.provider,
      providerBaseUrl: mock.url,
      pactUrls: input.pactUrls,
      logLevel: 'error',
      stateHandlers: mockStateHandlers(mock),
    });
    return await verdicts(verifier, 'the mock does not honour the render-API pact');
  } finally {
    await mock.close();
  }
}

/** Options of {@link verifyMockSendsWebhookMessages}. */
export interface MockMessagesInput {
  provider: string;
  pactFile: string;
}

/**
 * Verifies the webhook-message pact against bodies the mock really sends: each message provider
 * runs a real job on the mock and hands Pact the raw body a real local receiver got, after
 * checking its signature.
 */
export async function verifyMockSendsWebhookMessages(input: MockMessagesInput): Promise<InteractionVerdict[]> {
  const receiver = await startReceiver();
  const mock = await startMock({ port: 0, latency: 'instant', logLevel: 'silent', seed: 'pact-messages', webhookUrl: receiver.url });
  try {
    const client = createImageFactoryClient({ baseUrl: mock.url, token: mock.token });

    /** Runs a real job on the mock and returns the raw body of its first webhook call. */
    const firstCallOf = async (uuid: string): Promise<Buffer> => {
      await mock.waitForJob(uuid);
      const call = receiver.calls.find((candidate) => candidate.raw.toString('utf8').includes(uuid));
      if (call === undefined) throw new Error(`the receiver got no webhook call for job ${uuid}`);
      // The message contract is about content; the bytes must still be the signed bytes.
      if (!verifySignature(call.raw, call.signature, mock.secret)) {
        throw new Error(`the webhook call for job ${uuid} does not carry a valid signature`);
      }
      return call.raw;
    };
    // The raw bytes go back to Pact as sent, PHP escapes and all; Pact compares their JSON content.
    const asSent = (raw: () => Promise<Buffer>) => providerWithMetadata(() => raw(), { contentType: 'application/json' });

    const verifier = new Verifier({
      provider: input.provider,
      pactUrls: [input.pactFile],
      logLevel: 'error',
      stateHandlers: {
        [WEBHOOK_MESSAGE_STATES.batch]: async () => undefined,
        [WEBHOOK_MESSAGE_STATES.single]: async () => undefined,
      },
      messageProviders: {
        [WEBHOOK_MESSAGES.batch]: asSent(async () => {
          const { uuid } = await client.requestBatchRender({
            theme_id: 1,
            requests: [
              { key: 'order-1001', input_1: 'Summer sale' },
              { key: 'order-1002', input_1: 'Winter sale' },
            ],
          });
          return firstCallOf(uuid);
        }),
        [WEBHOOK_MESSAGES.single]: asSent(async () => {
          const { uuid } = await client.requestRender({ input_1: 'Summer sale', theme_id: 1, key: 'order-1001' });
          return firstCallOf(uuid);
        }),
      },
    });
    return await verdicts(verifier, 'the mock does not send bodies that honour the webhook messages');
  } finally {
    await mock.close();
    await new Promise((resolve) => receiver.server.close(resolve));
  }
}

/**
 * Runs the verifier and returns its verdict per interaction. Pact rejects a failed verification
 * with its whole JSON result as the message; that is replaced by `failure`, since the caller
 * appends the failures section of the printed report anyway.
 */
async function verdicts(verifier: Verifier, failure: string): Promise<InteractionVerdict[]> {
  let json: string;
  try {
    json = String(await verifier.verifyProvider());
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(isVerificationResult(message) ? failure : message);
  }
  const result = JSON.parse(json) as { interactionResults: InteractionVerdict[] };
  return result.interactionResults.map(({ description, result: verdict }) => ({ description, result: verdict }));
}

function isVerificationResult(message: string): boolean {
  try {
    return typeof (JSON.parse(message) as { result?: unknown }).result === 'boolean';
  } catch {
    return false;
  }
}

interface ReceivedCall {
  raw: Buffer;
  signature: string | undefined;
}

/** A real webhook receiver on an ephemeral port: it keeps every raw body and answers 200. */
async function startReceiver(): Promise<{ url: string; calls: ReceivedCall[]; server: Server }> {
  const calls: ReceivedCall[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const signature = req.headers['signature'];
      calls.push({ raw: Buffer.concat(chunks), signature: Array.isArray(signature) ? signature[0] : signature });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/webhooks/imagefactory`, calls, server };
}
