// A shipment: prepared when the order is created, dispatched once it is also paid, in whichever order the facts come.
import type { CloudEvent } from '@lab/contracts';

export type ShipmentStatus = 'PREPARING' | 'AWAITING_ORDER' | 'DISPATCHED' | 'CANCELLED';

export interface Shipment {
  orderId: string;
  customerId: string;
  deliveryId: string;
  /** OrderCreated seen: the parcel is being prepared. */
  prepared: boolean;
  /** PaymentCompleted seen. */
  paid: boolean;
  status: ShipmentStatus;
  /** Ids of the facts already applied (a shipment sees at most three). */
  applied: string[];
  updatedAt: string;
  /** DeliveryStarted as published, kept so a redelivery re-announces the same event. */
  startedEvent?: CloudEvent;
}

export type Fact = 'OrderCreated' | 'PaymentCompleted' | 'OrderCancelled';

export function emptyShipment(orderId: string, customerId: string, deliveryId: string, at: string): Shipment {
  return {
    orderId,
    customerId,
    deliveryId,
    prepared: false,
    paid: false,
    status: 'AWAITING_ORDER',
    applied: [],
    updatedAt: at,
  };
}

/** Applies a fact once; returns undefined when it changes nothing (duplicate, or after a terminal status). */
export function applyFact(s: Shipment, fact: Fact, eventId: string, at: string): Shipment | undefined {
  if (s.applied.includes(eventId)) return undefined;
  const next: Shipment = { ...s, applied: [...s.applied, eventId], updatedAt: at };
  if (fact === 'OrderCreated') next.prepared = true;
  if (fact === 'PaymentCompleted') next.paid = true;
  // After a terminal status, facts are recorded but move nothing.
  if (s.status === 'DISPATCHED' || s.status === 'CANCELLED') return next;
  if (fact === 'OrderCancelled') return { ...next, status: 'CANCELLED' };
  next.status = next.prepared && next.paid ? 'DISPATCHED' : next.prepared ? 'PREPARING' : 'AWAITING_ORDER';
  return next;
}
