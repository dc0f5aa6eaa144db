// The bodies the scenarios send, shaped by the contracts (test/payloads.test.ts validates them with @lab/contracts'
// schemas and the chaos API's FaultSettings).

export interface OrderItem {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export interface PlaceOrderBody {
  customerId: string;
  items: OrderItem[];
}

export interface SignUpBody {
  email: string;
  name: string;
}

/** The chaos API's fault knobs; {} clears them. */
export interface Faults {
  latencyMs?: number;
  jitterMs?: number;
  errorRate?: number;
  maxRps?: number;
  dropRate?: number;
}

/** One book at 1,200 won: the smallest valid order. */
export const anOrder = (customerId: string): PlaceOrderBody => ({
  customerId,
  items: [{ sku: 'book', quantity: 1, unitPrice: 1200 }],
});

export const aSignUp = (email: string, name = 'k6 user'): SignUpBody => ({ email, name });

/**
 * An id for one scenario's n-th thing in one run (customer, Idempotency-Key, e-mail local part): only characters of
 * the contracts' id pattern (A-Z a-z 0-9 . _ : -), so order never refuses it with a 400.
 */
export const idOf = (scope: string, run: string, n: number | string) => `${scope}-${run}-${n}`;
