import { get } from '../../shared/api.ts';
import type { Session } from '../../shared/session.ts';
import { Loading, money, time, useLoad } from '../../shared/ui.tsx';
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
            <div class="scroll">
              <table>
                <thead>
                  <tr>
                    <th>Order</th>
                    <th>Placed</th>
                    <th>Total</th>
                    <th>Status</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((order) => (
                    <tr key={order.id}>
                      <td>
                        <a href={`/orders/${order.id}`}>{order.id.slice(0, 8)}</a>
                      </td>
                      <td>{time(order.createdAt)}</td>
                      <td>{money(order.total, order.currency)}</td>
                      <td>
                        <span class={`status ${order.status}`}>{order.status}</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loading>
    </>
  );
}
