import type { z } from 'zod';
import {
  INPUT_NAMES,
  batchRenderRequestSchema,
  singleRenderRequestSchema,
  type RenderItem,
} from '../../contract/schemas.js';
import type { Theme } from '../../fixtures/themes.js';

/**
 * Request validation that answers as the real service (a Laravel app) does: the structural rules
 * come from the wire schemas in src/contract/schemas.ts, their failures are translated to
 * Laravel's rule messages, and the theme's own rules (exists, required inputs, https image URLs)
 * are checked on top. Pure: no I/O, the theme catalogue is passed in.
 */

export type ValidationErrors = Record<string, string[]>;

export interface ValidatedRender {
  key: string;
  inputs: Record<string, string>;
}

export type ValidationResult =
  | { ok: true; theme: Theme; renders: ValidatedRender[]; warnings: string[] }
  | { ok: false; errors: ValidationErrors };

export interface ValidationLimits {
  /** Most entries `requests` may hold; more is a 422, as Laravel's `max` rule writes it. */
  maxRequestsPerBatch: number;
}

/** Most unknown-field warnings kept per job; a 100,000-key batch must not carry 100,000 strings. */
const MAX_WARNINGS = 50;

const KNOWN_ITEM_FIELDS = new Set<string>(['key', ...INPUT_NAMES]);

/** Laravel shows `theme_id` as "theme id" and `requests.0.input_1` as "requests.0.input 1". */
function attributeName(path: readonly PropertyKey[]): string {
  return path.map(String).join('.').replaceAll('_', ' ');
}

type Rule = 'required' | 'string' | 'array' | 'integer' | 'exists' | 'url' | 'https' | 'max';

function laravelMessage(path: readonly PropertyKey[], rule: Rule, limits: ValidationLimits): string {
  const attribute = attributeName(path);
  switch (rule) {
    case 'required':
      return `The ${attribute} field is required.`;
    case 'string':
      return `The ${attribute} field must be a string.`;
    case 'array':
      return `The ${attribute} field must be an array.`;
    case 'integer':
      return `The ${attribute} field must be an integer.`;
    case 'exists':
      return `The selected ${attribute} is invalid.`;
    case 'url':
      return `The ${attribute} field must be a valid URL.`;
    case 'https':
      return `The ${attribute} field must start with one of the following: https://.`;
    case 'max':
      return `The ${attribute} field must not have more than ${limits.maxRequestsPerBatch} items.`;
  }
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** Laravel's `required` fails on null, "" and [] alike. */
function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function ruleFor(issue: z.core.$ZodIssue, data: unknown): Rule {
  const value = valueAt(data, issue.path);
  if (isMissing(value)) return 'required';
  const field = issue.path[issue.path.length - 1];
  if (field === 'theme_id') return 'integer';
  if (issue.code === 'invalid_type') {
    if (issue.expected === 'array' || issue.expected === 'object') return 'array';
    return 'string';
  }
  return 'string';
}

/**
 * Laravel reports rules in the order they are declared, wildcards expanded in data order:
 * requests, then every requests.*, every requests.*.key, every requests.*.input_N, then theme_id.
 */
function laravelOrder(path: string): number[] {
  const segments = path.split('.');
  if (segments[0] !== 'requests') return [9];
  if (segments.length === 1) return [0];
  const index = Number(segments[1]);
  if (segments.length === 2) return [1, index];
  if (segments[2] === 'key') return [2, index];
  return [3, index, Number(segments[2]?.replace('input_', '') ?? 0)];
}

function compareOrder(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const difference = (a[i] ?? -1) - (b[i] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

class ErrorBag {
  private readonly byPath = new Map<string, string[]>();

  add(path: readonly PropertyKey[], message: string): void {
    const key = path.map(String).join('.');
    const messages = this.byPath.get(key) ?? [];
    if (!messages.includes(message)) messages.push(message);
    this.byPath.set(key, messages);
  }

  get size(): number {
    return this.byPath.size;
  }

  toObject(): ValidationErrors {
    const keys = [...this.byPath.keys()].sort((a, b) => compareOrder(laravelOrder(a), laravelOrder(b)));
    return Object.fromEntries(keys.map((key) => [key, this.byPath.get(key)!]));
  }
}

function isHttpsUrl(value: string): 'ok' | 'url' | 'https' {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return 'url';
  }
  if (!parsed.hostname) return 'url';
  return parsed.protocol === 'https:' ? 'ok' : 'https';
}

function checkThemeInputs(
  theme: Theme,
  item: Record<string, unknown>,
  itemPath: readonly PropertyKey[],
  bag: ErrorBag,
  limits: ValidationLimits,
): void {
  for (const input of theme.inputs) {
    const value = item[input.name];
    const path = [...itemPath, input.name];
    if (input.required && isMissing(value)) {
      bag.add(path, laravelMessage(path, 'required', limits));
      continue;
    }
    if (input.type === 'image' && typeof value === 'string' && value !== '') {
      const verdict = isHttpsUrl(value);
      if (verdict !== 'ok') bag.add(path, laravelMessage(path, verdict, limits));
    }
  }
}

function unknownFieldWarnings(
  item: Record<string, unknown>,
  itemPath: string,
  theme: Theme | undefined,
  warnings: string[],
): void {
  const themeInputs = new Set<string>(theme?.inputs.map((input) => input.name));
  for (const field of Object.keys(item)) {
    if (warnings.length >= MAX_WARNINGS) return;
    const where = itemPath ? `${itemPath}.${field}` : field;
    if (!KNOWN_ITEM_FIELDS.has(field)) {
      warnings.push(`${where}: unknown field, ignored as the service ignores it (inputs run input_1 … input_30).`);
    } else if (theme && field.startsWith('input_') && !themeInputs.has(field)) {
      warnings.push(`${where}: theme ${theme.id} has no ${field}; the value is ignored.`);
    }
  }
}

function topLevelWarnings(body: Record<string, unknown>, known: ReadonlySet<string>, warnings: string[]): void {
  for (const field of Object.keys(body)) {
    if (known.has(field)) continue;
    const hint = field === 'themeId' ? ' (did you mean theme_id?)' : '';
    warnings.push(`${field}: unknown field, ignored as the service ignores it${hint}.`);
  }
}

function rendersOf(items: readonly RenderItem[]): ValidatedRender[] {
  return items.map((item) => {
    const inputs: Record<string, string> = {};
    for (const name of INPUT_NAMES) {
      const value = item[name];
      if (typeof value === 'string') inputs[name] = value;
    }
    return { key: item.key, inputs };
  });
}

/** The wire schema's failures, each turned into the Laravel rule message it stands for. */
function addSchemaIssues(parsed: z.ZodSafeParseResult<unknown>, body: unknown, bag: ErrorBag, limits: ValidationLimits): void {
  if (parsed.success) return;
  for (const issue of parsed.error.issues) bag.add(issue.path, laravelMessage(issue.path, ruleFor(issue, body), limits));
}

/** Validates `POST /api/request-batch-render`. */
export function validateBatchRequest(
  body: unknown,
  themes: ReadonlyMap<number, Theme>,
  limits: ValidationLimits,
): ValidationResult {
  const bag = new ErrorBag();
  const parsed = batchRenderRequestSchema.safeParse(body);
  addSchemaIssues(parsed, body, bag, limits);
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const requests = Array.isArray(record.requests) ? (record.requests as unknown[]) : [];
  if (requests.length > limits.maxRequestsPerBatch) {
    bag.add(['requests'], laravelMessage(['requests'], 'max', limits));
  }
  const theme = themeFor(record.theme_id, themes, bag, limits);
  const warnings: string[] = [];
  requests.forEach((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return;
    if (theme) checkThemeInputs(theme, item as Record<string, unknown>, ['requests', index], bag, limits);
    unknownFieldWarnings(item as Record<string, unknown>, `requests.${index}`, theme, warnings);
  });
  topLevelWarnings(record, new Set(['requests', 'theme_id']), warnings);
  if (bag.size > 0 || !parsed.success || !theme) return { ok: false, errors: bag.toObject() };
  return { ok: true, theme, renders: rendersOf(parsed.data.requests), warnings };
}

/** Validates `POST /api/request-render`: one render, its inputs beside `theme_id` and `key`. */
export function validateSingleRequest(
  body: unknown,
  themes: ReadonlyMap<number, Theme>,
  limits: ValidationLimits,
): ValidationResult {
  const bag = new ErrorBag();
  const parsed = singleRenderRequestSchema.safeParse(body);
  addSchemaIssues(parsed, body, bag, limits);
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const theme = themeFor(record.theme_id, themes, bag, limits);
  const warnings: string[] = [];
  if (theme) checkThemeInputs(theme, record, [], bag, limits);
  const { theme_id: _themeId, ...itemFields } = record;
  unknownFieldWarnings(itemFields, '', theme, warnings);
  if (bag.size > 0 || !parsed.success || !theme) return { ok: false, errors: bag.toObject() };
  return { ok: true, theme, renders: rendersOf([parsed.data]), warnings };
}

function themeFor(
  themeId: unknown,
  themes: ReadonlyMap<number, Theme>,
  bag: ErrorBag,
  limits: ValidationLimits,
): Theme | undefined {
  const id = typeof themeId === 'number' ? themeId : typeof themeId === 'string' ? Number(themeId) : Number.NaN;
  if (!Number.isInteger(id)) return undefined; // the schema has already said why
  const theme = themes.get(id);
  if (!theme) bag.add(['theme_id'], laravelMessage(['theme_id'], 'exists', limits));
  return theme;
}

/** Laravel's summary: the first message, and "(and N more error[s])" counting the rest. */
export function summariseErrors(errors: ValidationErrors): string {
  const messages = Object.values(errors).flat();
  const [first = 'The given data was invalid.'] = messages;
  const more = messages.length - 1;
  if (more <= 0) return first;
  return `${first} (and ${more} more ${more === 1 ? 'error' : 'errors'})`;
}
