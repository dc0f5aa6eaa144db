// Where order keeps its data in its state store.
export const keys = {
  order: (id: string) => `order:${id}`,
  byCustomer: (customerId: string) => `customer-orders:${customerId}`,
  idempotency: (key: string) => `idempotency:${key}`,
};

/** Orders listed per customer (newest kept). */
export const MAX_ORDERS_PER_CUSTOMER = 1000;
