import type { FastifyInstance } from 'fastify';
import { internalError } from '../errors.ts';
import type { Journal } from '../journal.ts';
import { problemContentType, toProblem } from './problem.ts';

/**
 * Holds every answer of `app` until `journal` has on disk each record appended before the answer
 * left its handler: neither the answer to a write nor a read of what another request has just
 * written reports what a crash could still lose. A journal that failed to write turns every answer
 * into a 500 problem (the store's memory may hold what the file does not; a restart reads the file
 * back). For the services that keep their state in a journal rather than in PostgreSQL (the
 * sandboxes, the mail sink).
 */
export function answerOnceJournaled(app: FastifyInstance, journal: Pick<Journal<unknown>, 'synced'>): void {
  app.addHook('onSend', async (request, reply, payload) => {
    try {
      await journal.synced();
      return payload;
    } catch (error) {
      request.log.error({ err: error }, 'answer withheld: the journal could not be written');
      reply.code(500).type(problemContentType);
      return JSON.stringify(toProblem(internalError('The journal could not be written', error), request.id));
    }
  });
}
