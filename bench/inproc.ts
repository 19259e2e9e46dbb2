/**
 * `node --import tsx bench/inproc.ts [--turns 5000] [--rounds 5] [--warmup 3000] [--cpu-prof]`
 *
 * What one conversation turn costs kefu itself, without HTTP or Redis: a kefu built like the
 * server (createKefu, embedded memory stores, silent logs, no per-user rate limit) runs the
 * customer scripts of bench/scenarios.ts (the `npm run bench` mix: half YD applications, half
 * information conversations in zh-CN and en) through `runtime.handle`, one conversation after
 * another, and checks every answer as bench/load.ts does. After a warm-up it reports process
 * CPU time (user + system, process.cpuUsage, so garbage collection counts) per turn, per round
 * and as the median of the rounds.
 *
 * Then, on the turns of one recorded pass, it times parts of the turn alone, each in CPU µs
 * per turn (a part not used every turn is averaged over all turns):
 * - recogniser: `recognizer.understand` on the texts and contexts the runtime gave it;
 * - machine: restore the stored snapshot, what it expects, the user's step, persist, each timed
 *   alone (follow-up steps such as ticket.created are left out);
 * - catalog: rendering the replies and button labels;
 * what remains of the total is stores, effects, the runtime and metrics.
 *
 * `--cpu-prof` writes a V8 CPU profile of the measured rounds (not the start-up or warm-up) to
 * the temporary directory; `node --import tsx bench/profile-summary.ts <file>` sums it.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load.js';
import type { ConversationEvent, ConversationInput } from '../src/core/event.js';
import {
  conversationIdOf,
  type InboundMessage,
  type Locale,
  type ReplyRef,
  type MessageRef,
} from '../src/core/message.js';
import { INTENTS, type Intent, type NluContext, type Understanding } from '../src/core/nlu.js';
import type { SessionRecord } from '../src/core/ports.js';
import { createKefu } from '../src/main.js';
import { createRecognizer } from '../src/nlu/index.js';
import {
  expectationOf,
  persist,
  restoreConversation,
  startConversation,
  step,
  type ConversationSnapshot,
} from '../src/runtime/machine-step.js';
import { sanitizeText } from '../src/runtime/sanitize-text.js';
import { APPLICATION_SCENARIOS, INFO_SCENARIOS, scenarioFor, type Scenario } from './scenarios.js';

const { values: flags } = parseArgs({
  options: {
    turns: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3000' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const turnsPerRound = Number(flags.turns);
const rounds = Number(flags.rounds);
const warmupTurns = Number(flags.warmup);

// The mix of bench/run.ts: half the customers apply, half ask for information.
const SCENARIOS: Scenario[] = [
  APPLICATION_SCENARIOS[0]!,
  INFO_SCENARIOS[0]!,
  APPLICATION_SCENARIOS[0]!,
  INFO_SCENARIOS[1]!,
];

/** One user turn as the runtime saw it, for timing its parts alone. */
interface RecordedTurn {
  message: InboundMessage;
  text: string;
  session: SessionRecord | undefined;
  recognized?: { text: string; context: NluContext | undefined; result: Understanding };
}

const recorder = {
  on: false,
  current: undefined as RecordedTurn | undefined,
  turns: [] as RecordedTurn[],
  renders: [] as { reply: ReplyRef; locale: Locale }[],
  texts: [] as { ref: MessageRef; locale: Locale }[],
};

const recognizer = createRecognizer();
const kefu = await createKefu(
  loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_USER_PER_MINUTE: '0' }, '/nonexistent/.env'),
  {
    recognizer: {
      async understand(text, context) {
        const result = await recognizer.understand(text, context);
        if (recorder.on && recorder.current) recorder.current.recognized = { text, context, result };
        return result;
      },
    },
  },
);

// The runtime holds these very objects: wrapping their methods records what a turn asks of them.
const { sessions, catalog } = kefu;
const beginTurn = sessions.beginTurn.bind(sessions);
sessions.beginTurn = async (conversationId, dedupeKey) => {
  const started = await beginTurn(conversationId, dedupeKey);
  if (recorder.on && recorder.current && started.kind === 'ready') {
    recorder.current.session = started.session && structuredClone(started.session);
  }
  return started;
};
const render = catalog.render.bind(catalog);
let rendering = false;
catalog.render = (reply, locale) => {
  if (recorder.on) recorder.renders.push({ reply, locale });
  rendering = true;
  try {
    return render(reply, locale);
  } finally {
    rendering = false;
  }
};
const text = catalog.text.bind(catalog);
catalog.text = (ref, locale) => {
  // Texts asked for on their own (button labels kept for the session, status lookups), not by render.
  if (recorder.on && !rendering) recorder.texts.push({ ref, locale });
  return text(ref, locale);
};

let conversationNo = 0;
let errors = 0;
const errorSamples: string[] = [];

/** Whole conversations until at least `turns` turns have run; returns the turns run. */
async function converse(turns: number): Promise<number> {
  let done = 0;
  while (done < turns) {
    const n = conversationNo++;
    const scenario = scenarioFor(n, SCENARIOS);
    const userId = `inproc-${n}`;
    for (let i = 0; i < scenario.steps.length; i++) {
      const s = scenario.steps[i]!;
      const message: InboundMessage = {
        channel: 'web',
        userId,
        conversationId: conversationIdOf('web', userId),
        messageId: `m${n}-${i}`,
        text: s.text,
        receivedAt: Date.now(),
        locale: scenario.locale,
      };
      if (s.postback) message.postback = s.postback;
      if (recorder.on) {
        recorder.current = { message, text: sanitizeText(message.postback ?? message.text), session: undefined };
        recorder.turns.push(recorder.current);
      }
      const result = await kefu.runtime.handle(message);
      done++;
      const said = result.replies.map((r) => r.text).join('\n');
      const wrong =
        result.refused !== undefined
          ? `refused ${result.refused}`
          : !s.expect.test(said)
            ? `unexpected reply ${JSON.stringify(said.slice(0, 80))}`
            : result.turn !== i + 1
              ? `applied as turn ${result.turn}`
              : undefined;
      if (wrong) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(`${scenario.name}#${i}: ${wrong}`);
      }
    }
  }
  recorder.current = undefined;
  return done;
}

const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (x: number): string => x.toFixed(0).padStart(6);

// --- whole turns -----------------------------------------------------------------------------
await converse(warmupTurns);
let profiler: Session | undefined;
if (flags['cpu-prof']) {
  profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
const perTurn: number[] = [];
for (let r = 0; r < rounds; r++) {
  const t0 = cpuUs();
  const n = await converse(turnsPerRound);
  perTurn.push((cpuUs() - t0) / n);
}
if (profiler) {
  const { profile } = await profiler.post('Profiler.stop');
  const file = join(tmpdir(), `kefu-inproc-${process.pid}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  profiler.disconnect();
  console.log(`CPU profile: ${file}\n  node --import tsx bench/profile-summary.ts ${file}`);
}
const total = median(perTurn);
console.log(`turns ${rounds} x ${turnsPerRound} after ${warmupTurns} warm-up, ${errors} errors`);
for (const e of errorSamples) console.log(`  ${e}`);
console.log(`per round      ${perTurn.map((x) => x.toFixed(0)).join(' ')} µs/turn`);
console.log(`total        ${fmt(total)} µs/turn (median CPU)`);

// --- parts of a turn, timed alone on one recorded pass ----------------------------------------
recorder.on = true;
const recordedTurns = await converse(400);
recorder.on = false;
const { turns, renders, texts } = recorder;

/** CPU µs per recorded turn of `work` over the recording: the median of 7 batches of ~0.15 s. */
async function timePart(work: () => unknown): Promise<number> {
  await work();
  const batches: number[] = [];
  for (let b = 0; b < 7; b++) {
    let reps = 0;
    const t0 = cpuUs();
    let spent = 0;
    while (spent < 150_000) {
      await work();
      reps++;
      spent = cpuUs() - t0;
    }
    batches.push(spent / reps / recordedTurns);
  }
  return median(batches);
}

const recognized = turns.flatMap((t) => (t.recognized ? [t.recognized] : []));
const recogniserUs = await timePart(async () => {
  for (const r of recognized) await recognizer.understand(r.text, r.context);
});

// The user's event as the runtime builds it (src/runtime/runtime.ts `understand`): buttons and
// `intent:` values resolve without the recogniser.
const intentSet = new Set<string>(INTENTS);
const buttonAnswer = (value: string, said: string): Understanding =>
  intentValue(value) ?? { text: said, intent: 'other', confidence: 1, entities: [], choice: value };
function intentValue(value: string): Understanding | undefined {
  const intent = value.startsWith('intent:') ? value.slice('intent:'.length) : undefined;
  return intent && intentSet.has(intent)
    ? { text: value, intent: intent as Intent, confidence: 1, entities: [] }
    : undefined;
}
function pressed(text: string, session: SessionRecord | undefined): Understanding | undefined {
  const values = session?.choices;
  if (!values?.length) return undefined;
  if (values.includes(text)) return buttonAnswer(text, text);
  const byLabel = session?.choiceLabels?.findIndex((l) => l.toLowerCase() === text.toLowerCase()) ?? -1;
  if (byLabel >= 0 && values[byLabel]) return buttonAnswer(values[byLabel], text);
  const n = /^\d{1,2}$/.test(text) ? Number(text) : 0;
  return n >= 1 && values[n - 1] ? buttonAnswer(values[n - 1]!, values[n - 1]!) : undefined;
}
const machineTurns = turns.map((t) => {
  let u = intentValue(t.text) ?? pressed(t.text, t.session) ?? t.recognized?.result;
  if (!u) throw new Error(`no understanding recorded for ${JSON.stringify(t.text)}`);
  if (u.choice && t.recognized?.result === u) u = buttonAnswer(u.choice, u.choice);
  const event: ConversationEvent = {
    type: 'user.said',
    text: u.choice !== undefined ? u.text : t.text,
    understanding: u,
    at: t.message.receivedAt,
  };
  if (t.message.locale) event.channelLocale = t.message.locale;
  const input: ConversationInput = { channel: 'web', userId: t.message.userId, locale: t.message.locale ?? 'zh-CN' };
  return { session: t.session, event, input };
});
const restoreOf = (t: (typeof machineTurns)[number]): ConversationSnapshot =>
  (t.session ? restoreConversation(t.session.snapshot, t.session.machineVersion) : undefined) ??
  startConversation(t.input).snapshot;
const restored = machineTurns.map(restoreOf);
const stepped = machineTurns.map((t, i) => step(restored[i]!, t.event).snapshot);
const restoreUs = await timePart(() => {
  for (const t of machineTurns) restoreOf(t);
});
const expectUs = await timePart(() => {
  for (const s of restored) expectationOf(s);
});
const stepUs = await timePart(() => {
  for (let i = 0; i < machineTurns.length; i++) step(restored[i]!, machineTurns[i]!.event);
});
const persistUs = await timePart(() => {
  for (const s of stepped) persist(s);
});
const machineUs = restoreUs + expectUs + stepUs + persistUs;
const catalogUs = await timePart(() => {
  for (const r of renders) catalog.render(r.reply, r.locale);
  for (const t of texts) catalog.text(t.ref, t.locale);
});

const share = (x: number): string => `${((x / total) * 100).toFixed(0).padStart(3)}%`;
console.log(`parts, timed alone on ${recordedTurns} recorded turns:`);
console.log(`  recogniser ${fmt(recogniserUs)} µs/turn ${share(recogniserUs)}  (${recognized.length} calls)`);
console.log(`  machine    ${fmt(machineUs)} µs/turn ${share(machineUs)}  (the user's step only)`);
console.log(
  `    restore ${fmt(restoreUs)}, expectation ${fmt(expectUs)}, step ${fmt(stepUs)}, persist ${fmt(persistUs)}`,
);
console.log(
  `  catalog    ${fmt(catalogUs)} µs/turn ${share(catalogUs)}  (${renders.length} renders, ${texts.length} texts)`,
);
const rest = total - recogniserUs - machineUs - catalogUs;
console.log(`  the rest   ${fmt(rest)} µs/turn ${share(rest)}  (stores, effects, runtime, metrics)`);

await kefu.close();
process.exitCode = errors > 0 ? 1 : 0;
