import sharp from 'sharp';
import type { Theme, ThemeInput } from '../../fixtures/themes.js';

/**
 * Placeholder images: what the mock serves where ImageFactory would serve a designed render.
 *
 * Speed is the point of the shape. A bare sharp encode is the budget, so the per-render work is
 * kept to what a raw-pixel encode needs anyway:
 * - everything that depends only on the theme (background, title, labels, image frames) is drawn
 *   once per theme with SVG and kept as raw RGB pixels;
 * - the per-render text (key, input values, image URLs) is drawn by copying pre-rasterised
 *   DejaVu Sans Mono glyph masks into a copy of those pixels, in JS, with integer arithmetic;
 * - the result goes to sharp as raw pixels, which encodes faster than sharp's own `create` canvas.
 * Rasterising per-render SVG text through librsvg and pango instead costs more than the encode.
 *
 * Determinism: every glyph is rasterised on its own at an integer origin, so a glyph's mask does
 * not depend on which other glyphs were rasterised with it or before it; blending is integer
 * maths; the encoders are deterministic. Same theme and inputs → same bytes, in any process.
 */

/** What a render carries: its key and its `input_N` values, as the request gave them. */
export interface RenderInput {
  key: string;
  inputs: Readonly<Record<string, string>>;
}

/** An encoded placeholder. */
export interface RenderedImage {
  bytes: Buffer;
  contentType: string;
}

/** The Content-Type of each theme format. */
export const CONTENT_TYPES: Readonly<Record<Theme['format'], string>> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

/**
 * The encoder settings of each format: the fastest that still look right, since a placeholder
 * is fetched by a developer's own machine and its size hardly matters. Measured on this
 * renderer's images against sharp's defaults: JPEG without optimised Huffman tables is about
 * 1.6× as fast for files a few percent larger; PNG at zlib level 1 (sharp's default is 6) about
 * 2× as fast, 30% larger; WebP at effort 0 (default 4) about 3× as fast, 20% larger.
 * The benchmark encodes its blank baseline with these too, so its ratio prices the drawing.
 */
export const ENCODER_OPTIONS = {
  jpg: { quality: 80, optimiseCoding: false, mozjpeg: false },
  png: { compressionLevel: 1, adaptiveFiltering: false },
  webp: { quality: 80, effort: 0 },
} as const satisfies {
  jpg: sharp.JpegOptions;
  png: sharp.PngOptions;
  webp: sharp.WebpOptions;
};

/** Applies the theme's format and the shared encoder settings to a sharp pipeline. */
export function encodeAs(pipeline: sharp.Sharp, format: Theme['format']): sharp.Sharp {
  switch (format) {
    case 'jpg':
      return pipeline.jpeg(ENCODER_OPTIONS.jpg);
    case 'png':
      return pipeline.png(ENCODER_OPTIONS.png);
    case 'webp':
      return pipeline.webp(ENCODER_OPTIONS.webp);
  }
}

/**
 * Renders the placeholder of one render: the theme's canvas size and format, showing the theme's
 * name, the key, each text input as `label` over its value, and each image input as a labelled
 * frame with its URL printed inside (the URL is never fetched). Inputs the theme does not declare
 * are not shown. Values are cut to the room they have and end in `…` when cut.
 *
 * @example
 * const { bytes, contentType } = await renderPlaceholder(theme, { key: 'sku-1', inputs: { input_1: 'Hello' } });
 */
export async function renderPlaceholder(theme: Theme, render: RenderInput): Promise<RenderedImage> {
  const scene = await sceneFor(theme);
  const atlas = await atlasFor(scene.fontSize, scene.cell);

  const texts = scene.slots.map((slot) => slotText(slot, render));
  const lines = texts.map(({ slot, text }) => ({ slot, graphemes: graphemesOf(text, slot.cols * slot.lines + 1) }));
  const glyphs = await atlas.glyphsFor([ELLIPSIS, ...lines.flatMap((line) => line.graphemes)]);

  const canvas = scene.pool.pop() ?? Buffer.allocUnsafe(scene.background.length);
  try {
    scene.background.copy(canvas);
    fillRect(canvas, scene.width, scene.accent, keyColour(render.key));
    lines.forEach(({ slot, graphemes }, index) => {
      const colour = texts[index]!.missing ? MUTED : INK;
      drawText(canvas, scene, glyphs, slot, graphemes, colour);
    });
    const raw = { width: scene.width, height: scene.height, channels: 3 as const };
    const bytes = await encodeAs(sharp(canvas, { raw }), theme.format).toBuffer();
    return { bytes, contentType: CONTENT_TYPES[theme.format] };
  } finally {
    // Reusing canvases spares a fresh multi-megabyte allocation (and its page faults) per render.
    if ((scene.pool.length + 1) * canvas.length <= POOL_BYTES) scene.pool.push(canvas);
  }
}

// ---------------------------------------------------------------------------------------------
// The scene of a theme: static pixels plus where each per-render text goes.

type Rgb = readonly [number, number, number];

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A place for per-render text: `cols` cells across, `lines` lines down, from (x, y). */
interface Slot {
  source: { kind: 'key' } | { kind: 'input'; input: ThemeInput };
  x: number;
  y: number;
  cols: number;
  lines: number;
}

interface Scene {
  width: number;
  height: number;
  background: Buffer;
  accent: Rect;
  fontSize: number;
  cell: Cell;
  slots: Slot[];
  pool: Buffer[];
}

interface Cell {
  width: number;
  height: number;
}

const INK: Rgb = [255, 255, 255];
const MUTED: Rgb = [170, 180, 190];
/** Spare canvases kept per theme, in bytes: four 1080×1080 ones; none of a 4096×4096 one. */
const POOL_BYTES = 16 * 1024 * 1024;
const SANS = 'DejaVu Sans, sans-serif';
const MONO = 'DejaVu Sans Mono, monospace';
/** DejaVu Sans Mono's advance width, in em. */
const MONO_ADVANCE = 0.602;

// Keyed by theme object: a reloaded theme gets a fresh scene, a dropped one is collected.
const scenes = new WeakMap<Theme, Promise<Scene>>();

function sceneFor(theme: Theme): Promise<Scene> {
  let scene = scenes.get(theme);
  if (!scene) {
    scene = buildScene(theme);
    scenes.set(theme, scene);
    scene.catch(() => scenes.delete(theme));
  }
  return scene;
}

/**
 * Lays the theme out in line units `u`: title 2u, subtitle 1u; the key as a label line and one
 * value line; each text input as a label line and two value lines; each image input as a label
 * line and a frame of at least 3.5u that grows to share the height left over.
 */
async function buildScene(theme: Theme): Promise<Scene> {
  const { width, height } = theme;
  const shortSide = Math.min(width, height);
  const margin = Math.max(2, Math.round(shortSide * 0.045));
  const gapUnits = 0.5;
  const textInputs = theme.inputs.filter((input) => input.type === 'text').length;
  const imageInputs = theme.inputs.length - textInputs;
  const units = 3 + gapUnits + (2 + gapUnits) + textInputs * (3 + gapUnits) + imageInputs * (4.5 + gapUnits);
  const u = Math.max(4, Math.min(Math.round(shortSide / 24), Math.floor((height - 2 * margin) / units)));
  const frameExtra = imageInputs > 0 ? Math.max(0, Math.floor((height - 2 * margin - units * u) / imageInputs)) : 0;

  const fontSize = Math.max(3, Math.round(u * 0.7));
  const cell: Cell = { width: Math.max(2, Math.round(fontSize * MONO_ADVANCE)), height: u };
  const innerWidth = width - 2 * margin;
  const cols = (room: number) => Math.max(0, Math.floor(room / cell.width));
  const [background, frame, label] = themeColours(theme);
  const hex = (rgb: Rgb) => `#${rgb.map((channel) => channel.toString(16).padStart(2, '0')).join('')}`;

  const svg: string[] = [];
  const slots: Slot[] = [];
  const labelSize = Math.max(3, Math.round(u * 0.62));
  const baseline = (top: number, size: number) => Math.round(top + (u + size * 0.7) / 2);
  const labelText = (text: string, top: number) =>
    `<text x="${margin}" y="${baseline(top, labelSize)}" font-family="${SANS}" font-size="${labelSize}" fill="${hex(label)}">${escapeXml(fitChars(text, innerWidth, labelSize))}</text>`;

  let y = margin;
  const titleSize = Math.max(4, Math.round(u * 1.25));
  svg.push(
    `<text x="${margin}" y="${Math.round(y + u * 1.45)}" font-family="${SANS}" font-size="${titleSize}" font-weight="bold" fill="#ffffff">${escapeXml(fitChars(theme.name, innerWidth, titleSize, 0.68))}</text>`,
  );
  y += 2 * u;
  svg.push(labelText(`theme #${theme.id} · ${width}×${height} · ${theme.format} · imagefactory-mock`, y));
  y += Math.round((1 + gapUnits) * u);

  svg.push(labelText('key', y));
  slots.push({ source: { kind: 'key' }, x: margin, y: y + u, cols: cols(innerWidth), lines: 1 });
  y += Math.round((2 + gapUnits) * u);

  for (const input of theme.inputs) {
    svg.push(labelText(`${input.label} (${input.name})`, y));
    y += u;
    if (input.type === 'text') {
      slots.push({ source: { kind: 'input', input }, x: margin, y, cols: cols(innerWidth), lines: 2 });
      y += Math.round((2 + gapUnits) * u);
      continue;
    }
    const box: Rect = { x: margin, y, width: innerWidth, height: Math.round(3.5 * u) + frameExtra };
    const pad = Math.max(1, Math.round(u * 0.25));
    const stroke = Math.max(1, Math.round(u / 16));
    svg.push(
      `<rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" fill="${hex(frame)}" stroke="${hex(label)}" stroke-width="${stroke}"/>`,
      `<path d="M${box.x} ${box.y}L${box.x + box.width} ${box.y + box.height}M${box.x + box.width} ${box.y}L${box.x} ${box.y + box.height}" stroke="${hex(background)}" stroke-width="${stroke}"/>`,
    );
    slots.push({
      source: { kind: 'input', input },
      x: box.x + pad,
      y: box.y + pad,
      cols: cols(box.width - 2 * pad),
      lines: Math.max(1, Math.min(4, Math.floor((box.height - 2 * pad) / u))),
    });
    y += box.height + Math.round(gapUnits * u);
  }

  const document = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="${hex(background)}"/>${svg.join('')}</svg>`;
  const pixels = await sharp(Buffer.from(document))
    .flatten({ background: hex(background) })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (pixels.info.width !== width || pixels.info.height !== height || pixels.info.channels !== 3) {
    throw new Error(`theme ${theme.id}: background rasterised to ${pixels.info.width}×${pixels.info.height}×${pixels.info.channels}, expected ${width}×${height}×3`);
  }
  return {
    width,
    height,
    background: pixels.data,
    accent: { x: 0, y: 0, width: Math.max(2, Math.round(margin / 3)), height },
    fontSize,
    cell,
    slots,
    pool: [],
  };
}

/** Background, frame fill and label colours: one hue per theme, from its id and name. */
function themeColours(theme: Theme): [Rgb, Rgb, Rgb] {
  const hue = hash(`${theme.id}:${theme.name}`) % 360;
  return [hsl(hue, 0.45, 0.25), hsl(hue, 0.35, 0.34), hsl(hue, 0.3, 0.8)];
}

/** The accent bar's colour: tells renders of one theme apart at a glance. */
function keyColour(key: string): Rgb {
  return hsl(hash(key) % 360, 0.7, 0.55);
}

function slotText(slot: Slot, render: RenderInput): { slot: Slot; text: string; missing: boolean } {
  if (slot.source.kind === 'key') return { slot, text: render.key, missing: false };
  const value = render.inputs[slot.source.input.name];
  if (value !== undefined && value !== '') return { slot, text: value, missing: false };
  return { slot, text: slot.source.input.type === 'image' ? '(no image)' : '(not set)', missing: true };
}

// ---------------------------------------------------------------------------------------------
// Text: graphemes, glyph masks and drawing.

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
const ELLIPSIS = '…';

/**
 * The first `limit` graphemes of `text`, with line breaks, tabs and other control characters as
 * spaces (they would end a line early, and most are not even allowed in XML).
 */
function graphemesOf(text: string, limit: number): string[] {
  // A grapheme is rarely longer than 8 code units; cutting first keeps a megabyte value cheap.
  const head = text.length > limit * 8 ? text.slice(0, limit * 8) : text;
  const graphemes: string[] = [];
  for (const { segment } of segmenter.segment(sanitise(head))) {
    if (graphemes.length >= limit) break;
    graphemes.push(segment);
  }
  return graphemes;
}

/** Replaces what XML 1.0 forbids or a one-line layout cannot show with a space. */
function sanitise(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]/g, ' ')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** One glyph's coverage as sparse (dx, dy, alpha) triples, relative to its cell's top left. */
interface Glyph {
  cells: 1 | 2;
  mask: Int16Array;
}

interface Atlas {
  /** The glyphs of these graphemes, rasterising the ones not seen before. */
  glyphsFor(graphemes: readonly string[]): Promise<Map<string, Glyph>>;
}

const atlases = new Map<string, Promise<Atlas>>();
/** Rasterised graphemes beyond the ASCII set, per atlas; oldest dropped first past this many. */
const EXTRA_GLYPHS = 4096;

function atlasFor(fontSize: number, cell: Cell): Promise<Atlas> {
  const id = `${fontSize}/${cell.width}/${cell.height}`;
  let atlas = atlases.get(id);
  if (!atlas) {
    atlas = buildAtlas(fontSize, cell);
    atlases.set(id, atlas);
    atlas.catch(() => atlases.delete(id));
  }
  return atlas;
}

async function buildAtlas(fontSize: number, cell: Cell): Promise<Atlas> {
  const ascii = Array.from({ length: 0x7f - 0x20 }, (_, index) => String.fromCharCode(0x20 + index));
  const fixed = await rasteriseAll([...ascii, ELLIPSIS], fontSize, cell);
  const extra = new Map<string, Glyph>();
  return {
    async glyphsFor(graphemes) {
      const found = new Map<string, Glyph>();
      const missing = new Set<string>();
      for (const grapheme of graphemes) {
        const glyph = fixed.get(grapheme) ?? extra.get(grapheme);
        if (glyph) found.set(grapheme, glyph);
        else missing.add(grapheme);
      }
      if (missing.size > 0) {
        for (const [grapheme, glyph] of await rasteriseAll([...missing], fontSize, cell)) {
          found.set(grapheme, glyph);
          extra.set(grapheme, glyph);
        }
        for (const oldest of extra.keys()) {
          if (extra.size <= EXTRA_GLYPHS) break;
          extra.delete(oldest);
        }
      }
      return found;
    },
  };
}

/** Cairo cannot draw surfaces wider than 32,767 pixels: rasterise in strips well under that. */
const STRIP_WIDTH = 16_384;

async function rasteriseAll(graphemes: readonly string[], fontSize: number, cell: Cell): Promise<Map<string, Glyph>> {
  const perStrip = Math.max(1, Math.floor(STRIP_WIDTH / slotWidthOf(cell)));
  const strips: Promise<Map<string, Glyph>>[] = [];
  for (let start = 0; start < graphemes.length; start += perStrip) {
    strips.push(rasterise(graphemes.slice(start, start + perStrip), fontSize, cell));
  }
  return new Map((await Promise.all(strips)).flatMap((strip) => [...strip]));
}

function slotWidthOf(cell: Cell): number {
  return 3 * cell.width + 2 * Math.ceil(cell.height / 2);
}

/**
 * Rasterises each grapheme in its own `<text>` at an integer origin, in a slot three cells wide
 * with padding around, so that accents, descenders and wide characters are caught whole. A
 * grapheme whose ink passes the first cell (CJK, emoji) takes two cells.
 */
async function rasterise(graphemes: readonly string[], fontSize: number, cell: Cell): Promise<Map<string, Glyph>> {
  const pad = Math.ceil(cell.height / 2);
  const slotWidth = slotWidthOf(cell);
  const slotHeight = cell.height + 2 * pad;
  const baseline = pad + Math.round((cell.height + fontSize * 0.7) / 2);
  const texts = graphemes.map(
    (grapheme, index) =>
      `<text x="${index * slotWidth + pad}" y="${baseline}" font-family="${MONO}" font-size="${fontSize}" fill="#fff" xml:space="preserve">${escapeXml(grapheme)}</text>`,
  );
  const width = Math.max(1, graphemes.length * slotWidth);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${slotHeight}">${texts.join('')}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).ensureAlpha().extractChannel(3).raw().toBuffer({ resolveWithObject: true });

  const glyphs = new Map<string, Glyph>();
  graphemes.forEach((grapheme, index) => {
    const triples: number[] = [];
    let right = 0;
    for (let y = 0; y < slotHeight; y += 1) {
      for (let x = 0; x < slotWidth; x += 1) {
        const alpha = data[y * info.width + index * slotWidth + x]!;
        if (alpha === 0) continue;
        triples.push(x - pad, y - pad, alpha);
        right = Math.max(right, x - pad);
      }
    }
    glyphs.set(grapheme, { cells: right >= cell.width * 1.25 ? 2 : 1, mask: Int16Array.from(triples) });
  });
  return glyphs;
}

/**
 * Lays graphemes into the slot's cells line by line (hard wrap: values are keys, names and URLs,
 * where a word break buys little) and ends in `…` when the text does not fit.
 */
function drawText(
  canvas: Buffer,
  scene: Scene,
  glyphs: ReadonlyMap<string, Glyph>,
  slot: Slot,
  graphemes: readonly string[],
  colour: Rgb,
): void {
  const placed: { glyph: Glyph; line: number; col: number }[] = [];
  let line = 0;
  let col = 0;
  let cut = false;
  for (const grapheme of graphemes) {
    const glyph = glyphs.get(grapheme)!;
    if (col + glyph.cells > slot.cols) {
      line += 1;
      col = 0;
    }
    if (line >= slot.lines || glyph.cells > slot.cols) {
      cut = true;
      break;
    }
    placed.push({ glyph, line, col });
    col += glyph.cells;
  }
  const last = cut ? placed.pop() : undefined;
  if (last) placed.push({ ...last, glyph: glyphs.get(ELLIPSIS)! });
  for (const { glyph, line, col } of placed) {
    blit(canvas, scene, glyph, slot.x + col * scene.cell.width, slot.y + line * scene.cell.height, colour);
  }
}

/** Blends a glyph's coverage in `colour` over the canvas at (x, y); clips at the edges. */
function blit(canvas: Buffer, scene: Scene, glyph: Glyph, x: number, y: number, colour: Rgb): void {
  const { mask } = glyph;
  const { width, height } = scene;
  const [red, green, blue] = colour;
  for (let index = 0; index < mask.length; index += 3) {
    const px = x + mask[index]!;
    const py = y + mask[index + 1]!;
    if (px < 0 || py < 0 || px >= width || py >= height) continue;
    const alpha = mask[index + 2]!;
    const offset = (py * width + px) * 3;
    canvas[offset] = blend(canvas[offset]!, red, alpha);
    canvas[offset + 1] = blend(canvas[offset + 1]!, green, alpha);
    canvas[offset + 2] = blend(canvas[offset + 2]!, blue, alpha);
  }
}

function blend(under: number, over: number, alpha: number): number {
  return (under + ((over - under) * alpha + 127) / 255) | 0;
}

function fillRect(canvas: Buffer, canvasWidth: number, rect: Rect, [red, green, blue]: Rgb): void {
  for (let y = rect.y; y < rect.y + rect.height; y += 1) {
    for (let x = rect.x; x < rect.x + rect.width; x += 1) {
      const offset = (y * canvasWidth + x) * 3;
      canvas[offset] = red;
      canvas[offset + 1] = green;
      canvas[offset + 2] = blue;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Small pure helpers.

/**
 * Cuts `text` to about the characters a sans line of `fontSize` fits in `room` pixels; `em` is
 * the average character width in em (an estimate: measuring would cost a rasterisation).
 */
function fitChars(text: string, room: number, fontSize: number, em = 0.58): string {
  const fits = Math.max(1, Math.floor(room / (fontSize * em)));
  const graphemes = graphemesOf(text, fits + 1);
  return graphemes.length > fits ? `${graphemes.slice(0, fits - 1).join('')}${ELLIPSIS}` : graphemes.join('');
}

function escapeXml(text: string): string {
  return sanitise(text).replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** FNV-1a over UTF-16 code units: small, stable across processes and Node versions. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }
  return value >>> 0;
}

function hsl(hue: number, saturation: number, lightness: number): Rgb {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const sector = hue / 60;
  const second = chroma * (1 - Math.abs((sector % 2) - 1));
  const [r, g, b] =
    sector < 1 ? [chroma, second, 0]
    : sector < 2 ? [second, chroma, 0]
    : sector < 3 ? [0, chroma, second]
    : sector < 4 ? [0, second, chroma]
    : sector < 5 ? [second, 0, chroma]
    : [chroma, 0, second];
  const base = lightness - chroma / 2;
  return [r, g, b].map((channel) => Math.round((channel + base) * 255)) as unknown as Rgb;
}
