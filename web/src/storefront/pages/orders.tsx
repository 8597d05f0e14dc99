import { get } from '../../common/api.ts';
import type { Session } from '../../common/session.ts';
import { Loading, money, Table, time, useLoad } from '../../common/ui.tsx';
import type { Order } from '../types.ts';

export function OrdersPage({ session }: { session: Session }) {
  const orders = useLoad(
    () => get<{ orders: Order[] }>(`/api/v1/customers/${session.subject}/orders`),
    [session.subject],
  );
  return (
    <>
      <h1>My orders</h1>
      <Loading loaded={orders}>
        {({ orders: list }) =>
          list.length === 0 ? (
            <p>
              No orders yet. <a href="/">Browse the catalog</a>
            </p>
          ) : (
            <Table
              head={['Order', 'Placed', 'Total', 'Status']}
              rows={list}
              rowKey={(order) => order.id}
              cells={(order) => [
                <a href={`/orders/${order.id}`}>{order.id.slice(0, 8)}</a>,
                time(order.createdAt),
                money(order.total, order.currency),
                <span class={`status ${order.status}`}>{order.status}</span>,
              ]}
            />
          )
        }
      </Loading>
    </>
  );
}
