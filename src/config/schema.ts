import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const url = (name: string) =>
  z
    .string()
    .trim()
    .transform((s) => (s === '' ? undefined : s))
    .optional()
    .refine((s) => s === undefined || URL.canParse(s), { message: `${name} must be a URL` });

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** `name:token,name2:token2` -> Map(token -> name). */
const agentTokens = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const map = new Map<string, string>();
    if (!raw || raw.trim() === '') return map;
    for (const pair of raw.split(',')) {
      const i = pair.indexOf(':');
      const name = pair.slice(0, i).trim();
      const token = pair.slice(i + 1).trim();
      if (i <= 0 || !name || token.length < 3) {
        ctx.addIssue({
          code: 'custom',
          message: 'expected name:token pairs separated by commas, tokens of 3+ characters',
        });
        return z.NEVER;
      }
      map.set(token, name);
    }
    return map;
  });

/**
 * Every setting kefu reads, with its environment variable name. This is the only place
 * that knows `process.env`; everything else receives the parsed `Config`.
 */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().default('0.0.0.0'),
  REDIS_URL: url('REDIS_URL'),
  /** Idle time after which a conversation's session is forgotten. */
  SESSION_TTL_MINUTES: positiveInt(30),
  ADMIN_TOKEN: optionalString,
  /** JSON file of business halls (src/domain/region-table.ts); the built-in sample when unset. */
  REGION_TABLE_PATH: optionalString,
  AGENT_TOKENS: agentTokens,
  /** When agents take conversations, `HH:MM-HH:MM` in AGENT_TIMEZONE (may pass midnight); outside, the bot offers a callback or a message. */
  AGENT_HOURS: z
    .string()
    .trim()
    .regex(/^([01]\d|2[0-4]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/u, 'AGENT_HOURS must look like 08:00-20:00')
    .default('00:00-24:00'),
  AGENT_TIMEZONE: z
    .string()
    .trim()
    .default('Asia/Shanghai')
    .refine((tz) => Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC', {
      message: 'AGENT_TIMEZONE must be an IANA time zone',
    }),
  /** Average minutes an agent spends on a conversation, for the wait estimate told to users. */
  HANDOFF_AVG_MINUTES: positiveInt(4),
  /** Messages of each conversation kept for agents (both directions). */
  HANDOFF_TRANSCRIPT_LIMIT: positiveInt(50),
  /** An agent counts as online this long after the console last checked in. */
  AGENT_PRESENCE_SECONDS: positiveInt(45),
  /** JSON file mapping feedback categories to departments, over the sample defaults (src/domain/departments.ts). */
  FEEDBACK_DEPARTMENTS_FILE: optionalString,
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: url('OPENAI_BASE_URL'),
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  OPENAI_TIMEOUT_MS: positiveInt(3000),
  LINE_CHANNEL_SECRET: optionalString,
  LINE_CHANNEL_ACCESS_TOKEN: optionalString,
  LINE_API_BASE_URL: url('LINE_API_BASE_URL'),
  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppTenantId: optionalString,
  MicrosoftAppType: optionalString,
  /** `true`: run the Bot Framework endpoint without credentials, for the Bot Framework Emulator only. */
  BOTFRAMEWORK_EMULATOR: z
    .enum(['true', 'false', ''])
    .default('false')
    .transform((v) => v === 'true'),
  WECHATY_PUPPET: optionalString,
  WECHATY_PUPPET_SERVICE_TOKEN: optionalString,
  WECHAT_TOKEN: optionalString,
  WECHAT_APP_ID: optionalString,
  WECHAT_APP_SECRET: optionalString,
  WECHAT_API_BASE_URL: url('WECHAT_API_BASE_URL'),
  /** How long a WeChat Official Account request waits for a passive reply (WeChat gives up at 5 s). */
  WECHAT_PASSIVE_REPLY_MS: z.coerce.number().int().positive().max(4800).default(4000),
  SMS_AUTH_TOKEN: optionalString,
  SMS_API_BASE_URL: url('SMS_API_BASE_URL'),
  /** Account for proactive SMS through the Messages REST API (with SMS_AUTH_TOKEN). */
  SMS_ACCOUNT_SID: optionalString,
  /** The number (or sender id) proactive SMS are sent from. */
  SMS_FROM: optionalString,
  /** Public URL of this server, as platforms see it (SMS signatures cover the full URL). */
  PUBLIC_URL: url('PUBLIC_URL'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Longest user message accepted, in characters; longer ones get a polite refusal. */
  MAX_TEXT_LENGTH: positiveInt(2000),
  /** Messages one user may send a minute (every channel); over it they get a polite refusal. 0: no limit. */
  RATE_LIMIT_USER_PER_MINUTE: z.coerce.number().int().min(0).default(120),
  /** Requests one source address may make a minute to the web, admin and agent APIs (not webhooks). 0: no limit. */
  RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().min(0).default(1200),
  /** Days a conversation's transcript (messages kept for agents, web outbox) is kept. */
  TRANSCRIPT_RETENTION_DAYS: positiveInt(30),
  /** How long a turn may wait for the previous turn of the same conversation. */
  TURN_WAIT_MS: positiveInt(15000),
});

export type RawConfig = z.infer<typeof configSchema>;
