import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** A request slower than this is logged at `info` even when it succeeded. */
const SLOW_MS = 1000;

/**
 * Fastify's request lines, at `info` only when they say something: a failed or refused request,
 * or a slow one. A successful message already has its turn line (conversation, event, tickets,
 * duration), and two more lines per request were a tenth of a busy server's CPU (issue 10). At
 * `debug` every request is logged as before.
 */
export class RequestLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    const responseTime = reply.elapsedTime;
    if (error) {
      reply.log.error({ res: reply, err: error, responseTime }, 'request errored');
    } else if (reply.statusCode >= 400 || responseTime >= SLOW_MS) {
      reply.log.info({ req: request, res: reply, responseTime }, 'request completed');
    } else {
      reply.log.debug({ res: reply, responseTime }, 'request completed');
    }
  }
}
