// range-list.ts: sorted, disjoint, non-adjacent intervals; exact bigint counts; pick/has/subtract.
import { parseAddress } from '../../lib/plan/ip';
import { RangeList, type Interval } from '../../lib/plan/range-list';

function list(...pairs: [number | bigint, number | bigint][]): RangeList {
  const r = new RangeList();
  for (const [a, b] of pairs) r.add(BigInt(a), BigInt(b));
  return r;
}

function plain(r: RangeList): [bigint, bigint][] {
  return r.intervals().map((iv: Interval) => [iv.start, iv.end]);
}

/** Every member, in order, by brute force (small lists only). */
function members(r: RangeList): bigint[] {
  const out: bigint[] = [];
  for (const iv of r.intervals()) for (let v = iv.start; v <= iv.end; v++) out.push(v);
  return out;
}

describe('add and normalize', () => {
  it('starts empty', () => {
    const r = new RangeList();
    expect(r.count()).toBe(0n);
    expect(r.intervals()).toEqual([]);
    expect(r.has(0n)).toBe(false);
  });

  it('sorts intervals given out of order', () => {
    expect(plain(list([20, 25], [1, 3], [10, 12]))).toEqual([
      [1n, 3n],
      [10n, 12n],
      [20n, 25n],
    ]);
  });

  it('merges overlapping intervals', () => {
    expect(plain(list([1, 10], [5, 15]))).toEqual([[1n, 15n]]);
    expect(plain(list([5, 15], [1, 10]))).toEqual([[1n, 15n]]);
    expect(plain(list([1, 100], [20, 30]))).toEqual([[1n, 100n]]);
    expect(plain(list([20, 30], [1, 100]))).toEqual([[1n, 100n]]);
    expect(plain(list([1, 5], [5, 9]))).toEqual([[1n, 9n]]);
  });

  it('merges adjacent intervals (end + 1 == start)', () => {
    expect(plain(list([1, 5], [6, 10]))).toEqual([[1n, 10n]]);
    expect(plain(list([6, 10], [1, 5]))).toEqual([[1n, 10n]]);
    expect(plain(list([1, 1], [2, 2], [3, 3]))).toEqual([[1n, 3n]]);
  });

  it('keeps intervals with a gap of one apart', () => {
    expect(plain(list([1, 5], [7, 10]))).toEqual([
      [1n, 5n],
      [7n, 10n],
    ]);
  });

  it('merges a chain that bridges many intervals', () => {
    expect(plain(list([1, 2], [4, 5], [7, 8], [10, 11], [2, 10]))).toEqual([[1n, 11n]]);
  });

  it('counts duplicates once', () => {
    const r = list([5, 9], [5, 9], [5, 9], [7, 7]);
    expect(r.count()).toBe(5n);
    expect(plain(r)).toEqual([[5n, 9n]]);
  });

  it('is idempotent and picks up later adds', () => {
    const r = list([1, 3]);
    expect(r.count()).toBe(3n);
    r.normalize().normalize();
    expect(r.count()).toBe(3n);
    r.add(4n, 4n);
    expect(r.count()).toBe(4n);
    expect(plain(r)).toEqual([[1n, 4n]]);
    r.add(10n, 10n);
    expect(plain(r)).toEqual([
      [1n, 4n],
      [10n, 10n],
    ]);
  });

  it('rejects a reversed interval', () => {
    expect(() => new RangeList().add(5n, 4n)).toThrow(RangeError);
  });

  it('agrees with a brute-force set on random input', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 50; round++) {
      const r = new RangeList();
      const set = new Set<number>();
      for (let k = 0; k < 12; k++) {
        const a = rand(200);
        const b = a + rand(15);
        r.add(BigInt(a), BigInt(b));
        for (let v = a; v <= b; v++) set.add(v);
      }
      const sorted = [...set].sort((x, y) => x - y).map(BigInt);
      expect(r.count()).toBe(BigInt(set.size));
      expect(members(r)).toEqual(sorted);
      // Disjoint and non-adjacent.
      const ivs = r.intervals();
      for (let k = 1; k < ivs.length; k++) expect(ivs[k]!.start > ivs[k - 1]!.end + 1n).toBe(true);
      for (let i = 0; i < sorted.length; i++) expect(r.pick(BigInt(i))).toBe(sorted[i]);
      for (let v = -1; v <= 220; v++) expect(r.has(BigInt(v))).toBe(set.has(v));
    }
  });
});

describe('count', () => {
  it('is exact for big IPv6 ranges', () => {
    const base = parseAddress('2001:db8::') as bigint;
    const slash64 = new RangeList().add(base, base + (1n << 64n) - 1n);
    expect(slash64.count()).toBe(18446744073709551616n);
    expect(slash64.count()).toBe(2n ** 64n);

    const all = new RangeList().add(0n, (1n << 128n) - 1n);
    expect(all.count()).toBe(2n ** 128n);
    expect(all.count().toString()).toBe('340282366920938463463374607431768211456');
  });

  it('sums several large intervals exactly', () => {
    const a = parseAddress('2001:db8::') as bigint;
    const b = parseAddress('2001:db9::') as bigint;
    const r = new RangeList()
      .add(a, a + (1n << 64n) - 1n) // a /64
      .add(b, b + (1n << 80n) - 1n) // a /48
      .add(a + 5n, a + 10n); // inside the first
    expect(r.count()).toBe(2n ** 64n + 2n ** 80n);
  });
});

describe('has', () => {
  const r = list([10, 20], [30, 30], [40, 50]);
  it.each([
    [9, false],
    [10, true],
    [15, true],
    [20, true],
    [21, false],
    [29, false],
    [30, true],
    [31, false],
    [39, false],
    [40, true],
    [50, true],
    [51, false],
  ])('%d -> %s', (v, expected) => {
    expect(r.has(BigInt(v))).toBe(expected);
  });

  it('works on huge ranges', () => {
    const big = new RangeList().add(0n, (1n << 127n) - 1n).add(1n << 127n, (1n << 127n) + 5n);
    expect(big.has((1n << 126n) + 12345n)).toBe(true);
    expect(big.has((1n << 127n) + 5n)).toBe(true);
    expect(big.has((1n << 127n) + 6n)).toBe(false);
  });
});

describe('pick', () => {
  const r = list([40, 50], [10, 20], [30, 30]);
  it('indexes members in ascending order across intervals', () => {
    expect(r.pick(0n)).toBe(10n);
    expect(r.pick(10n)).toBe(20n);
    expect(r.pick(11n)).toBe(30n);
    expect(r.pick(12n)).toBe(40n);
    expect(r.pick(22n)).toBe(50n);
    expect(r.count()).toBe(23n);
  });

  it('throws outside 0..count-1', () => {
    expect(() => r.pick(23n)).toThrow(RangeError);
    expect(() => r.pick(-1n)).toThrow(RangeError);
    expect(() => new RangeList().pick(0n)).toThrow(RangeError);
  });

  it('indexes into big IPv6 ranges without enumerating them', () => {
    const a = parseAddress('2001:db8::') as bigint;
    const b = parseAddress('2001:db9::') as bigint;
    const big = new RangeList().add(b, b + 9n).add(a, a + (1n << 64n) - 1n);
    expect(big.pick(0n)).toBe(a);
    expect(big.pick((1n << 64n) - 1n)).toBe(a + (1n << 64n) - 1n);
    expect(big.pick(1n << 64n)).toBe(b);
    expect(big.pick((1n << 64n) + 9n)).toBe(b + 9n);
    expect(() => big.pick((1n << 64n) + 10n)).toThrow(RangeError);
  });
});

describe('subtract', () => {
  const cases: [string, [number, number][], [number, number][], [number, number][]][] = [
    ['nothing', [[1, 10]], [], [[1, 10]]],
    ['a disjoint range', [[1, 10]], [[20, 30]], [[1, 10]]],
    [
      'the middle',
      [[1, 10]],
      [[4, 6]],
      [
        [1, 3],
        [7, 10],
      ],
    ],
    ['the start', [[1, 10]], [[1, 3]], [[4, 10]]],
    ['the end', [[1, 10]], [[8, 10]], [[1, 7]]],
    ['a range overlapping the start', [[5, 10]], [[1, 6]], [[7, 10]]],
    ['a range overlapping the end', [[5, 10]], [[9, 20]], [[5, 8]]],
    ['everything', [[1, 10]], [[1, 10]], []],
    ['a superset', [[5, 10]], [[0, 100]], []],
    [
      'one address',
      [[1, 10]],
      [[5, 5]],
      [
        [1, 4],
        [6, 10],
      ],
    ],
    [
      'several holes',
      [[1, 20]],
      [
        [3, 4],
        [8, 8],
        [12, 15],
      ],
      [
        [1, 2],
        [5, 7],
        [9, 11],
        [16, 20],
      ],
    ],
    [
      'one cut spanning two intervals',
      [
        [1, 10],
        [20, 30],
      ],
      [[8, 22]],
      [
        [1, 7],
        [23, 30],
      ],
    ],
    [
      'cuts between intervals',
      [
        [1, 10],
        [20, 30],
        [40, 50],
      ],
      [
        [11, 19],
        [31, 39],
      ],
      [
        [1, 10],
        [20, 30],
        [40, 50],
      ],
    ],
    [
      'whole intervals among others',
      [
        [1, 10],
        [20, 30],
        [40, 50],
      ],
      [[20, 30]],
      [
        [1, 10],
        [40, 50],
      ],
    ],
  ];
  it.each(cases)('removes %s', (_name, from, cut, expected) => {
    const r = list(...from).subtract(list(...cut));
    expect(plain(r)).toEqual(expected.map(([a, b]) => [BigInt(a), BigInt(b)]));
    const n = expected.reduce((s, [a, b]) => s + b - a + 1, 0);
    expect(r.count()).toBe(BigInt(n));
    if (n > 0) expect(r.pick(BigInt(n - 1))).toBe(BigInt(expected[expected.length - 1]![1]));
  });

  it('normalizes both sides first', () => {
    const r = list([20, 30], [1, 10], [5, 25]);
    const cut = list([12, 13], [10, 11]);
    expect(plain(r.subtract(cut))).toEqual([
      [1n, 9n],
      [14n, 30n],
    ]);
  });

  it('agrees with a brute-force set difference', () => {
    let seed = 99;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 50; round++) {
      const a = new RangeList();
      const b = new RangeList();
      const sa = new Set<number>();
      const sb = new Set<number>();
      for (let k = 0; k < 8; k++) {
        const x = rand(150);
        const y = x + rand(20);
        a.add(BigInt(x), BigInt(y));
        for (let v = x; v <= y; v++) sa.add(v);
        const p = rand(150);
        const q = p + rand(10);
        b.add(BigInt(p), BigInt(q));
        for (let v = p; v <= q; v++) sb.add(v);
      }
      const diff = [...sa]
        .filter((v) => !sb.has(v))
        .sort((x, y) => x - y)
        .map(BigInt);
      a.subtract(b);
      expect(a.count()).toBe(BigInt(diff.length));
      expect(members(a)).toEqual(diff);
    }
  });

  it('cuts a big IPv6 range exactly', () => {
    const base = parseAddress('2001:db8::') as bigint;
    const r = new RangeList().add(base, base + (1n << 64n) - 1n);
    r.subtract(new RangeList().add(base + 100n, base + 199n));
    expect(r.count()).toBe(2n ** 64n - 100n);
    expect(r.has(base + 99n)).toBe(true);
    expect(r.has(base + 100n)).toBe(false);
    expect(r.has(base + 199n)).toBe(false);
    expect(r.has(base + 200n)).toBe(true);
    expect(r.pick(100n)).toBe(base + 200n);
  });
});
