import { applyFact, emptyShipment, type Fact, type Shipment } from '../src/domain/shipment';

const at = '2026-01-01T00:00:00.000Z';
const run = (facts: [Fact, string][]) =>
  facts.reduce<Shipment>((s, [f, id]) => applyFact(s, f, id, at) ?? s, emptyShipment('o', 'c', 'd', at));

describe('applyFact(shipment, fact)', () => {
  it('dispatches once both OrderCreated and PaymentCompleted are seen, in either order', () => {
    expect(
      run([
        ['OrderCreated', 'e1'],
        ['PaymentCompleted', 'e2'],
      ]).status,
    ).toBe('DISPATCHED');
    expect(
      run([
        ['PaymentCompleted', 'e2'],
        ['OrderCreated', 'e1'],
      ]).status,
    ).toBe('DISPATCHED');
    expect(run([['PaymentCompleted', 'e2']]).status).toBe('AWAITING_ORDER');
    expect(run([['OrderCreated', 'e1']]).status).toBe('PREPARING');
  });

  it('ignores a redelivered fact (same event id)', () => {
    const s = run([['OrderCreated', 'e1']]);
    expect(applyFact(s, 'OrderCreated', 'e1', at)).toBeUndefined();
  });

  it('a cancellation stops preparation; a later payment is recorded but does not dispatch', () => {
    const s = run([
      ['OrderCreated', 'e1'],
      ['OrderCancelled', 'e3'],
      ['PaymentCompleted', 'e2'],
    ]);
    expect(s).toMatchObject({ status: 'CANCELLED', paid: true });
  });

  it('a cancellation after dispatch changes nothing', () => {
    expect(
      run([
        ['OrderCreated', 'e1'],
        ['PaymentCompleted', 'e2'],
        ['OrderCancelled', 'e3'],
      ]).status,
    ).toBe('DISPATCHED');
  });
});
