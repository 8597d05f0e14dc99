import { Admin } from '@platformatic/kafka';
import { brokerList } from './options.ts';

export interface AdminConnection {
  bootstrapServers: string | readonly string[];
  clientId?: string;
}

/** Runs `work` with a short-lived admin client: these calls are rare (startup, ops, tests). */
export async function withAdmin<T>(
  connection: AdminConnection,
  work: (admin: Admin) => Promise<T>,
): Promise<T> {
  const admin = new Admin({
    clientId: connection.clientId ?? 'microshop-admin',
    bootstrapBrokers: brokerList(connection.bootstrapServers),
  });
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}
