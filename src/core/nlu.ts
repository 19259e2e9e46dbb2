/** Intent names are a public contract (DESIGN.md): add, never rename. */
export const INTENTS = [
  'apply',
  'close',
  'status',
  'complaint',
  'suggestion',
  'agent',
  'materials',
  'hours',
  'channels',
  'greet',
  'goodbye',
  'affirm',
  'deny',
  'cancel',
  'help',
  'other',
] as const;
export type Intent = (typeof INTENTS)[number];

export const ENTITY_TYPES = ['ticket', 'phone', 'id_number', 'credit_code', 'province', 'city'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export interface Entity {
  type: EntityType;
  /** Normalized value (ticket upper-cased, phone digits only, province/city canonical name). */
  value: string;
  /** Character offsets in the original text, when known. */
  start?: number;
  end?: number;
}

/** What the dialogue is waiting for; understanding prefers readings that fit it. */
export interface NluContext {
  expecting?:
    'yesno' | 'choice' | 'phone' | 'id_number' | 'credit_code' | 'address' | 'name' | 'text' | 'ticket' | 'score';
  /** For `choice`: the option values in menu order, so "1" picks the first. */
  choices?: string[];
  locale?: string;
}

export interface Understanding {
  text: string;
  intent: Intent;
  confidence: number;
  entities: Entity[];
  /** For a numbered/labelled choice the user picked. */
  choice?: string;
  /**
   * The language the user wrote in, only when it can be told with confidence (traditional-only
   * characters -> zh-TW, simplified-only -> zh-CN, several English words -> en); absent for "1" or "ok".
   */
  detectedLocale?: 'zh-CN' | 'zh-TW' | 'en';
  /** The user asked to switch language ("English please", "说中文", "繁體中文"). */
  languageRequest?: 'zh-CN' | 'zh-TW' | 'en';
  /** The user asked, in so many words, for their personal data to be erased ("删除我的信息"). */
  eraseRequest?: true;
}

/** The port every recogniser implements (keyword, offline model, LLM). */
export interface Recognizer {
  understand(text: string, context?: NluContext): Promise<Understanding> | Understanding;
}
