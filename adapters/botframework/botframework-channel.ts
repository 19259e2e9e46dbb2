import { randomUUID } from 'node:crypto';
import {
  ActionTypes,
  ActivityTypes,
  EventFactory,
  MessageFactory,
  TurnContext,
  type Activity,
  type CloudAdapter,
  type ConversationReference,
  type Request,
  type Response,
} from 'botbuilder';
import { conversationIdOf, type InboundMessage, type Locale, type OutboundMessage } from '../../src/core/message.js';
import type { ChannelAdapter, Delivery, HandoffNotice } from '../../src/core/ports.js';
import {
  localeFromTag,
  withNumberedMenu,
  type InboundHandler,
  type LocaleOf,
  type MenuLine,
} from '../text-rendering.js';

/** Where conversation references are kept (a ChannelStateStore, structurally). */
export interface ReferenceStore {
  get<T>(conversationId: string, name: string): Promise<T | undefined>;
  set(conversationId: string, name: string, value: unknown, ttlMs?: number): Promise<void>;
}

/**
 * Suggested actions each channel shows (as botbuilder-dialogs' choice helpers count them);
 * Teams shows only the first three. More buttons than that become a numbered text menu.
 */
const SUGGESTED_ACTIONS_MAX: Record<string, number> = {
  msteams: 3,
  facebook: 10,
  skype: 10,
  line: 13,
  kik: 20,
  telegram: 100,
  emulator: 100,
  directline: 100,
  webchat: 100,
  directlinespeech: 100,
};
/** A reference stays usable as long as the conversation exists; forget idle ones after 90 days. */
const REFERENCE_TTL_MS = 90 * 86_400_000;
const REFERENCE = 'bf.reference';

export interface BotFrameworkChannelOptions {
  adapter: CloudAdapter;
  /** MicrosoftAppId; empty when running without credentials (Emulator). */
  appId: string;
  handle: InboundHandler;
  references: ReferenceStore;
  menuLine: MenuLine;
  localeOf: LocaleOf;
  now?: () => number;
}

/** Bot Framework (Azure Bot Service, Teams, Web Chat, Emulator) through botbuilder's CloudAdapter. */
export class BotFrameworkChannel implements ChannelAdapter {
  readonly channel = 'botframework' as const;
  private readonly now: () => number;

  constructor(private readonly o: BotFrameworkChannelOptions) {
    this.now = o.now ?? Date.now;
  }

  /** One `POST /api/messages`: CloudAdapter authenticates the bearer token and writes the response. */
  process(req: Request, res: Response): Promise<void> {
    return this.o.adapter.process(req, res, (context) => this.onTurn(context));
  }

  private async onTurn(context: TurnContext): Promise<void> {
    const activity = context.activity;
    // conversationUpdate, typing, invoke...: nothing a user said.
    if (activity.type !== ActivityTypes.Message) return;
    const inbound = this.toInbound(activity);
    // Kept on every message: the service URL can change, and pushes need the latest.
    await this.o.references.set(
      inbound.conversationId,
      REFERENCE,
      TurnContext.getConversationReference(activity),
      REFERENCE_TTL_MS,
    );
    const { replies, duplicate } = await this.o.handle(inbound);
    if (duplicate || replies.length === 0) return;
    await context.sendActivities(await this.toActivities(inbound.conversationId, activity.channelId, replies));
  }

  toInbound(activity: Activity): InboundMessage {
    // A user id is unique within one Bot Framework channel (Teams, Web Chat...), not across them.
    const userId = `${activity.channelId}:${activity.from.id}`;
    const value = activity.value as { kefu?: unknown } | undefined;
    const message: InboundMessage = {
      channel: 'botframework',
      userId,
      conversationId: conversationIdOf('botframework', userId),
      messageId: activity.id ?? randomUUID(),
      text: activity.text ?? '',
      receivedAt: this.now(),
    };
    // messageBack / card submits carry the button's value apart from the shown text.
    if (typeof value?.kefu === 'string') message.postback = value.kefu;
    const locale = localeFromTag(activity.locale);
    if (locale) message.locale = locale;
    return message;
  }

  private async toActivities(
    conversationId: string,
    channelId: string,
    replies: OutboundMessage[],
  ): Promise<Partial<Activity>[]> {
    let locale: Locale | undefined;
    const out: Partial<Activity>[] = [];
    for (const reply of replies) {
      const buttons = reply.quickReplies ?? [];
      if (buttons.length === 0) {
        out.push(MessageFactory.text(reply.text));
      } else if (buttons.length <= (SUGGESTED_ACTIONS_MAX[channelId] ?? 0)) {
        // imBack posts the label as the user's text: the runtime maps a pressed label to its value
        // (a raw value such as "personal" would be read afresh and could mean something else).
        const actions = buttons.map((b) => ({ type: ActionTypes.ImBack, title: b.label, value: b.label }));
        out.push(MessageFactory.suggestedActions(actions, reply.text));
      } else {
        locale ??= await this.o.localeOf(conversationId);
        out.push(MessageFactory.text(withNumberedMenu(reply, locale, this.o.menuLine)));
      }
    }
    return out;
  }

  private async reference(conversationId: string): Promise<Partial<ConversationReference>> {
    const reference = await this.o.references.get<Partial<ConversationReference>>(conversationId, REFERENCE);
    if (!reference) throw new Error(`no Bot Framework conversation reference for ${conversationId}`);
    return reference;
  }

  /** Proactive messages continue the stored conversation. */
  async push(delivery: Delivery): Promise<void> {
    const reference = await this.reference(delivery.conversationId);
    const activities = await this.toActivities(delivery.conversationId, reference.channelId ?? '', delivery.messages);
    await this.o.adapter.continueConversationAsync(this.o.appId, reference, async (context) => {
      await context.sendActivities(activities);
    });
  }

  /** The Bot Framework handoff protocol: a `handoff.initiate` event for the channel's agent hub. */
  async notifyHandoff(notice: HandoffNotice): Promise<void> {
    const reference = await this.reference(notice.conversationId);
    await this.o.adapter.continueConversationAsync(this.o.appId, reference, async (context) => {
      await context.sendActivity(
        EventFactory.createHandoffInitiation(context, { reason: notice.reason, conversationId: notice.conversationId }),
      );
    });
  }
}
