import { APPLICATION_STATUSES, FEEDBACK_STATUSES } from '../src/domain/ticket.js';
import { conversationSetup } from './setup.js';

const KNOWN = new Set<string>([...APPLICATION_STATUSES, ...FEEDBACK_STATUSES]);

/**
 * For the root of the conversation, so it works in every state: staff changed a ticket's
 * status; tell the user, naming the ticket, in their language (a note, e.g. the reason for a
 * rejection or a staff reply, goes with it).
 */
export const ticketNotice = {
  actions: conversationSetup.enqueueActions(({ event, enqueue }) => {
    if (event.type !== 'ticket.statusChanged') return;
    const known = KNOWN.has(event.status);
    const key = known ? `tickets.notice.${event.status}` : 'tickets.notice.other';
    enqueue({ type: 'reply', params: { message: { key, params: { number: event.number, status: event.status } } } });
    if (event.note)
      enqueue({ type: 'reply', params: { message: { key: 'tickets.note', params: { note: event.note } } } });
  }),
};
