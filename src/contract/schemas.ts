import { z } from 'zod';

/**
 * The wire shapes of ImageFactory's render API, as its public docs describe them. The mock
 * validates with these, the typed client parses with them, and the README documents them: one
 * source for each shape.
 */

export const INPUT_COUNT = 30;
export type InputName = `input_${number}`;
export const INPUT_NAMES: readonly InputName[] = Array.from(
  { length: INPUT_COUNT },
  (_, index) => `input_${index + 1}` as InputName,
);

/** Laravel's `integer` rule takes 5 and "5" alike; so does the mock. */
const themeIdSchema = z.union([z.number().int(), z.string().regex(/^-?\d+$/)]).transform(Number);

const inputFields = Object.fromEntries(
  INPUT_NAMES.map((name) => [name, z.string().optional()]),
) as Record<InputName, z.ZodOptional<z.ZodString>>;

/** One render request inside a batch. Unknown fields pass through: the service ignores them. */
export const renderItemSchema = z.looseObject({
  key: z.string().min(1),
  ...inputFields,
});

export const batchRenderRequestSchema = z.looseObject({
  requests: z.array(renderItemSchema).min(1),
  theme_id: themeIdSchema,
});

export const singleRenderRequestSchema = z.looseObject({
  ...inputFields,
  theme_id: themeIdSchema,
  key: z.string().min(1),
});

export const renderAcceptedSchema = z.object({
  success: z.literal(true),
  uuid: z.uuid({ version: 'v4' }),
  webhook_url: z.string().nullable(),
});

export const batchWebhookBodySchema = z.object({
  uuid: z.uuid(),
  output: z.array(z.object({ key: z.string(), public_url: z.url() })).min(1),
});

export const singleWebhookBodySchema = z.object({
  uuid: z.uuid(),
  public_url: z.url(),
});

/** The body Laravel writes for a failed validation: the first message, and every message by path. */
export const validationErrorSchema = z.object({
  message: z.string(),
  errors: z.record(z.string(), z.array(z.string())),
});

export const messageErrorSchema = z.object({ message: z.string() });

export type RenderItem = z.output<typeof renderItemSchema>;
export type BatchRenderRequest = z.input<typeof batchRenderRequestSchema>;
export type SingleRenderRequest = z.input<typeof singleRenderRequestSchema>;
export type RenderAccepted = z.output<typeof renderAcceptedSchema>;
export type BatchWebhookBody = z.output<typeof batchWebhookBodySchema>;
export type SingleWebhookBody = z.output<typeof singleWebhookBodySchema>;
export type ValidationErrorBody = z.output<typeof validationErrorSchema>;
