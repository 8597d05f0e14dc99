// What the authorization matrix walks with: the merged OpenAPI's operations and their declared
// access, the resources customer A owns (made for the walk), the path, query and body each call
// needs, and what each kind of caller must be answered.
import { randomUUID } from 'node:crypto';
import { sandboxTokens } from '@microshop/contracts';
import { api, type Caller } from './api.ts';
import { customerCredentials, type Session, signIn } from './session.ts';
import { awaitStatus, newShopper, placeOrder, registerCustomer, type Shopper } from './shop.ts';

export type Access = 'public' | 'signed-in' | 'customer' | 'operator' | 'owner';

export interface Operation {
  method: string;
  /** As the document writes it: `/api/v1/orders/{id}`. */
  template: string;
  access: Access | undefined;
  requiredQuery: string[];
}

type PathItem = Record<
  string,
  { 'x-access'?: Access; parameters?: { in: string; name: string; required?: boolean }[] }
>;

/** Every operation of the merged document, with what it declares. */
export function operationsOf(document: { paths: Record<string, PathItem> }): Operation[] {
  return Object.entries(document.paths).flatMap(([template, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      method: method.toUpperCase(),
      template,
      access: operation['x-access'],
      requiredQuery: (operation.parameters ?? [])
        .filter((parameter) => parameter.in === 'query' && parameter.required)
        .map((parameter) => parameter.name),
    })),
  );
}

export interface Credentials {
  email: string;
  password: string;
}

/** What customer A owns, and the sessions (and credentials) of everyone who calls. */
export interface Fixtures {
  a: Shopper & { session: Session };
  b: Session;
  operator: Session;
  /** Who signs in how: a refresh or sign-out call needs a refresh token of the caller's own. */
  credentials: Map<string, Credentials>;
  /** A's delivered order: it has a payment, a shipment, a timeline and emails. */
  orderId: string;
  /** A's order made to be cancelled by the walk, placed just before (`placeDoomedOrder`). */
  doomedOrderId: string;
  shipmentId: string;
  mailId: string;
}

export async function fixtures(operator: Credentials): Promise<Fixtures> {
  const shopper = await newShopper('E2E-MATRIX', { stock: 100 });
  const other = await registerCustomer({ name: 'Bea Other' });
  const credentials = new Map<string, Credentials>();
  const signedIn = async (who: Credentials) => {
    const session = await signIn(who.email, who.password);
    credentials.set(session.subject, who);
    return session;
  };
  const a = { ...shopper, session: await signedIn(customerCredentials(shopper.customer.email)) };
  const order = await placeOrder(shopper.customer.id, [shopper.line(1)]);
  await awaitStatus(order.id, ['DELIVERED']);
  const shipments = await api<{ shipments: { id: string }[] }>(
    'GET',
    `/api/v1/shipments?orderId=${order.id}`,
  );
  const operatorSession = await signedIn(operator);
  const mail = await api<{ messages: { id: string }[] }>(
    'GET',
    `/api/v1/mail?to=${encodeURIComponent(shopper.customer.email)}`,
    { as: operatorSession },
  );
  return {
    a,
    b: await signedIn(customerCredentials(other.email)),
    operator: operatorSession,
    credentials,
    orderId: order.id,
    doomedOrderId: '',
    shipmentId: shipments.body.shipments[0]?.id ?? '',
    mailId: mail.body.messages[0]?.id ?? '',
  };
}

/** A fresh order of A's, still cancellable for the moment the cancel route is walked. */
export async function placeDoomedOrder(f: Fixtures): Promise<void> {
  f.doomedOrderId = (await placeOrder(f.a.customer.id, [f.a.line(1)], { token: sandboxTokens.slow })).id;
}

/** The path (with query) of a call: A's resources, or fresh random ids in their place. */
export function pathOf(operation: Operation, f: Fixtures, random: boolean): string {
  const id = (value: string) => (random ? randomUUID() : value);
  const segments = operation.template.split('/').map((segment, i, all) => {
    const match = /^\{(\w+)\}$/.exec(segment);
    if (!match) return segment;
    const name = match[1] === 'id' ? (all[i - 1] ?? '') : (match[1] ?? '');
    return parameterValue(name, operation, f, id);
  });
  const query = operation.requiredQuery.map((name) => `${name}=${parameterValue(name, operation, f, id)}`);
  return segments.join('/') + (query.length > 0 ? `?${query.join('&')}` : '');
}

function parameterValue(
  name: string,
  operation: Operation,
  f: Fixtures,
  id: (value: string) => string,
): string {
  const cancelling = operation.template.endsWith('/cancel');
  switch (name) {
    case 'orders':
    case 'orderId':
      return id(cancelling ? f.doomedOrderId : f.orderId);
    case 'customers':
      return id(f.a.customer.id);
    case 'shipments':
      return id(f.shipmentId);
    case 'mail':
      return f.mailId;
    case 'sku':
      return f.a.sku;
    // The operator's own resources: the walk checks who gets through, so ones that do not exist do
    // (an action on a connector of that name can change nothing).
    case 'dead-letters':
      return id(randomUUID());
    case 'batchId':
      return randomUUID();
    case 'traceId':
      return randomUUID().replaceAll('-', '');
    case 'name':
      return 'matrix-no-such-connector';
    case 'topic':
      return 'microshop.order-outbox';
    case 'group':
      return 'fraud';
    // One record of a topic (a 404 where retention removed it), and its raw value.
    case 'partition':
    case 'offset':
      return '0';
    case 'part':
      return 'value';
    case 'filterId':
      return randomUUID();
    default:
      throw new Error(`the matrix cannot fill {${name}} of ${operation.method} ${operation.template}`);
  }
}

/** A body the call can succeed with, made for `caller` (a refresh token of its own where one is sent). */
export async function bodyOf(operation: Operation, f: Fixtures, caller: Caller): Promise<unknown> {
  const key = `${operation.method} ${operation.template}`;
  const freshRefreshToken = async () => {
    const subject = caller === 'anonymous' ? f.a.session.subject : caller.subject;
    const who = f.credentials.get(subject);
    if (who === undefined) throw new Error(`no credentials of ${subject}`);
    return (await signIn(who.email, who.password)).refreshToken;
  };
  switch (key) {
    case 'POST /api/v1/auth/register':
      return {
        name: 'Matrix',
        email: `matrix-${randomUUID()}@e2e.microshop.test`,
        password: 'a good password',
      };
    case 'POST /api/v1/auth/sign-in':
      return customerCredentials(f.a.customer.email);
    case 'POST /api/v1/auth/refresh':
    case 'POST /api/v1/auth/sign-out':
      return { refreshToken: await freshRefreshToken() };
    case 'POST /api/v1/customers':
      return { name: 'Matrix', email: `matrix-${randomUUID()}@e2e.microshop.test` };
    case 'PATCH /api/v1/customers/{id}':
      return { name: 'Ann Owner' };
    case 'PUT /api/v1/products/{sku}':
      return { name: `Matrix ${f.a.sku}`, unitPrice: f.a.unitPrice };
    case 'PUT /api/v1/products/{sku}/stock':
      return { stock: 100 };
    case 'POST /api/v1/orders':
      return { items: [f.a.line(1)], currency: 'EUR', payment: { token: sandboxTokens.success } };
    case 'POST /api/v1/shipments/callbacks/carrier':
      return {
        event: 'delivered',
        shipmentId: 'shp_unknown',
        trackingNumber: 'MS1',
        reference: f.orderId,
        deliveredAt: new Date().toISOString(),
      };
    default:
      return undefined;
  }
}
