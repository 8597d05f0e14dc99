// The shapes the storefront reads, as the API answers them (docs/product.md).

export interface Product {
  sku: string;
  name: string;
  unitPrice: number;
  currency: string;
  stock: number;
  reserved: number;
}

export interface OrderItem {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export interface Order {
  id: string;
  customerId: string;
  items: OrderItem[];
  currency: string;
  total: number;
  status: string;
  reasons: string[];
  createdAt: string;
  updatedAt: string;
}

export interface TimelineEntry {
  status: string;
  at: string;
  reasons?: string[];
}

export interface Payments {
  status: string;
  charges: {
    paymentId: string | null;
    status: string;
    amount: number;
    currency: string;
    reason: string | null;
    createdAt: string;
  }[];
  refunds: { refundId: string; amount: number; currency: string; reason: string; createdAt: string }[];
}

export interface Shipment {
  id: string;
  carrier: string;
  trackingNumber: string | null;
  status: string;
  updatedAt: string;
}

export interface Email {
  orderStatus: string;
  status: string;
  to: string;
  subject: string;
  text: string;
}

/** Statuses from which the customer may still cancel. */
export const cancellable = new Set(['CREATED', 'VALIDATED', 'APPROVED']);
export const finalStatuses = new Set(['DELIVERED', 'FAILED', 'CANCELLED']);
