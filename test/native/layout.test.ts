// SPDX-License-Identifier: MIT
// layout.test.ts: the records that cross to native code are described twice, by the C++ structs
// (native/record.h, native/syn_plan.h) and by records.ts's named offsets. The addon reports its
// side (LAYOUT, computed with offsetof); this checks that both agree, and that layoutMismatch,
// which the loader runs on every load, names the field when they do not. No network.
import { layoutMismatch, loadBinding } from '../../lib/native/binding';
import { ABI_VERSION, LAYOUT, RESULT, TARGET } from '../../lib/native/records';
import type { NativeBinding, RecordLayout } from '../../lib/native/types';

type Layouts = Record<string, Record<string, number>>;

/** A fake binding: records.ts's layout, deep-copied, with `edit` applied. */
function fake(edit: (layout: Layouts) => void, abi = ABI_VERSION): Pick<NativeBinding, 'ABI_VERSION' | 'LAYOUT'> {
  const layout = JSON.parse(JSON.stringify(LAYOUT)) as Layouts;
  edit(layout);
  return { ABI_VERSION: abi, LAYOUT: layout as Record<string, RecordLayout> };
}

describe('the native record layouts', () => {
  const binding = loadBinding();

  it('are the same in the loaded addon as in records.ts, field by field', () => {
    expect(binding.ABI_VERSION).toBe(ABI_VERSION);
    expect(binding.LAYOUT).toEqual(LAYOUT);
    expect(layoutMismatch(binding)).toBeNull();
  });

  it('open a target and a result alike: RetryQueue copies address, port and family as they are', () => {
    for (const field of ['addr_n', 'port_h', 'family'] as const) expect(RESULT[field]).toBe(TARGET[field]);
  });
});

describe('layoutMismatch', () => {
  it('accepts a binding that matches records.ts', () => {
    expect(layoutMismatch(fake(() => {}))).toBeNull();
  });

  it('names the one field whose offset differs', () => {
    const report = layoutMismatch(
      fake((l) => {
        (l.result as Record<string, number>).port_h = 17;
      }),
    );
    expect(report).toBe('result.port_h is 17 in the addon, 16 in records.ts');
  });

  it('names a size that differs, and fields on one side only', () => {
    const report = layoutMismatch(
      fake((l) => {
        const interval = l.interval as Record<string, number>;
        interval.size = 40;
        delete interval.count;
        (l.target as Record<string, number>).flags = 23;
      }),
    );
    expect(report).toContain('interval.size is 40 in the addon, 32 in records.ts');
    expect(report).toContain('interval.count is absent in the addon, 24 in records.ts');
    expect(report).toContain('target.flags is 23 in the addon, absent in records.ts');
  });

  it('names a record missing from either side', () => {
    expect(layoutMismatch(fake((l) => delete l.interval))).toBe("record 'interval' is absent from the addon");
    expect(layoutMismatch(fake((l) => (l.extra = { size: 8 })))).toBe("record 'extra' is not in records.ts");
  });

  it('reports another ABI version, or an addon with no LAYOUT (built before it existed)', () => {
    expect(layoutMismatch(fake(() => {}, ABI_VERSION - 1))).toBe(
      `ABI_VERSION is ${ABI_VERSION - 1} in the addon, ${ABI_VERSION} in records.ts`,
    );
    expect(layoutMismatch({ ABI_VERSION })).toBe('the addon exports no LAYOUT');
  });
});
