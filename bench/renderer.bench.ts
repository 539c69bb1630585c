/**
 * Issue 3's renderer budget: placeholder images per second against a bare sharp encode of a
 * blank canvas of the same size and format, measured in the same process, interleaved.
 *
 * Both sides encode with the renderer's own `ENCODER_OPTIONS`, so the ratio prices the drawing,
 * not a choice of encoder settings. Two baselines:
 * - `sharp({ create })` → encode: the budget's "blank canvas";
 * - a blank raw RGB buffer → encode: the stricter floor, the encode alone (sharp's `create`
 *   itself costs time, which the renderer avoids by handing sharp raw pixels).
 */
import sharp from 'sharp';
import { BUILT_IN_THEMES, type Theme } from '../src/fixtures/themes.js';
import { encodeAs, renderPlaceholder } from '../src/mock/pipeline/renderer.js';
import { compareRates, type BenchFigure } from './lib.js';

const ROUNDS = 7;
const ROUND_MS = 500;
const TARGET = 0.8;

function theme(id: number): Theme {
  const found = BUILT_IN_THEMES.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`bench: no built-in theme ${id}`);
  return found;
}

/** A render with every declared input filled, and a fresh key each call, as a batch would have. */
function renders(subject: Theme): () => Promise<unknown> {
  const inputs = Object.fromEntries(
    subject.inputs.map((input) => [
      input.name,
      input.type === 'image' ? `https://cdn.example.com/products/${input.name}/photo-2024-summer.jpg` : 'Summer sale: everything 30% off until Sunday',
    ]),
  );
  let sequence = 0;
  return () => renderPlaceholder(subject, { key: `order-${(sequence += 1)}`, inputs });
}

function blankCanvas(subject: Theme): () => Promise<unknown> {
  const create = { width: subject.width, height: subject.height, channels: 3 as const, background: { r: 40, g: 90, b: 140 } };
  return () => encodeAs(sharp({ create }), subject.format).toBuffer();
}

function blankRaw(subject: Theme): () => Promise<unknown> {
  const raw = { width: subject.width, height: subject.height, channels: 3 as const };
  const pixels = Buffer.alloc(subject.width * subject.height * 3, 90);
  return () => encodeAs(sharp(pixels, { raw }), subject.format).toBuffer();
}

/** Renderer vs blank-canvas ratios for the square jpg theme and the png theme. */
export async function run(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const cases: { subject: Theme; concurrency: number }[] = [
    { subject: theme(1), concurrency: 1 },
    { subject: theme(4), concurrency: 1 },
    { subject: theme(1), concurrency: 2 },
  ];
  for (const { subject, concurrency } of cases) {
    const label = `${subject.name} ${subject.width}×${subject.height} ${subject.format}${concurrency > 1 ? `, ${concurrency} at a time` : ''}`;
    const options = { rounds: ROUNDS, roundMs: ROUND_MS, concurrency };
    const canvas = await compareRates(blankCanvas(subject), renders(subject), options);
    figures.push({
      name: `renderer ÷ blank canvas encode (${label})`,
      value: canvas.ratio,
      unit: 'ratio',
      budget: { target: `≥ ${TARGET.toFixed(2)}`, met: canvas.ratio >= TARGET },
      note: `${canvas.subject.toFixed(0)} vs ${canvas.baseline.toFixed(0)} images/s`,
    });
    const raw = await compareRates(blankRaw(subject), renders(subject), options);
    figures.push({
      name: `renderer ÷ blank raw-pixel encode (${label})`,
      value: raw.ratio,
      unit: 'ratio',
      note: `stricter floor, no budget: ${raw.subject.toFixed(0)} vs ${raw.baseline.toFixed(0)} images/s`,
    });
  }
  return figures;
}
