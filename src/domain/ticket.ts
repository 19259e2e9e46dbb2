import type { ChannelId, Locale } from '../core/message.js';
import { DomainError } from './errors.js';

export type TicketKind = 'application' | 'feedback';

/** SERVICE_PROCESS.md: submitted -> under review -> approved | rejected -> active -> closure requested -> closed. */
export const APPLICATION_STATUSES = [
  'submitted',
  'under_review',
  'approved',
  'rejected',
  'active',
  'closure_requested',
  'closed',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** Issue 6: received -> classified -> in_progress -> replied -> closed, plus reopened. */
export const FEEDBACK_STATUSES = ['received', 'classified', 'in_progress', 'replied', 'closed', 'reopened'] as const;
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];

export type TicketStatus = ApplicationStatus | FeedbackStatus;

export const APPLICATION_TRANSITIONS: Record<ApplicationStatus, readonly ApplicationStatus[]> = {
  submitted: ['under_review', 'rejected'],
  under_review: ['approved', 'rejected'],
  approved: ['active'],
  rejected: [],
  active: ['closure_requested'],
  // A closure request can be withdrawn before staff act on it.
  closure_requested: ['closed', 'active'],
  closed: [],
};

export const FEEDBACK_TRANSITIONS: Record<FeedbackStatus, readonly FeedbackStatus[]> = {
  received: ['classified', 'in_progress', 'replied'],
  classified: ['in_progress', 'replied'],
  in_progress: ['replied'],
  replied: ['closed', 'reopened'],
  closed: ['reopened'],
  reopened: ['in_progress', 'replied'],
};

/** One line of a ticket's history: who changed what, when, and why. */
export interface TicketHistoryEntry {
  at: number;
  from: TicketStatus | null;
  to: TicketStatus;
  /** `user`, `system`, `admin:<name>`, `agent:<name>`. */
  by: string;
  note?: string;
}

export interface ServiceAddress {
  province: string;
  city: string;
  detail: string;
}

export interface ApplicationDetails {
  userType: 'personal' | 'enterprise';
  /** Personal: the applicant; enterprise: the handler (经办人). */
  name: string;
  idNumber: string;
  phone: string;
  address: ServiceAddress;
  company?: string;
  creditCode?: string;
  legalRepIdNumber?: string;
  consent: { at: number; agreementVersion: string };
  rejectReason?: string;
}

export interface FeedbackDetails {
  type: 'complaint' | 'suggestion' | 'praise';
  category: string;
  urgency: 'urgent' | 'routine' | 'complex';
  description: string;
  department: string;
  /** Words or rules that decided category and urgency, for staff. */
  explanation: string[];
  relatedTicket?: string;
  phone?: string;
  location?: string;
  agentPraised?: string;
  reply?: { text: string; at: number; by: string };
  satisfaction?: { score: number; comment?: string; at: number };
}

export interface Ticket {
  number: string;
  kind: TicketKind;
  status: TicketStatus;
  createdAt: number;
  updatedAt: number;
  channel: ChannelId;
  userId: string;
  conversationId: string;
  locale: Locale;
  history: TicketHistoryEntry[];
  /** Absolute due times by step (`acknowledge`, `review`, `activation`, `reply`...), epoch ms. */
  deadlines: Record<string, number>;
  overdue?: boolean;
  application?: ApplicationDetails;
  feedback?: FeedbackDetails;
}

export function statusesOf(kind: TicketKind): readonly TicketStatus[] {
  return kind === 'application' ? APPLICATION_STATUSES : FEEDBACK_STATUSES;
}

export function canTransition(kind: TicketKind, from: TicketStatus, to: TicketStatus): boolean {
  const table = (kind === 'application' ? APPLICATION_TRANSITIONS : FEEDBACK_TRANSITIONS) as Record<
    string,
    readonly string[]
  >;
  return table[from]?.includes(to) ?? false;
}

/** The ticket after a status change, history kept; throws KEFU_ILLEGAL_TRANSITION when the lifecycle forbids it. */
export function transitionTicket(ticket: Ticket, to: TicketStatus, by: string, at: number, note?: string): Ticket {
  if (!canTransition(ticket.kind, ticket.status, to)) {
    throw new DomainError('KEFU_ILLEGAL_TRANSITION', `${ticket.number}: ${ticket.status} -> ${to} is not allowed`);
  }
  const entry: TicketHistoryEntry = { at, from: ticket.status, to, by };
  if (note) entry.note = note;
  return { ...ticket, status: to, updatedAt: at, history: [...ticket.history, entry] };
}

const PREFIX: Record<TicketKind, string> = { application: 'YD', feedback: 'FK' };
/** Ticket dates are China Standard Time whatever the server's zone. */
const CST_OFFSET_MS = 8 * 3_600_000;

/** `YYMMDD` of `at` in China Standard Time. */
export function ticketDay(at: number): string {
  const d = new Date(at + CST_OFFSET_MS);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}`;
}

/** `YD` / `FK` + YYMMDD + 6 digits (DESIGN.md), from the day's sequence number. */
export function formatTicketNumber(kind: TicketKind, at: number, seq: number): string {
  if (!Number.isInteger(seq) || seq < 1 || seq > 999_999) throw new RangeError(`ticket sequence out of range: ${seq}`);
  return `${PREFIX[kind]}${ticketDay(at)}${String(seq).padStart(6, '0')}`;
}

export const TICKET_NUMBER = /^(YD|FK)(\d{2})(\d{2})(\d{2})(\d{6})$/;

export function kindOfTicketNumber(number: string): TicketKind | undefined {
  const m = TICKET_NUMBER.exec(number);
  if (!m) return undefined;
  return m[1] === 'YD' ? 'application' : 'feedback';
}
