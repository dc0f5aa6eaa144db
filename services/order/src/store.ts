// Where order keeps its data in its state store.
export const keys = {
  order: (id: string) => `order:${id}`,
  byCustomer: (customerId: string) => `customer-orders:${customerId}`,
  idempotency: (key: string) => `idempotency:${key}`,
  openOrders: (shard: number) => `open-orders:${shard}`,
  placed: (minute: string, shard: number) => `placed:${minute}:${shard}`,
};

/** Shards of the open-orders index (each a small map; one key per shard keeps writes on it short). */
export const OPEN_ORDER_SHARDS = 32;

/** Orders listed per customer (newest kept). */
export const MAX_ORDERS_PER_CUSTOMER = 1000;
