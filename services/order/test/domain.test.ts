// The order decider: which fact moves an order from which status, each fact once, late facts recorded.
import { applyAll, applyFact, followedFacts, placeOrder, type FactRecord } from '../src/domain/order';

const at = '2026-12-03T00:00:00.000Z';
const placed = () =>
  placeOrder({ customerId: 'c-1', items: [{ productId: 'p-1', quantity: 2, unitPrice: 500 }] }, 'o-1', 'e-0', at, '');
const fact = (f: FactRecord['fact'], eventId: string, reason?: string): FactRecord => ({
  fact: f,
  eventId,
  at,
  ...(reason ? { reason } : {}),
});

describe('the order decider', () => {
  it('follows exactly the three facts that move an order', () => {
    expect(followedFacts.sort()).toEqual(['DeliveryStarted', 'PaymentCompleted', 'PaymentFailed']);
  });

  it('moves PENDING -> PAID -> SHIPPED, in either order of the last two facts', () => {
    expect(applyAll(placed(), [fact('PaymentCompleted', 'e-1'), fact('DeliveryStarted', 'e-2')]).status).toBe(
      'SHIPPED',
    );
    expect(applyAll(placed(), [fact('DeliveryStarted', 'e-2'), fact('PaymentCompleted', 'e-1')]).status).toBe(
      'SHIPPED',
    );
  });

  it('cancels on PaymentFailed, keeping the reason in the history', () => {
    const o = applyAll(placed(), [fact('PaymentFailed', 'e-1', 'declined')]);
    expect(o.status).toBe('CANCELLED');
    expect(o.history.at(-1)).toEqual({
      event: 'PaymentFailed',
      eventId: 'e-1',
      status: 'CANCELLED',
      at,
      reason: 'declined',
    });
  });

  it('applies a fact once: the same event id again is a duplicate', () => {
    const r = applyFact(placed(), fact('PaymentCompleted', 'e-1'));
    expect(r.kind).toBe('applied');
    if (r.kind !== 'applied') return;
    expect(applyFact(r.order, fact('PaymentCompleted', 'e-1'))).toEqual({ kind: 'duplicate' });
    expect(applyAll(r.order, [fact('PaymentCompleted', 'e-1')]).history).toHaveLength(2);
  });

  it('records a fact too late to move a terminal order, without moving it', () => {
    const cancelled = applyAll(placed(), [fact('PaymentFailed', 'e-1', 'declined')]);
    const r = applyFact(cancelled, fact('DeliveryStarted', 'e-2'));
    expect(r).toMatchObject({ kind: 'applied', moved: false, order: { status: 'CANCELLED' } });
    if (r.kind === 'applied')
      expect(r.order.history.map(h => h.event)).toEqual(['OrderCreated', 'PaymentFailed', 'DeliveryStarted']);
  });
});
