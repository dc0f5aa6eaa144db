import { MAX_ORDER_TOTAL } from '@lab/contracts';
import { won } from '../src/domain/messages';

describe('won(amount)', () => {
  it('groups thousands as en-US does, up to the largest order total', () => {
    for (const n of [0, 7, 999, 1000, 12_345, 999_999, 1_000_000, 123_456_789, MAX_ORDER_TOTAL - 1, MAX_ORDER_TOTAL])
      expect(won(n)).toBe(`${n.toLocaleString('en-US')} KRW`);
    expect(won(1_234_567)).toBe('1,234,567 KRW');
  });
});
