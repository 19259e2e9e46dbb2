import type { HandoffEndReason, HandoffReason, SurveySubject } from '../core/effect.js';
import type { ChannelId, Locale } from '../core/message.js';
import type { Intent } from '../core/nlu.js';
import type { TranscriptLine } from '../core/ports.js';
import type { RenderText } from '../store/reply-json.js';

/** SERVICE_PROCESS.md / STYLE.md section 4: pending -> assigned -> resolved | expired. */
export const HANDOFF_STATES = ['pending', 'assigned', 'resolved', 'expired'] as const;
export type HandoffState = (typeof HANDOFF_STATES)[number];

/** One request for a human, from the moment it is queued until it ends. */
export interface Handoff {
  conversationId: string;
  channel: ChannelId;
  userId: string;
  locale: Locale;
  reason: HandoffReason;
  state: HandoffState;
  /** What the user last said when asking (masked). */
  preview: string;
  /** What the user wanted before asking for a human, as understood. */
  intent?: Intent;
  requestedAt: number;
  agent?: string;
  assignedAt?: number;
  endedAt?: number;
  endReason?: HandoffEndReason;
}

export type NewHandoff = Omit<Handoff, 'state' | 'agent' | 'assignedAt' | 'endedAt' | 'endReason'>;

export const isActive = (h: Handoff | undefined): h is Handoff =>
  h !== undefined && (h.state === 'pending' || h.state === 'assigned');

/** One line of a conversation as agents see it; text is stored masked. Written by turn commits and by agents. */
export type TranscriptEntry = TranscriptLine;

/** A message or callback request left when no agent could take the conversation. */
export interface LeftMessage {
  id: string;
  conversationId: string;
  channel: ChannelId;
  userId: string;
  kind: 'message' | 'callback';
  text: string;
  phone?: string;
  at: number;
}

export interface SatisfactionRecord {
  surveyId: string;
  conversationId: string;
  channel: ChannelId;
  userId: string;
  subject: SurveySubject;
  score: number;
  comment?: string;
  at: number;
}

/** Claims and holder checks answer with what happened, never by throwing. */
export type HoldResult =
  /** `again`: claimed again by the agent who already held it; nothing changed. */
  | { ok: true; handoff: Handoff; again?: boolean }
  | { ok: false; why: 'missing' | 'ended' }
  | { ok: false; why: 'held'; holder: string }
  | { ok: false; why: 'not_assigned' };

/**
 * The agent queue and assignment, transcripts, left messages and satisfaction scores.
 * Every implementation passes test/handoff/handoff-store.contract.ts; state changes that
 * two processes may race on (claim, transfer, end) are atomic. Calls about the queue are applied
 * in the order they are made, even when made together: a `position` asked for right after a
 * `request`, without waiting for it, sees the request (the service reads both in one round trip).
 */
export interface HandoffStore {
  /** Queue a conversation; when it already has an active handoff, that one is returned unchanged. */
  request(handoff: NewHandoff): Promise<{ handoff: Handoff; created: boolean }>;
  /** Note what the user wanted on an active handoff; nothing happens when none is active. */
  setTopic(conversationId: string, intent: Intent): Promise<void>;
  get(conversationId: string): Promise<Handoff | undefined>;
  /** Pending handoffs, first come first. */
  queue(): Promise<Handoff[]>;
  /** 1-based place in the queue, undefined when not pending. */
  position(conversationId: string): Promise<number | undefined>;
  /** Active handoffs held by an agent. */
  heldBy(agent: string): Promise<Handoff[]>;
  /** pending -> assigned to `agent`; claiming again one's own is fine; another's is `held`. */
  claim(conversationId: string, agent: string, at: number): Promise<HoldResult>;
  /** assigned to `from` -> assigned to `to`. */
  transfer(conversationId: string, from: string, to: string, at: number): Promise<HoldResult>;
  /**
   * End an active handoff (expired when the reason is `expired`, resolved otherwise). With `by`,
   * only the agent holding it may end it.
   */
  end(conversationId: string, reason: HandoffEndReason, at: number, by?: string): Promise<HoldResult>;

  appendTranscript(conversationId: string, entries: TranscriptEntry[]): Promise<void>;
  /** The last entries, oldest first. */
  transcript(conversationId: string): Promise<TranscriptEntry[]>;

  /** Keyed by id: the same id again is not stored twice. */
  leaveMessage(message: LeftMessage): Promise<void>;
  leftMessages(): Promise<LeftMessage[]>;
  /** Keyed by survey id: a later record of the same survey replaces the earlier one. */
  recordSatisfaction(record: SatisfactionRecord): Promise<void>;
  satisfaction(): Promise<SatisfactionRecord[]>;

  /** The agent has the console open now. */
  heartbeat(agent: string, at: number): Promise<void>;
  offline(agent: string): Promise<void>;
  /** Agents seen within the presence window before `at`. */
  online(at: number): Promise<string[]>;
}

export interface HandoffStoreOptions {
  transcriptLimit: number;
  presenceTtlMs: number;
  /** Renders bot lines the session store kept as recipes (the catalog's `text`). */
  text?: RenderText;
  /**
   * Channels whose transcript is also what their users re-read (web chat): agents' lines are kept
   * there as sent, and up to `HISTORY_LIMIT` lines (agents still read the latest `transcriptLimit`).
   */
  historyChannels?: readonly string[];
}
