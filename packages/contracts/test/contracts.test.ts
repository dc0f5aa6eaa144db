import {
  addressed,
  allEvents,
  announcedAgain,
  FIRST_ANNOUNCEMENT_MS,
  audienceOf,
  buildEvent,
  isAddressedTo,
  Id,
  MAX_ITEMS,
  MAX_ORDER_TOTAL,
  MAX_QUANTITY,
  MAX_UNIT_PRICE,
  OrderCreated,
  OrderItem,
  orderTotal,
  parseEvent,
  PaymentCompleted,
} from '../src';

const data = {
  orderId: 'o-1',
  customerId: 'c-1',
  items: [{ sku: 'a', quantity: 1, unitPrice: 10 }],
  totalAmount: 10,
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('the contracts', () => {
  it('have unique topics and types; types are versioned; names are past-tense facts', () => {
    expect(new Set(allEvents.map(e => e.topic)).size).toBe(allEvents.length);
    expect(new Set(allEvents.map(e => e.type)).size).toBe(allEvents.length);
    for (const e of allEvents) {
      expect(e.type).toMatch(/\.v\d+$/);
      expect(e.name).toMatch(/(ed|Started|Registered)$/);
    }
  });
});

describe('buildEvent(contract, data, opts)', () => {
  it('wraps valid data in a CloudEvent whose subject is the business key', () => {
    const e = buildEvent(OrderCreated, data, { source: 'order', traceparent: 'tp' });
    expect(e).toMatchObject({
      specversion: '1.0',
      type: OrderCreated.type,
      source: 'order',
      subject: 'o-1',
      traceparent: 'tp',
    });
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses data that breaks the contract (a publisher bug never reaches the bus)', () => {
    expect(() => buildEvent(OrderCreated, { ...data, items: [] }, { source: 'order' })).toThrow();
  });
});

describe('parseEvent(contract, body)', () => {
  const good = buildEvent(OrderCreated, data, { source: 'order' });

  it('accepts a matching CloudEvent', () => {
    const r = parseEvent(OrderCreated, JSON.parse(JSON.stringify(good)));
    expect(r.ok && r.event.data.orderId).toBe('o-1');
  });

  it.each([
    ['not an object', 'text', /not a JSON object/],
    ['an array', [good], /not a JSON object/],
    ['no specversion', { ...good, specversion: undefined }, /specversion/],
    ['no id', { ...good, id: '' }, /id is missing/],
    ['another type', { ...good, type: PaymentCompleted.type }, /is not "lab.order.created.v1"/],
    ['bad data', { ...good, data: { ...data, totalAmount: -1 } }, /totalAmount/],
    ['no data', { ...good, data: undefined }, /does not match/],
    ['an empty audience', { ...good, addressedto: '' }, /addressedto must be app ids/],
    ['an audience of no app id', { ...good, addressedto: 'order,,payment' }, /addressedto/],
    ['an audience that is not text', { ...good, addressedto: ['order'] }, /addressedto/],
    ['an audience of odd characters', { ...good, addressedto: 'Order||x' }, /addressedto/],
  ])('rejects %s with a reason', (_n, body, reason) => {
    const r = parseEvent(OrderCreated, body);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
  });
});

describe('addressed copies (issue 13, class 5)', () => {
  const event = buildEvent(OrderCreated, data, { source: 'order' });

  it('a copy names its consumers and keeps the event as it was: same id, data and trace', () => {
    const copy = addressed(event, ['order', 'payment', 'order']);
    expect(copy).toEqual({ ...event, addressedto: 'order,payment' });
    expect(audienceOf(copy)).toEqual(['order', 'payment']);
    expect(isAddressedTo(copy, 'payment')).toBe(true);
    expect(isAddressedTo(copy, 'notification')).toBe(false);
    const parsed = parseEvent(OrderCreated, JSON.parse(JSON.stringify(copy)));
    expect(parsed.ok && parsed.event.addressedto).toBe('order,payment');
  });

  it('an event without an audience is for every subscriber, and addressing it to everyone removes one', () => {
    expect(audienceOf(event)).toBeUndefined();
    expect(isAddressedTo(event, 'notification')).toBe(true);
    expect(addressed(addressed(event, ['order']), undefined)).toEqual(event);
  });

  it('a stored fact announced again goes to everyone while recent, later to the asking copy’s audience', () => {
    const made = new Date(event.time).getTime();
    const at = (ms: number) => new Date(made + ms);
    const audience = ['order', 'payment'];
    expect(announcedAgain(event, audience, at(FIRST_ANNOUNCEMENT_MS - 1))).toEqual(event);
    expect(announcedAgain(event, audience, at(FIRST_ANNOUNCEMENT_MS))).toEqual({
      ...event,
      addressedto: 'order,payment',
    });
    expect(announcedAgain(event, undefined, at(FIRST_ANNOUNCEMENT_MS * 10))).toEqual(event);
  });

  it('refuses an audience that is no list of app ids', () => {
    expect(() => addressed(event, [])).toThrow(/not an audience/);
    expect(() => addressed(event, ['order,payment', 'x y'])).toThrow(/not an audience/);
  });
});

describe('Id, the one id schema (issue 13, class 3)', () => {
  it.each(['o-1', 'c.e2e', 'blocked-x', 'user:42', 'A_b', '0f8fad5b-d9cb-469f-a165-70867728950e', 'k'.repeat(128)])(
    'accepts %s',
    id => expect(Id.safeParse(id).success).toBe(true),
  );
  it.each(['', 'x||y', 'a|b', 'a b', 'a/b', 'ü', 'a\nb', 'k'.repeat(129), '%7C%7C'])('refuses %j', id =>
    expect(Id.safeParse(id).success).toBe(false),
  );
  it('is what every event id field uses: an event naming an id daprd cannot store breaks its contract', () => {
    const r = parseEvent(OrderCreated, {
      ...buildEvent(OrderCreated, data, { source: 'o' }),
      data: { ...data, customerId: 'x||y' },
    });
    expect(!r.ok && r.reason).toMatch(/customerId/);
  });
});

describe('order totals (issue 13, class 4)', () => {
  it('are exact at the business maximum, far below Number.MAX_SAFE_INTEGER', () => {
    const items = Array.from({ length: MAX_ITEMS }, () => ({
      sku: 's',
      quantity: MAX_QUANTITY,
      unitPrice: MAX_UNIT_PRICE,
    }));
    expect(orderTotal(items)).toBe(MAX_ITEMS * MAX_QUANTITY * MAX_UNIT_PRICE);
    expect(Number.isSafeInteger(orderTotal(items))).toBe(true);
    expect(MAX_ORDER_TOTAL).toBeLessThan(Number.MAX_SAFE_INTEGER);
  });
  it('bound a unit price and an event total', () => {
    expect(OrderItem.safeParse({ sku: 's', quantity: 1, unitPrice: MAX_UNIT_PRICE + 1 }).success).toBe(false);
    expect(() => buildEvent(OrderCreated, { ...data, totalAmount: MAX_ORDER_TOTAL + 1 }, { source: 'o' })).toThrow();
  });
});
