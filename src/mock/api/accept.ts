/**
 * Whether a request asked for JSON the way Laravel's `wantsJson()` decides it: the most preferred
 * type of the Accept header (by q-value, then order) is `application/json` or a `+json` type.
 * `*\/*` alone does not count: the real service answers such requests with HTML redirects.
 */
export function wantsJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranked = accept
    .split(',')
    .map((part, index) => {
      const [type = '', ...params] = part.trim().split(';');
      const q = params.map((param) => /^\s*q=([\d.]+)\s*$/i.exec(param)?.[1]).find(Boolean);
      return { type: type.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.type !== '' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const preferred = ranked[0]?.type ?? '';
  return preferred === 'application/json' || preferred.endsWith('+json');
}
