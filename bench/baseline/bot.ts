/**
 * The Bot Framework baseline of the benchmark (issue 10): the same personal application and
 * information answers as kefu, written the way the Bot Framework samples teach (ActivityHandler,
 * a DialogSet with ComponentDialogs of WaterfallDialogs, prompts with validators, state
 * property accessors on ConversationState and UserState).
 *
 * Fairness: the field checks are kefu's own domain validators (GB 11643 ID numbers, mobile
 * numbers, addresses with province and city), intents come from kefu's offline recogniser
 * (src/nlu/offline.ts, the same cost per turn as kefu's understanding), and the texts are kefu's
 * catalog strings, so both send the same replies.
 */
import {
  ActivityHandler,
  MessageFactory,
  type BotState,
  type CardAction,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import {
  ChoicePrompt,
  ComponentDialog,
  DialogSet,
  DialogTurnStatus,
  ListStyle,
  TextPrompt,
  WaterfallDialog,
  type Choice,
  type DialogContext,
  type DialogState,
  type FoundChoice,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { Redis } from 'ioredis';
import { checkAddress, findCity, parseAddress } from '../../src/domain/address.js';
import { checkMobile, maskMobile } from '../../src/domain/phone.js';
import { hallsForCity, type RegionTable } from '../../src/domain/region-table.js';
import { checkResidentId, maskResidentId } from '../../src/domain/resident-id.js';
import { formatTicketNumber, ticketDay } from '../../src/domain/ticket.js';
import type { Intent, NluContext, Recognizer } from '../../src/core/nlu.js';
import { readCatalogs } from '../../src/runtime/catalog.js';

type Locale = 'zh-CN' | 'en' | 'zh-TW';

// ---- texts: kefu's catalog (locales/<locale>/<namespace>.json), `{{param}}` interpolation ----
const catalogs = readCatalogs() as Record<Locale, Record<string, unknown>>;

export function localeOf(context: TurnContext): Locale {
  const l = (context.activity.locale ?? '').toLowerCase();
  if (l.startsWith('en')) return 'en';
  if (l === 'zh-tw' || l === 'zh-hk' || l === 'zh-hant') return 'zh-TW';
  return 'zh-CN';
}

export function t(locale: Locale, key: string, params: Record<string, string> = {}): string {
  let node: unknown = catalogs[locale];
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  if (typeof node !== 'string') throw new Error(`no text ${key} in ${locale}`);
  return node.replace(/\{\{(\w+)\}\}/g, (_, name: string) => params[name] ?? '');
}

const MENU = ['apply', 'status', 'feedback', 'agent', 'materials', 'hours'] as const;
const MENU_INTENT: Record<(typeof MENU)[number], string> = {
  apply: 'apply',
  status: 'status',
  feedback: 'complaint',
  agent: 'agent',
  materials: 'materials',
  hours: 'hours',
};

/** "How can I help you?" with the main menu as suggested actions (messageBack: label shown, intent sent). */
function menu(locale: Locale) {
  const actions: CardAction[] = MENU.map((item) => ({
    type: 'messageBack',
    title: t(locale, `menu.${item}`),
    text: t(locale, `menu.${item}`),
    displayText: t(locale, `menu.${item}`),
    value: { postback: `intent:${MENU_INTENT[item]}` },
  }));
  return MessageFactory.suggestedActions(actions, t(locale, 'menu.prompt'));
}

// ---- state ----
/** The application being filled in (conversation state; cleared when it ends). */
export interface ApplicationDraft {
  type?: 'personal' | 'enterprise' | 'offline';
  name?: string;
  idNumber?: string;
  address?: string;
  city?: string;
  cityEn?: string;
  phone?: string;
}
/** What the bot remembers about a user across conversations (user state). */
export interface UserProfile {
  tickets?: string[];
}

const PROMPT = {
  type: 'typePrompt',
  name: 'namePrompt',
  id: 'idNumberPrompt',
  address: 'addressPrompt',
  phone: 'phonePrompt',
  consent: 'consentPrompt',
  city: 'cityPrompt',
} as const;

/** What the recogniser should expect while a prompt waits (kefu's `meta.expecting`). */
const EXPECTING: Record<string, NluContext['expecting']> = {
  [PROMPT.type]: 'choice',
  [PROMPT.name]: 'name',
  [PROMPT.id]: 'id_number',
  [PROMPT.address]: 'address',
  [PROMPT.phone]: 'phone',
  [PROMPT.consent]: 'yesno',
  [PROMPT.city]: 'address',
};

export interface BaselineDeps {
  redis: Redis;
  recognizer: Recognizer;
  halls: RegionTable;
  conversationState: BotState;
  userState: BotState;
  /** Ticket keys' prefix (default `bf:`). */
  prefix?: string;
  now?: () => number;
}

// ---- the application: type, name, ID number, address, mobile, consent, ticket ----
class ApplicationDialog extends ComponentDialog {
  static readonly id = 'applicationDialog';

  constructor(
    private readonly draft: StatePropertyAccessor<ApplicationDraft>,
    private readonly profile: StatePropertyAccessor<UserProfile>,
    private readonly deps: BaselineDeps,
  ) {
    super(ApplicationDialog.id);
    const choicePrompt = (id: string) => {
      const prompt = new ChoicePrompt(id, undefined, 'zh-cn');
      prompt.style = ListStyle.suggestedAction;
      return prompt;
    };
    this.addDialog(choicePrompt(PROMPT.type))
      .addDialog(new TextPrompt(PROMPT.name, (pc) => this.validateName(pc)))
      .addDialog(new TextPrompt(PROMPT.id, (pc) => this.validateIdNumber(pc)))
      .addDialog(new TextPrompt(PROMPT.address, (pc) => this.validateAddress(pc)))
      .addDialog(new TextPrompt(PROMPT.phone, (pc) => this.validatePhone(pc)))
      .addDialog(choicePrompt(PROMPT.consent))
      .addDialog(
        new WaterfallDialog('applicationSteps', [
          (s) => this.askType(s),
          (s) => this.askName(s),
          (s) => this.askIdNumber(s),
          (s) => this.askAddress(s),
          (s) => this.askPhone(s),
          (s) => this.askConsent(s),
          (s) => this.submit(s),
        ]),
      );
    this.initialDialogId = 'applicationSteps';
  }

  private choices(locale: Locale, items: [string, string, string[]][]): Choice[] {
    return items.map(([value, key, synonyms]) => ({
      value,
      action: { type: 'imBack', title: t(locale, key), value: t(locale, key) },
      synonyms: [t(locale, key), ...synonyms],
    }));
  }

  private async askType(step: WaterfallStepContext) {
    const locale = localeOf(step.context);
    await this.draft.set(step.context, {});
    return step.prompt(PROMPT.type, {
      prompt: t(locale, 'application.chooseType'),
      retryPrompt: t(locale, 'application.chooseType'),
      choices: this.choices(locale, [
        ['personal', 'application.type.personal', ['个人', '個人', 'personal', 'individual']],
        ['enterprise', 'application.type.enterprise', ['企业', '企業', 'enterprise', 'company']],
        ['offline', 'application.type.offline', ['营业厅', '營業廳', 'business hall', 'offline']],
      ]),
    });
  }

  private async askName(step: WaterfallStepContext) {
    const locale = localeOf(step.context);
    const type = (step.result as FoundChoice).value as ApplicationDraft['type'];
    const draft = await this.draft.get(step.context, {});
    draft.type = type;
    if (type !== 'personal') {
      // The benchmark compares personal applications; the baseline points the others to a hall.
      await step.context.sendActivities([
        MessageFactory.text(t(locale, `application.materials.${type === 'enterprise' ? 'enterprise' : 'any'}`)),
        MessageFactory.text(t(locale, 'info.channels')),
        menu(locale),
      ]);
      await this.draft.delete(step.context);
      return step.endDialog();
    }
    await step.context.sendActivity(t(locale, 'application.requirements.personal'));
    return step.prompt(PROMPT.name, { prompt: t(locale, 'application.ask.name') });
  }

  private async askIdNumber(step: WaterfallStepContext) {
    const draft = await this.draft.get(step.context, {});
    draft.name = String(step.result).trim();
    return step.prompt(PROMPT.id, { prompt: t(localeOf(step.context), 'application.ask.idNumber') });
  }

  private async askAddress(step: WaterfallStepContext) {
    const draft = await this.draft.get(step.context, {});
    draft.idNumber = String(step.result).trim().toUpperCase();
    if (draft.address) return step.next();
    return step.prompt(PROMPT.address, { prompt: t(localeOf(step.context), 'application.ask.address') });
  }

  private async askPhone(step: WaterfallStepContext) {
    const draft = await this.draft.get(step.context, {});
    if (typeof step.result === 'string') {
      const address = step.result.trim();
      const city = parseAddress(address).city;
      draft.address = address;
      draft.city = city?.name;
      draft.cityEn = city?.en;
    }
    // Skipped when the mobile number came earlier (see validateAddress).
    if (draft.phone) return step.next();
    return step.prompt(PROMPT.phone, { prompt: t(localeOf(step.context), 'application.ask.phone') });
  }

  private async askConsent(step: WaterfallStepContext) {
    const locale = localeOf(step.context);
    const draft = await this.draft.get(step.context, {});
    if (typeof step.result === 'string') {
      const phone = checkMobile(step.result);
      if (phone.ok) draft.phone = phone.value;
    }
    await step.context.sendActivities([
      MessageFactory.text(
        t(locale, 'application.summary.personal', {
          name: draft.name ?? '',
          idNumber: maskResidentId(draft.idNumber ?? ''),
          address: draft.address ?? '',
          phone: maskMobile(draft.phone ?? ''),
        }),
      ),
      MessageFactory.text(
        t(locale, 'application.plan', { area: (locale === 'en' ? draft.cityEn : draft.city) ?? draft.address ?? '' }),
      ),
    ]);
    return step.prompt(PROMPT.consent, {
      prompt: t(locale, 'application.consentAsk'),
      retryPrompt: t(locale, 'application.consentAsk'),
      choices: this.choices(locale, [
        ['agree', 'application.agree', ['同意', '同意提交', '确认', '確認', 'agree', 'yes', 'ok']],
        ['cancel', 'application.cancelButton', ['取消', '不同意', 'cancel', 'no']],
      ]),
    });
  }

  private async submit(step: WaterfallStepContext) {
    const locale = localeOf(step.context);
    const draft = await this.draft.get(step.context, {});
    if ((step.result as FoundChoice).value !== 'agree') {
      await step.context.sendActivity(t(locale, 'application.declined'));
      return step.endDialog();
    }
    const { redis } = this.deps;
    const prefix = this.deps.prefix ?? 'bf:';
    const at = (this.deps.now ?? Date.now)();
    const seq = await redis.incr(`${prefix}ticketseq:${ticketDay(at)}`);
    const number = formatTicketNumber('application', at, seq);
    const ticket = {
      number,
      kind: 'application',
      status: 'submitted',
      channel: step.context.activity.channelId,
      userId: step.context.activity.from.id,
      createdAt: at,
      application: { ...draft },
    };
    await redis.set(`${prefix}ticket:${number}`, JSON.stringify(ticket));
    const profile = await this.profile.get(step.context, {});
    profile.tickets = [...(profile.tickets ?? []), number].slice(-10);
    await this.draft.delete(step.context);
    await step.context.sendActivity(t(locale, 'application.created', { number, address: draft.address ?? '' }));
    return step.endDialog(number);
  }

  /**
   * Why the value was refused, then the question again. A prompt re-asks by itself only when the
   * validator sent nothing (Prompt.continueDialog checks `context.responded`), so both go here.
   */
  private async refuse(pc: PromptValidatorContext<string>, reasonKey: string, askKey: string) {
    const locale = localeOf(pc.context);
    await pc.context.sendActivities([
      MessageFactory.text(t(locale, reasonKey)),
      MessageFactory.text(t(locale, askKey)),
    ]);
  }

  private async validateName(pc: PromptValidatorContext<string>) {
    const name = (pc.recognized.value ?? '').trim();
    return pc.recognized.succeeded && name.length >= 1 && name.length <= 40 && !/\d{3}/.test(name);
  }

  private async validateIdNumber(pc: PromptValidatorContext<string>) {
    const check = checkResidentId(pc.recognized.value ?? '');
    if (check.ok) return true;
    await this.refuse(pc, `application.invalid.id.${check.reason}`, 'application.ask.idNumber');
    return false;
  }

  /** An address with province and city; a mobile number given instead is kept for its own step. */
  private async validateAddress(pc: PromptValidatorContext<string>) {
    const text = pc.recognized.value ?? '';
    const check = checkAddress(text);
    if (check.ok) return true;
    const phone = checkMobile(text);
    if (phone.ok) {
      const draft = await this.draft.get(pc.context, {});
      draft.phone = phone.value;
      return false;
    }
    await this.refuse(pc, `application.invalid.address.${check.reason}`, 'application.ask.address');
    return false;
  }

  private async validatePhone(pc: PromptValidatorContext<string>) {
    const check = checkMobile(pc.recognized.value ?? '');
    if (check.ok) return true;
    await this.refuse(pc, `application.invalid.phone.${check.reason}`, 'application.ask.phone');
    return false;
  }
}

// ---- business hall hours of a city ----
class HoursDialog extends ComponentDialog {
  static readonly id = 'hoursDialog';

  constructor(private readonly halls: RegionTable) {
    super(HoursDialog.id);
    this.addDialog(new TextPrompt(PROMPT.city)).addDialog(
      new WaterfallDialog('hoursSteps', [(s) => this.askCity(s), (s) => this.answer(s)]),
    );
    this.initialDialogId = 'hoursSteps';
  }

  private async askCity(step: WaterfallStepContext) {
    const text = step.context.activity.text ?? '';
    const city = parseAddress(text).city;
    if (city) return step.next(text);
    return step.prompt(PROMPT.city, { prompt: t(localeOf(step.context), 'hours.askCity') });
  }

  private async answer(step: WaterfallStepContext) {
    const locale = localeOf(step.context);
    const text = String(step.result ?? '').trim();
    const city = findCity(text) ?? parseAddress(text).city;
    if (!city) {
      await step.context.sendActivities([MessageFactory.text(t(locale, 'hours.unknownCity')), menu(locale)]);
      return step.endDialog();
    }
    const display = locale === 'en' ? city.en : city.name;
    const halls = hallsForCity(this.halls, city.name);
    const lines = halls.map((h) =>
      t(locale, 'hours.hall', {
        name: h.name,
        address: h.address,
        phone: h.phone,
        weekdays: h.hours.weekdays,
        weekends: h.hours.weekends,
      }),
    );
    await step.context.sendActivities([
      MessageFactory.text(t(locale, 'hours.online')),
      MessageFactory.text(
        halls.length > 0
          ? t(locale, 'hours.halls', { city: display, halls: lines.join('\n') })
          : t(locale, 'hours.noHalls', { city: display }),
      ),
      menu(locale),
    ]);
    return step.endDialog();
  }
}

/** Turn-state key where the bot leaves the number of turns this conversation has had. */
export const TURN_KEY = Symbol('baselineTurn');

// ---- the bot ----
export class BaselineBot extends ActivityHandler {
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly turns: StatePropertyAccessor<number>;
  private readonly dialogs: DialogSet;

  constructor(private readonly deps: BaselineDeps) {
    super();
    this.dialogState = deps.conversationState.createProperty<DialogState>('dialogState');
    this.turns = deps.conversationState.createProperty<number>('turns');
    const draft = deps.conversationState.createProperty<ApplicationDraft>('application');
    const profile = deps.userState.createProperty<UserProfile>('profile');
    this.dialogs = new DialogSet(this.dialogState)
      .add(new ApplicationDialog(draft, profile, deps))
      .add(new HoursDialog(deps.halls));

    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
  }

  private async handleMessage(context: TurnContext) {
    const locale = localeOf(context);
    const turn = (await this.turns.get(context, 0)) + 1;
    await this.turns.set(context, turn);
    context.turnState.set(TURN_KEY, turn);

    const dc = await this.dialogs.createContext(context);
    const intent = await this.intentOf(context, dc);

    // Interruptions (the samples' CancelAndHelpDialog), checked before the active prompt sees the text.
    if (intent === 'cancel' && dc.activeDialog) {
      await dc.cancelAllDialogs();
      await context.sendActivities([MessageFactory.text(t(locale, 'root.cancelled')), menu(locale)]);
      return;
    }
    if (intent === 'help' && dc.activeDialog) {
      await context.sendActivity(t(locale, 'application.help'));
      await dc.repromptDialog();
      return;
    }

    const result = await dc.continueDialog();
    if (result.status !== DialogTurnStatus.empty) return;

    switch (intent) {
      case 'greet':
        await context.sendActivities([MessageFactory.text(t(locale, 'root.welcome')), menu(locale)]);
        break;
      case 'apply':
        await dc.beginDialog(ApplicationDialog.id);
        break;
      case 'hours':
        await dc.beginDialog(HoursDialog.id);
        break;
      case 'materials':
        await context.sendActivities([MessageFactory.text(t(locale, 'info.materials')), menu(locale)]);
        break;
      case 'channels':
        await context.sendActivities([MessageFactory.text(t(locale, 'info.channels')), menu(locale)]);
        break;
      case 'goodbye':
        await context.sendActivity(t(locale, 'root.goodbye'));
        break;
      case 'help':
        await context.sendActivities([MessageFactory.text(t(locale, 'root.help')), menu(locale)]);
        break;
      default:
        await context.sendActivities([MessageFactory.text(t(locale, 'root.notUnderstood')), menu(locale)]);
    }
  }

  /** A pressed button's intent, else the recogniser's reading given what the active prompt expects. */
  private async intentOf(context: TurnContext, dc: DialogContext): Promise<Intent> {
    const postback = (context.activity.value as { postback?: unknown } | undefined)?.postback;
    if (typeof postback === 'string' && postback.startsWith('intent:')) return postback.slice(7) as Intent;
    let inner: DialogContext = dc;
    while (inner.child) inner = inner.child;
    const expecting = inner.activeDialog ? EXPECTING[inner.activeDialog.id] : undefined;
    const understanding = await this.deps.recognizer.understand(context.activity.text ?? '', {
      ...(expecting ? { expecting } : {}),
      locale: localeOf(context),
    });
    return understanding.intent;
  }
}
