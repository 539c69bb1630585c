import sharp from 'sharp';
import { describe, expect, it, vi } from 'vitest';
import { BUILT_IN_THEMES, type Theme } from '../../../src/fixtures/themes.js';
import { renderPlaceholder } from '../../../src/mock/pipeline/renderer.js';

const SHARP_FORMAT = { jpg: 'jpeg', png: 'png', webp: 'webp' } as const;
const CONTENT_TYPE = { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const;

const squarePost = BUILT_IN_THEMES[0]!;
const productCard = BUILT_IN_THEMES[3]!;

/** Every declared input filled: text with a short phrase, images with an https URL. */
function filledInputs(theme: Theme, text = 'Summer sale'): Record<string, string> {
  return Object.fromEntries(
    theme.inputs.map((input) => [
      input.name,
      input.type === 'image' ? `https://cdn.example.com/${input.name}.jpg` : `${text} ${input.label}`,
    ]),
  );
}

async function decoded(bytes: Buffer) {
  const { width, height, format } = await sharp(bytes).metadata();
  return { width, height, format };
}

describe('renderPlaceholder', () => {
  it.each(BUILT_IN_THEMES.map((theme) => [theme.id, theme.name, theme] as const))(
    'renders built-in theme %i (%s) at its size and in its format',
    async (_id, _name, theme) => {
      const image = await renderPlaceholder(theme, { key: 'key-1', inputs: filledInputs(theme) });

      expect(image.contentType).toBe(CONTENT_TYPE[theme.format]);
      expect(await decoded(image.bytes)).toEqual({
        width: theme.width,
        height: theme.height,
        format: SHARP_FORMAT[theme.format],
      });
    },
  );

  it('renders a webp theme as webp', async () => {
    const theme: Theme = { ...productCard, id: 90, name: 'Webp card', width: 640, height: 360, format: 'webp' };

    const image = await renderPlaceholder(theme, { key: 'key-1', inputs: filledInputs(theme) });

    expect(image.contentType).toBe('image/webp');
    expect(await decoded(image.bytes)).toEqual({ width: 640, height: 360, format: 'webp' });
  });

  it('returns identical bytes for the same theme, key and inputs', async () => {
    const render = { key: 'sku-42', inputs: filledInputs(productCard) };

    const first = await renderPlaceholder(productCard, render);
    const second = await renderPlaceholder(productCard, { key: 'sku-42', inputs: { ...render.inputs } });

    expect(second.bytes.equals(first.bytes)).toBe(true);
  });

  it('returns identical bytes whatever glyphs an earlier render rasterised', async () => {
    const render = { key: 'clé-ü-日本', inputs: filledInputs(squarePost, 'Ünïcödé ñ 🎉 ✓') };
    const warmed = await import('../../../src/mock/pipeline/renderer.js');
    await warmed.renderPlaceholder(squarePost, { key: 'ß ø å ç ✓ 🎉', inputs: filledInputs(squarePost, '日本 ü é') });
    const afterOthers = await warmed.renderPlaceholder(squarePost, render);

    vi.resetModules();
    const fresh = await import('../../../src/mock/pipeline/renderer.js');
    const alone = await fresh.renderPlaceholder(squarePost, render);

    expect(fresh).not.toBe(warmed);
    expect(alone.bytes.equals(afterOthers.bytes)).toBe(true);
  });

  it('returns different bytes for a different key', async () => {
    const inputs = filledInputs(squarePost);

    const first = await renderPlaceholder(squarePost, { key: 'order-1', inputs });
    const second = await renderPlaceholder(squarePost, { key: 'order-2', inputs });

    expect(second.bytes.equals(first.bytes)).toBe(false);
  });

  it('returns different bytes for a different image URL', async () => {
    const inputs = filledInputs(productCard);

    const first = await renderPlaceholder(productCard, { key: 'sku-1', inputs });
    const second = await renderPlaceholder(productCard, {
      key: 'sku-1',
      inputs: { ...inputs, input_2: 'https://cdn.example.com/other.jpg' },
    });

    expect(second.bytes.equals(first.bytes)).toBe(false);
  });

  it('ignores inputs the theme does not declare', async () => {
    const inputs = filledInputs(squarePost);

    const declaredOnly = await renderPlaceholder(squarePost, { key: 'order-1', inputs });
    const withExtra = await renderPlaceholder(squarePost, { key: 'order-1', inputs: { ...inputs, input_9: 'not shown' } });

    expect(withExtra.bytes.equals(declaredOnly.bytes)).toBe(true);
  });

  it('shows an unset optional input differently from an empty-looking value', async () => {
    const unset = await renderPlaceholder(squarePost, { key: 'order-1', inputs: { input_1: 'Title' } });
    const set = await renderPlaceholder(squarePost, { key: 'order-1', inputs: { input_1: 'Title', input_2: ' ' } });

    expect(set.bytes.equals(unset.bytes)).toBe(false);
  });

  it('renders markup, control characters, broken surrogates and megabyte values without breaking the SVG', async () => {
    const theme: Theme = { ...productCard, id: 91, name: '<Card & "co"> \u0001 \ud800' };
    const hostile = [
      '</text><script>alert(1)</script>&amp;&lt;<![CDATA[x]]>',
      'tab\there\nnew line\r\u0000\u0007\u001b[31m\ufffe\uffff',
      'lone \ud800 high and \udc00 low surrogates',
      'e\u0301 combining, 👩‍👩‍👧 family, 🇫🇷 flag, 日本語, العربية',
      'x'.repeat(1_000_000),
    ];

    for (const [index, value] of hostile.entries()) {
      const image = await renderPlaceholder(theme, {
        key: value,
        inputs: { input_1: value, input_2: value, input_3: value },
      });
      expect({ index, ...(await decoded(image.bytes)) }).toEqual({ index, width: 800, height: 800, format: 'png' });
    }
  });

  it('renders more distinct characters than one glyph rasterisation can hold', async () => {
    const theme: Theme = { ...squarePost, id: 93, width: 4096, height: 1200 };
    const distinct = (from: number, count: number) =>
      Array.from({ length: count }, (_, index) => String.fromCodePoint(from + index)).join('');

    const image = await renderPlaceholder(theme, {
      key: distinct(0x4e00, 600),
      inputs: { input_1: distinct(0x5200, 1200), input_2: distinct(0x0400, 250), input_3: distinct(0x3041, 80) },
    });

    expect(await decoded(image.bytes)).toEqual({ width: 4096, height: 1200, format: 'jpeg' });
  });

  it('renders a 16×16 theme with thirty inputs, clipping what does not fit', async () => {
    const theme: Theme = {
      id: 92,
      name: 'Tiny',
      width: 16,
      height: 16,
      format: 'jpg',
      inputs: Array.from({ length: 30 }, (_, index) => ({
        name: `input_${index + 1}` as const,
        label: `Field ${index + 1}`,
        type: index % 2 === 0 ? ('text' as const) : ('image' as const),
        required: false,
      })),
      batchSize: 1,
    };

    const image = await renderPlaceholder(theme, { key: 'k', inputs: filledInputs(theme) });

    expect(await decoded(image.bytes)).toEqual({ width: 16, height: 16, format: 'jpeg' });
  });
});
