import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { MenuLine, LocaleOf } from '../../../adapters/text-rendering.js';
import type { Config } from '../../config/load.js';
import { DEFAULT_LOCALE } from '../../core/message.js';
import type { ChannelAdapter, Clock, SessionStore } from '../../core/ports.js';
import type { Catalog } from '../../runtime/catalog.js';
import type { Runtime } from '../../runtime/runtime.js';
import type { ChannelStateStore } from '../../store/channel-state-store.js';

/** What an optional channel is built from. */
export interface ChannelDeps {
  config: Config;
  runtime: Runtime;
  sessions: SessionStore;
  catalog: Catalog;
  logger: Logger;
  clock: Clock;
  state: ChannelStateStore;
}

/** A channel that is configured: its push path, its HTTP routes, how to stop it. */
export interface StartedChannel {
  adapter: ChannelAdapter;
  plugin?: (app: FastifyInstance) => Promise<void>;
  close?: () => Promise<void>;
}

/** Numbered menu lines from the catalog (`channels.menuLine`). */
export const menuLineFrom =
  (catalog: Catalog): MenuLine =>
  (locale, n, label) =>
    catalog.text({ key: 'channels.menuLine', params: { n, label } }, locale);

/** The conversation's current language, from its session. */
export const localeFrom =
  (sessions: SessionStore): LocaleOf =>
  async (conversationId) =>
    (await sessions.load(conversationId))?.locale ?? DEFAULT_LOCALE;
