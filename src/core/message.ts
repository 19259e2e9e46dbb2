/** Channels kefu speaks on; a conversation id is `${channel}:${userId}`. */
export const CHANNELS = ['web', 'terminal', 'line', 'botframework', 'wechaty', 'wechat-official', 'sms'] as const;
export type ChannelId = (typeof CHANNELS)[number];

export const LOCALES = ['zh-CN', 'en', 'zh-TW'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** One user message, as every adapter produces it. */
export interface InboundMessage {
  channel: ChannelId;
  userId: string;
  /** `${channel}:${userId}` for one-to-one chats; adapters may scope it further. */
  conversationId: string;
  /** Platform message id (or a generated one): the dedupe key. */
  messageId: string;
  text: string;
  /** The value of a pressed button / quick reply, when the platform reports it apart from the text. */
  postback?: string;
  /** The channel's idea of the user's language, when it has one. */
  locale?: Locale;
  /** Epoch milliseconds. */
  receivedAt: number;
}

/** A message key and its parameters; rendered to text in a locale once, outside machines. */
export interface MessageRef {
  key: string;
  params?: Record<string, string | number>;
}

/** A button: `label` is shown, `value` comes back as the user's text (or postback) when pressed. */
export interface QuickReplyRef {
  label: MessageRef;
  value: string;
}

/** What a machine asks to say: a message key plus optional quick replies. */
export interface ReplyRef {
  message: MessageRef;
  quickReplies?: QuickReplyRef[];
}

export interface QuickReply {
  label: string;
  value: string;
}

/** A rendered reply, ready for an adapter. */
export interface OutboundMessage {
  key: string;
  params?: Record<string, string | number>;
  text: string;
  quickReplies?: QuickReply[];
}

export function conversationIdOf(channel: ChannelId, userId: string): string {
  return `${channel}:${userId}`;
}

/** The channel part of a conversation id made by `conversationIdOf`. */
export function channelOfConversation(conversationId: string): string {
  return conversationId.slice(0, conversationId.indexOf(':'));
}

/** The user id part of a conversation id made by `conversationIdOf` (it may itself hold ':'). */
export function userIdOfConversation(conversationId: string): string {
  return conversationId.slice(conversationId.indexOf(':') + 1);
}
