import type { CheckReport } from '../../src/check-handler/index.js';

/** A small hand-made report: one pass, one failure whose answer holds characters XML must escape. */
export const fixedReport: CheckReport = {
  url: 'http://127.0.0.1:3000/webhooks/imagefactory?a=1&b=2',
  seed: '42',
  timeoutMs: 3000,
  passed: 1,
  failed: 1,
  ok: false,
  durationMs: 1234,
  results: [
    {
      id: 'valid-single',
      name: 'a valid single-render delivery is acknowledged with 2xx',
      expected: '2xx within 3000 ms',
      verdict: 'pass',
      durationMs: 5,
      deliveries: [],
    },
    {
      id: 'missing-signature',
      name: 'a delivery without a Signature header is rejected with 4xx',
      expected: '4xx within 3000 ms',
      verdict: 'fail',
      durationMs: 12,
      reason: 'the call was answered 200, expected 4xx: "quoted" & <tagged>',
      fix: 'answer 401',
      deliveries: [
        {
          sent: {
            label: 'call 1 of 1',
            note: 'no Signature header',
            method: 'POST',
            url: 'http://127.0.0.1:3000/webhooks/imagefactory?a=1&b=2',
            headers: { 'Content-Type': 'application/json' },
            bodyBytes: 35,
            bodyExcerpt: '{"uuid":"u","public_url":"https:\\/\\/x"}',
          },
          answer: { status: 200, latencyMs: 3, bodyExcerpt: '<ok>\n\u0001' },
          ok: false,
        },
      ],
    },
  ],
};
