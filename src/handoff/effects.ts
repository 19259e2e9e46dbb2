import { deferOrRun, type EffectContext, type EffectParams } from '../core/effect.js';
import type { ConversationEvent } from '../core/event.js';
import type { HandoffService } from './service.js';

type Handler<K extends keyof EffectParams> = (
  params: EffectParams[K],
  ctx: EffectContext,
) => Promise<ConversationEvent | void>;

export interface HandoffEffectHandlers {
  requestHandoff: Handler<'requestHandoff'>;
  endHandoff: Handler<'endHandoff'>;
  forwardToAgent: Handler<'forwardToAgent'>;
  recordSatisfaction: Handler<'recordSatisfaction'>;
  leaveMessage: Handler<'leaveMessage'>;
}

/**
 * The effects of dialogs/handoff.ts and dialogs/survey.ts. Asking for a human and forwarding
 * while pending answer with the queue status (`lookup.result`, lookup `handoff`) so the machine
 * can tell the user their place.
 */
export function handoffEffects(service: HandoffService): HandoffEffectHandlers {
  const store = service.d.store;
  return {
    async requestHandoff(params, ctx) {
      const target = {
        conversationId: ctx.conversationId,
        channel: ctx.channel,
        userId: ctx.userId,
        locale: ctx.locale,
      };
      const status = await service.request(target, params.reason, params.preview ?? ctx.text ?? '', ctx.defer);
      return { type: 'lookup.result', lookup: 'handoff', result: status, at: ctx.now };
    },

    // Ending goes out with the turn's next write: nothing in the turn waits on it, and a retried
    // turn ends an ended handoff as a no-op.
    async endHandoff(params, ctx) {
      await deferOrRun(ctx.defer, () => service.endFromConversation(ctx.conversationId, params.reason));
    },

    async forwardToAgent(params, ctx) {
      const { handoff, status } = await service.forward(ctx.conversationId, params.text, ctx.now);
      if (handoff?.state === 'pending')
        return { type: 'lookup.result', lookup: 'handoff', result: status, at: ctx.now };
    },

    async recordSatisfaction(params, ctx) {
      await store.recordSatisfaction({
        surveyId: `${ctx.conversationId}:${params.surveyId}`,
        conversationId: ctx.conversationId,
        channel: ctx.channel,
        userId: ctx.userId,
        subject: params.subject,
        score: params.score,
        ...(params.comment ? { comment: params.comment } : {}),
        at: ctx.now,
      });
    },

    async leaveMessage(params, ctx) {
      await store.leaveMessage({
        id: ctx.turnKey,
        conversationId: ctx.conversationId,
        channel: ctx.channel,
        userId: ctx.userId,
        kind: params.kind,
        text: params.text,
        ...(params.phone ? { phone: params.phone } : {}),
        at: ctx.now,
      });
      // Kept before the turn goes on (the user is told it is); the handoff ends with the next write.
      await deferOrRun(ctx.defer, () => service.endFromConversation(ctx.conversationId, 'left_message'));
    },
  };
}
