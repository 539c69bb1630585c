/**
 * A small seeded random number generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting
 * generator, 128-bit state, passes PractRand) seeded through the cyrb128 string hash.
 *
 * Every random choice in the mock and in check-handler comes from one of these, so a seed replays
 * a run exactly. `Math.random` is never used where a choice can change behaviour.
 */

/** A seeded stream of random numbers. Not for secrets: it is predictable by design. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both ends included. Throws a RangeError for non-integers or min > max. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy (Fisher-Yates); `items` is left as it was. */
  shuffle<T>(items: readonly T[]): T[];
  /**
   * An independent stream derived from this stream's seed and `label`, not from its position:
   * drawing more or fewer numbers here never changes what a fork gives, so adding a random choice
   * in one part of a run does not reshuffle every other part. The same label gives the same stream.
   */
  fork(label: string): Rng;
}

/** Outputs thrown away after seeding, so similar seeds do not start with similar numbers. */
const WARM_UP = 15;

/** Separates a parent seed from a fork label (U+241F SYMBOL FOR UNIT SEPARATOR: unlikely in labels). */
const FORK_SEPARATOR = '\u241f';

/**
 * Creates a generator from a seed. A number and its decimal string are the same seed
 * (`createRng(42)` and `createRng('42')` give the same stream), so a seed printed in a report
 * can be pasted back on the command line.
 *
 * @example
 * const rng = createRng(process.env.SEED ?? 'default');
 * const batches = rng.int(1, 4);
 * const order = rng.shuffle(keys);
 * const faults = rng.fork('faults'); // unaffected by how many numbers `rng` gives out later
 */
export function createRng(seed: number | string): Rng {
  if (typeof seed === 'number' && !Number.isFinite(seed)) {
    throw new RangeError(`createRng: seed must be a finite number or a string (got ${seed})`);
  }
  return rngFromKey(String(seed));
}

function rngFromKey(key: string): Rng {
  const next = sfc32(cyrb128(key));
  for (let index = 0; index < WARM_UP; index++) next();

  const int = (min: number, max: number): number => {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) {
      throw new RangeError(`rng.int: need integers with min <= max (got ${min}, ${max})`);
    }
    return min + Math.floor(next() * (max - min + 1));
  };

  return {
    next,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('rng.pick: cannot pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    shuffle<T>(items: readonly T[]): T[] {
      const copy = [...items];
      for (let index = copy.length - 1; index > 0; index--) {
        const other = int(0, index);
        [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
      }
      return copy;
    },
    fork(label: string): Rng {
      return rngFromKey(`${key}${FORK_SEPARATOR}${label}`);
    },
  };
}

/** cyrb128: a fast 128-bit string hash, enough to spread a short seed over sfc32's state. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    h1 = h2 ^ Math.imul(h1 ^ code, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ code, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ code, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ code, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

function sfc32([seedA, seedB, seedC, seedD]: [number, number, number, number]): () => number {
  let a = seedA | 0;
  let b = seedB | 0;
  let c = seedC | 0;
  let d = seedD | 0;
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}
