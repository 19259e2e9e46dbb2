import type { EffectHandler, EffectType } from '../core/effect.js';

// The handler types live in src/core so feature modules (handoff, notify) can implement them
// without importing the runtime.
export type { EffectContext, EffectHandler } from '../core/effect.js';

/** Handlers by effect name; `reply` is the runtime's own. Features register theirs at wiring time. */
export type EffectHandlers = { [K in Exclude<EffectType, 'reply'>]?: EffectHandler<K> };
