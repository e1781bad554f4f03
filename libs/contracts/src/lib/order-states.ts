/**
 * The states of an order, as order-processing's API (`GET /orders?state=`) and
 * its metrics (`cardlink_order_transitions_total{from,to}`) name them. The
 * state machine that moves between them lives in order-processing.
 */
export const ORDER_STATES = [
  // The shop reported the order but no matching payment has arrived yet. Needed
  // because the shop sends "order created" before "order paid", and a payment that
  // arrives first must find a place to be matched against; such an order never
  // reaches risk control or stock.
  'AWAITING_PAYMENT',
  'PAID',
  'IN_REVIEW',
  'APPROVED',
  'REJECTED',
  'ALLOCATED',
  'OUT_OF_STOCK',
  'DELIVERED',
  'DELIVERY_FAILED',
  'COMPLETED',
  'CANCELLED',
  'REFUND_REQUESTED',
  'REFUNDED',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];
