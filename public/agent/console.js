// kefu agent console: plain modules, no build step. Live updates come over SSE (no polling).
const $ = (id) => document.getElementById(id);
const LANG_KEY = 'kefu.agent.lang';
const TOKEN_KEY = 'kefu.agent.token';

const state = {
  token: window.sessionStorage.getItem(TOKEN_KEY) || '',
  lang: localStorage.getItem(LANG_KEY) || 'zh-CN',
  strings: {},
  me: '',
  agents: [],
  queue: [],
  mine: [],
  online: [],
  current: null, // { conversation, transcript, tickets }
  source: null,
};

// ---------- i18n ----------
function t(key, params = {}) {
  const value = key
    .split('.')
    .reduce((node, part) => (node && typeof node === 'object' ? node[part] : undefined), state.strings);
  if (typeof value !== 'string') return key;
  return value.replace(/\{\{(\w+)\}\}/g, (_m, name) => String(params[name] ?? ''));
}

async function loadStrings() {
  const res = await fetch(`/api/agent/i18n/${state.lang}`);
  state.strings = (await res.json()).strings;
  document.documentElement.lang = state.lang;
  document.title = t('title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
}

async function toggleLanguage() {
  state.lang = state.lang === 'en' ? 'zh-CN' : 'en';
  localStorage.setItem(LANG_KEY, state.lang);
  await loadStrings();
  if (state.me) {
    await loadCanned();
    renderAll();
  }
}

// ---------- API ----------
async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${state.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const data = await res.json().catch(() => ({}));
  if (res.status === 401) {
    signOut();
    throw new Error('unauthorized');
  }
  return { status: res.status, data };
}

// ---------- sign in ----------
async function signIn(token) {
  state.token = token;
  const { status, data } = await fetch('/api/agent/me', { headers: { authorization: `Bearer ${token}` } }).then(
    async (r) => ({
      status: r.status,
      data: await r.json().catch(() => ({})),
    }),
  );
  if (status !== 200) {
    state.token = '';
    $('signin-error').textContent = t('invalidToken');
    $('signin-error').hidden = false;
    return;
  }
  window.sessionStorage.setItem(TOKEN_KEY, token);
  state.me = data.name;
  state.agents = data.agents;
  $('signin').hidden = true;
  $('app').hidden = false;
  await loadCanned();
  connect();
  renderAll();
}

function signOut() {
  window.sessionStorage.removeItem(TOKEN_KEY);
  state.source?.close();
  state.source = null;
  Object.assign(state, { token: '', me: '', current: null, queue: [], mine: [] });
  $('app').hidden = true;
  $('signin').hidden = false;
  $('token').value = '';
  $('token').focus();
}

// ---------- live events ----------
function connect() {
  state.source?.close();
  const source = new EventSource(`/api/agent/events?token=${encodeURIComponent(state.token)}`);
  state.source = source;
  source.addEventListener('open', () => setLive(true));
  source.addEventListener('error', () => setLive(false));
  source.addEventListener('queue', (e) => {
    const data = JSON.parse(e.data);
    state.queue = data.conversations;
    state.mine = data.mine;
    state.online = data.online;
    renderLists();
  });
  source.addEventListener('message', (e) => {
    const { conversationId, entry } = JSON.parse(e.data);
    if (state.current && state.current.conversation.id === conversationId) {
      const last = state.current.transcript.at(-1);
      // The agent's own message is already shown from the POST answer.
      if (last && last.from === entry.from && last.text === entry.text && last.at === entry.at) return;
      state.current.transcript.push(entry);
      renderTranscript();
    }
  });
  source.addEventListener('handoff', (e) => {
    const { conversationId } = JSON.parse(e.data);
    if (state.current && state.current.conversation.id === conversationId)
      void open(conversationId, { keepNotice: true });
  });
}

function setLive(live) {
  $('status').classList.toggle('live', live);
  $('status-text').textContent = live ? t('connected') : t('reconnecting');
}

// ---------- rendering ----------
const minutesSince = (iso) => Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 60000));
const clock = (at) => new Date(at).toLocaleTimeString(state.lang, { hour: '2-digit', minute: '2-digit' });
const el = (tag, cls, text) => {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
};

function renderAll() {
  $('me').textContent = state.me;
  setLive(state.source?.readyState === 1);
  renderLists();
  renderDetail();
}

function renderLists() {
  $('online').textContent = `${t('onlineAgents')}: ${state.online.length}`;
  fillList($('queue'), state.queue, t('emptyQueue'));
  fillList($('mine'), state.mine, t('emptyMine'));
  $('queue-count').textContent = String(state.queue.length);
  $('mine-count').textContent = String(state.mine.length);
}

function fillList(list, conversations, emptyText) {
  list.replaceChildren();
  if (conversations.length === 0) list.append(el('li', 'empty-item', emptyText));
  for (const c of conversations) {
    const item = el('li');
    item.dataset.id = c.id;
    item.tabIndex = 0;
    if (state.current?.conversation.id === c.id) item.classList.add('active');
    const top = el('div', 'item-top');
    const minutes = minutesSince(c.waitingSince);
    top.append(
      el('span', 'item-user', c.userId),
      el('span', 'wait', minutes === 0 ? t('justNow') : t('waiting', { minutes })),
    );
    const tags = el('div', 'item-tags');
    tags.append(
      el('span', 'tag', c.channel),
      el('span', c.reason === 'urgent_complaint' ? 'tag urgent' : 'tag', t(`reasons.${c.reason}`)),
    );
    if (c.intent) tags.append(el('span', 'tag', t(`intents.${c.intent}`)));
    item.append(top, el('div', 'item-preview', c.preview), tags);
    item.addEventListener('click', () => void open(c.id));
    item.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') void open(c.id);
    });
    list.append(item);
  }
}

function renderDetail() {
  const cur = state.current;
  $('empty').hidden = Boolean(cur);
  $('detail').hidden = !cur;
  $('context').hidden = !cur;
  if (!cur) return;
  const c = cur.conversation;
  const mineNow = c.state === 'assigned' && c.agent === state.me;
  $('conv-title').textContent = c.userId;
  const meta = $('conv-meta');
  meta.replaceChildren(
    el('span', '', `${t('channel')}: ${c.channel}`),
    el('span', '', t(`states.${c.state}`)),
    ...(c.agent ? [el('span', '', c.agent)] : []),
  );
  $('claim').hidden = c.state !== 'pending';
  $('release').hidden = !mineNow;
  const transfer = $('transfer');
  transfer.hidden = !mineNow;
  transfer.replaceChildren(el('option', '', t('transferTo')));
  transfer.firstChild.value = '';
  for (const name of state.agents.filter((a) => a !== state.me)) {
    const option = el('option', '', `${t('transfer')} → ${name}${state.online.includes(name) ? ' ●' : ''}`);
    option.value = name;
    transfer.append(option);
  }
  $('reply').disabled = !mineNow;
  $('send').disabled = !mineNow;
  for (const b of $('canned').querySelectorAll('button')) b.disabled = !mineNow;
  $('ctx-intent').textContent = c.intent ? t(`intents.${c.intent}`) : t('intents.unknown');
  $('ctx-reason').textContent = t(`reasons.${c.reason}`);
  $('ctx-since').textContent = new Date(c.waitingSince).toLocaleString(state.lang);
  const tickets = $('tickets');
  tickets.replaceChildren();
  if (cur.tickets.length === 0) tickets.append(el('li', 'muted', t('noTickets')));
  for (const tk of cur.tickets) {
    const li = el('li');
    li.append(el('span', 'num', tk.number), el('span', 'muted', tk.status), el('span', '', tk.summary));
    tickets.append(li);
  }
  renderTranscript();
}

function renderTranscript() {
  const list = $('transcript');
  list.replaceChildren();
  for (const e of state.current.transcript) {
    const li = el('li', `msg ${e.from}`);
    const who = e.from === 'agent' && e.agent ? `${t('from.agent')} ${e.agent}` : t(`from.${e.from}`);
    li.append(el('span', 'who', `${who} · ${clock(e.at)}`), el('div', 'bubble', e.text));
    list.append(li);
  }
  list.scrollTop = list.scrollHeight;
}

function notice(text) {
  $('conv-notice').textContent = text || '';
  $('conv-notice').hidden = !text;
}

// ---------- actions ----------
async function open(id, { keepNotice = false } = {}) {
  const { status, data } = await api('GET', `/api/agent/conversations/${encodeURIComponent(id)}`);
  if (!keepNotice) notice('');
  if (status === 200) {
    state.current = data;
  } else {
    notice(status === 403 ? t('heldByOther') : t('notFound'));
    if (state.current && state.current.conversation.id === id) state.current.conversation.state = 'resolved';
  }
  renderDetail();
  renderLists();
}

async function act(path, body) {
  const id = state.current?.conversation.id;
  if (!id) return;
  const { status } = await api('POST', `/api/agent/conversations/${encodeURIComponent(id)}/${path}`, body);
  if (status === 409) notice(path === 'claim' ? t('heldByOther') : t('claimFirst'));
  else if (status === 404) notice(t('notFound'));
  else if (status === 403) notice(t('heldByOther'));
  await open(id, { keepNotice: status !== 200 });
}

async function sendReply(text) {
  const id = state.current?.conversation.id;
  const trimmed = text.trim();
  if (!id || !trimmed) return;
  const { status, data } = await api('POST', `/api/agent/conversations/${encodeURIComponent(id)}/messages`, {
    text: trimmed,
  });
  if (status !== 200) {
    notice(status === 409 ? t('claimFirst') : t('notFound'));
    return;
  }
  $('reply').value = '';
  state.current.transcript.push(data.entry);
  renderTranscript();
}

async function loadCanned() {
  const { data } = await api('GET', `/api/agent/canned?locale=${state.lang}`);
  const box = $('canned');
  box.replaceChildren();
  for (const r of data.replies || []) {
    const b = el('button', '', r.text.length > 14 ? `${r.text.slice(0, 14)}…` : r.text);
    b.type = 'button';
    b.title = r.text;
    b.addEventListener('click', () => {
      const area = $('reply');
      area.value = area.value ? `${area.value} ${r.text}` : r.text;
      area.focus();
    });
    box.append(b);
  }
}

function moveSelection(step) {
  const ids = [...state.mine, ...state.queue].map((c) => c.id);
  if (ids.length === 0) return;
  const at = ids.indexOf(state.current?.conversation.id);
  const next = ids[(at + step + ids.length) % ids.length];
  void open(next);
}

// ---------- wiring ----------
$('signin-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void signIn($('token').value.trim());
});
for (const b of document.querySelectorAll('.lang-toggle')) b.addEventListener('click', () => void toggleLanguage());
$('signout').addEventListener('click', signOut);
$('claim').addEventListener('click', () => void act('claim'));
$('release').addEventListener('click', () => void act('release'));
$('transfer').addEventListener('change', (e) => {
  const to = e.target.value;
  if (to) void act('transfer', { to });
});
$('reply-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void sendReply($('reply').value);
});
$('reply').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    void sendReply($('reply').value);
  }
  if (e.key === 'Escape') e.target.blur();
});
document.addEventListener('keydown', (e) => {
  if (
    !state.me ||
    e.target instanceof window.HTMLTextAreaElement ||
    e.target instanceof window.HTMLInputElement ||
    e.target instanceof window.HTMLSelectElement
  )
    return;
  if (e.key === 'j') moveSelection(1);
  else if (e.key === 'k') moveSelection(-1);
  else if (e.key === 'c' && state.current?.conversation.state === 'pending') void act('claim');
  else if (e.key === '/') {
    e.preventDefault();
    $('reply').focus();
  } else if (e.key === 'Escape') {
    state.current = null;
    renderDetail();
    renderLists();
  }
});

await loadStrings();
if (state.token) await signIn(state.token);
else $('signin').hidden = false;
