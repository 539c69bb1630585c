import { parse, type ParseError } from 'jsonc-parser';

/**
 * Where strict JSON first goes wrong in `text`: the offset of the first character a JSON parser
 * rejects (`text.length` for a body cut short). V8's `JSON.parse` names the position for some
 * mistakes and not for others, so the body is parsed again with jsonc-parser in strict mode
 * (no comments, no trailing commas), which reports an offset for every kind of mistake.
 */
export function firstJsonErrorOffset(text: string): number {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  return errors[0]?.offset ?? text.length;
}
