import type { ReplyRef } from '../src/core/message.js';
import { maskCreditCode } from '../src/domain/credit-code.js';
import { maskMobile } from '../src/domain/phone.js';
import { maskResidentId } from '../src/domain/resident-id.js';
import type { ServiceAddress } from '../src/domain/ticket.js';
import type { StateMeta } from './setup.js';

/** Version of the service agreement the user consents to; recorded on the ticket. */
export const AGREEMENT_VERSION = '2026-11-v1';

export type UserType = 'personal' | 'enterprise';

/** The fields of an application; enterprise `name`/`idNumber` are the handler's (经办人). */
export type Field = 'company' | 'creditCode' | 'legalRepIdNumber' | 'name' | 'idNumber' | 'address' | 'phone';

export interface FieldValues {
  company: string;
  creditCode: string;
  legalRepIdNumber: string;
  name: string;
  idNumber: string;
  phone: string;
  address: ServiceAddress;
}

/** What `context.flows.application` holds while an application is being filled in. */
export interface ApplicationDraft extends Partial<FieldValues> {
  userType?: UserType;
  /** Ask this field next, whatever the order: it was invalid or the user wants to change it. */
  focus?: Field;
  /** The draft existed before this entry into the flow (a resumed application). */
  resumed?: boolean;
  /** City asked for the business-hall (offline) path. */
  offlineCity?: string;
  consent?: { at: number; agreementVersion: string };
}

/** The order fields are asked in, per user type (SERVICE_PROCESS.md section 1, materials). */
export const FIELD_ORDER: Record<UserType, readonly Field[]> = {
  personal: ['name', 'idNumber', 'address', 'phone'],
  enterprise: ['company', 'creditCode', 'legalRepIdNumber', 'name', 'idNumber', 'address', 'phone'],
};

/** What the understanding should expect while a field is asked. */
export const EXPECTING: Record<Field, NonNullable<StateMeta['expecting']>> = {
  company: 'text',
  creditCode: 'credit_code',
  legalRepIdNumber: 'id_number',
  name: 'name',
  idNumber: 'id_number',
  address: 'address',
  phone: 'phone',
};

export const missingFields = (d: ApplicationDraft): Field[] =>
  d.userType ? FIELD_ORDER[d.userType].filter((f) => d[f] === undefined) : [];

/** The field asked next: the focus first, then the first missing one. */
export function nextField(d: ApplicationDraft): Field | undefined {
  if (d.focus && d.userType && FIELD_ORDER[d.userType].includes(d.focus)) return d.focus;
  return missingFields(d)[0];
}

/** The message key naming a field in the user's language (enterprise name/ID are the handler's). */
export function fieldKey(field: Field, userType: UserType | undefined): string {
  if (userType === 'enterprise' && field === 'name') return 'handlerName';
  if (userType === 'enterprise' && field === 'idNumber') return 'handlerId';
  return field;
}

export const formatAddress = (a: ServiceAddress): string =>
  a.province === a.city ? `${a.city}${a.detail}` : `${a.province}${a.city}${a.detail}`;

/** The acceptance summary with personal data masked (`110105********1237`, `138****5678`). */
export function summaryReply(d: ApplicationDraft): ReplyRef {
  const common = {
    name: d.name ?? '',
    idNumber: maskResidentId(d.idNumber ?? ''),
    address: d.address ? formatAddress(d.address) : '',
    phone: maskMobile(d.phone ?? ''),
  };
  if (d.userType === 'enterprise') {
    return {
      message: {
        key: 'application.summary.enterprise',
        params: {
          ...common,
          company: d.company ?? '',
          creditCode: maskCreditCode(d.creditCode ?? ''),
          legalRepIdNumber: maskResidentId(d.legalRepIdNumber ?? ''),
        },
      },
    };
  }
  return { message: { key: 'application.summary.personal', params: common } };
}

/** The draft as the `createTicket` effect receives it (validated fields and the consent). */
export function ticketDraft(d: ApplicationDraft): Record<string, unknown> {
  const { focus: _f, resumed: _r, offlineCity: _o, ...fields } = d;
  return { ...fields };
}
