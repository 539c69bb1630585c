import { firstJsonErrorOffset } from '../../contract/json-error-position.js';
import { ApiError } from './errors.js';

/**
 * Parses a request body as JSON. On failure, the 400 names the line, the column and the
 * character, and for the commonest mistake (a trailing comma, which the service's own documented
 * example has) says exactly what to delete.
 */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw describeMalformedJson(text, (error as Error).message);
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { line, column };
}

function previousNonSpace(text: string, offset: number): { char: string; offset: number } | undefined {
  for (let index = offset - 1; index >= 0; index -= 1) {
    const char = text[index]!;
    if (!/\s/.test(char)) return { char, offset: index };
  }
  return undefined;
}

function describeMalformedJson(text: string, parserMessage: string): ApiError {
  if (text.trim() === '') {
    return new ApiError(400, 'Malformed JSON: the request body is empty. Send a JSON object such as {"theme_id": 1, "requests": [{"key": "a", "input_1": "Hello"}]}.');
  }
  const offset = firstJsonErrorOffset(text);
  const { line, column } = lineAndColumn(text, offset);
  const found = offset < text.length ? `'${text[offset]}'` : 'the end of the body';
  const previous = previousNonSpace(text, offset);
  let fix: string;
  if (previous?.char === ',' && (text[offset] === '}' || text[offset] === ']')) {
    const comma = lineAndColumn(text, previous.offset);
    fix = `Remove the trailing comma at line ${comma.line}, column ${comma.column}: JSON allows no comma before ${text[offset]}.`;
  } else if (offset >= text.length) {
    fix = 'The body ends too early: close every open string, array and object.';
  } else if (text[offset] === "'") {
    fix = 'Use double quotes: JSON strings and property names take "…", not \'…\'.';
  } else {
    fix = 'Check the character there and the one before it.';
  }
  return new ApiError(400, `Malformed JSON at line ${line}, column ${column}: unexpected ${found}. ${fix}`, {
    error: { line, column, position: offset, parser: parserMessage },
  });
}
