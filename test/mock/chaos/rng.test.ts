import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/mock/chaos/rng.js';

const draw = (seed: number | string, count = 5): number[] => {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => rng.next());
};

describe('createRng', () => {
  it('replays the same stream for the same seed', () => {
    expect(draw('replay-me')).toEqual(draw('replay-me'));
  });

  it('keeps its stream stable across releases (a recorded seed must replay)', () => {
    expect(draw('imagefactory', 3)).toEqual([0.31341251148842275, 0.8400231208652258, 0.15310779074206948]);
  });

  it('treats a number and its decimal string as the same seed', () => {
    expect(draw(42)).toEqual(draw('42'));
  });

  it('gives different streams for neighbouring seeds', () => {
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('rejects a seed that is not a finite number', () => {
    expect(() => createRng(Number.NaN)).toThrow(
      new RangeError('createRng: seed must be a finite number or a string (got NaN)'),
    );
  });

  it('gives floats in [0, 1)', () => {
    const rng = createRng('range');
    for (let index = 0; index < 10_000; index++) {
      const value = rng.next();
      expect(value >= 0 && value < 1).toBe(true);
    }
  });
});

describe('rng.int', () => {
  it('covers both ends of the range and nothing outside it', () => {
    const rng = createRng('dice');
    const seen = new Set<number>();
    for (let index = 0; index < 1_000; index++) seen.add(rng.int(1, 6));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('returns min when min equals max', () => {
    expect(createRng('one').int(7, 7)).toBe(7);
  });

  it.each([
    [3, 1, 'rng.int: need integers with min <= max (got 3, 1)'],
    [0.5, 2, 'rng.int: need integers with min <= max (got 0.5, 2)'],
  ])('throws a RangeError for int(%s, %s)', (min, max, message) => {
    expect(() => createRng('bad').int(min, max)).toThrow(new RangeError(message));
  });
});

describe('rng.pick', () => {
  it('picks every element eventually', () => {
    const rng = createRng('pick');
    const seen = new Set<string>();
    for (let index = 0; index < 200; index++) seen.add(rng.pick(['a', 'b', 'c']));
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
  });

  it('throws on an empty list', () => {
    expect(() => createRng('empty').pick([])).toThrow(
      new RangeError('rng.pick: cannot pick from an empty list'),
    );
  });
});

describe('rng.shuffle', () => {
  it('returns a new array with the same elements and leaves the input alone', () => {
    const input = Object.freeze([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const shuffled = createRng('shuffle').shuffle(input);
    expect(shuffled).not.toBe(input);
    expect([...shuffled].sort((a, b) => a - b)).toEqual([...input]);
    expect(shuffled).not.toEqual([...input]);
    expect(input).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('shuffles the same way for the same seed', () => {
    const items = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(createRng(7).shuffle(items)).toEqual(createRng(7).shuffle(items));
  });
});

describe('rng.fork', () => {
  it('gives the same stream whatever the parent drew before', () => {
    const fresh = createRng('parent');
    const used = createRng('parent');
    for (let index = 0; index < 100; index++) used.next();
    expect(used.fork('faults').next()).toBe(fresh.fork('faults').next());
  });

  it('does not move the parent stream', () => {
    const forked = createRng('parent');
    forked.fork('faults').next();
    expect(forked.next()).toBe(createRng('parent').next());
  });

  it('gives different streams for different labels, and differs from the parent', () => {
    const rng = createRng('parent');
    const a = rng.fork('a').next();
    expect(rng.fork('b').next()).not.toBe(a);
    expect(createRng('parent').next()).not.toBe(a);
  });

  it('forks of forks replay too', () => {
    expect(createRng(1).fork('x').fork('y').next()).toBe(createRng('1').fork('x').fork('y').next());
  });
});
