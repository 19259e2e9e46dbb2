// The web chat page: posts what the user types, shows replies and quick-reply buttons, and
// picks up proactive messages (status notices, agent replies) from the outbox.
const UI = {
  'zh-CN': {
    title: '异地服务智能客服',
    subtitle: '7×24 小时在线 · 申请 · 进度 · 投诉建议 · 人工',
    placeholder: '请输入您的问题…',
    send: '发送',
    error: '网络异常，请稍后重试。',
    greeting: '你好',
  },
  'zh-TW': {
    title: '異地服務智慧客服',
    subtitle: '7×24 小時線上 · 申請 · 進度 · 投訴建議 · 人工',
    placeholder: '請輸入您的問題…',
    send: '傳送',
    error: '網路異常，請稍後重試。',
    greeting: '你好',
  },
  en: {
    title: 'Cross-region service help',
    subtitle: '24/7 · apply · progress · feedback · human agent',
    placeholder: 'Type your question…',
    send: 'Send',
    error: 'Network problem, please try again.',
    greeting: 'hello',
  },
};

const $ = (id) => document.getElementById(id);
const log = $('log');
const quick = $('quick');
const input = $('text');
const localeSelect = $('locale');

const userId = localStorage.getItem('kefu.userId') || `web-${crypto.randomUUID()}`;
localStorage.setItem('kefu.userId', userId);
let locale =
  localStorage.getItem('kefu.locale') ||
  (navigator.language?.startsWith('en') ? 'en' : navigator.language === 'zh-TW' ? 'zh-TW' : 'zh-CN');
let seen = 0; // outbox messages already shown

function applyUi() {
  const t = UI[locale] || UI['zh-CN'];
  document.documentElement.lang = locale;
  localeSelect.value = locale;
  document.querySelectorAll('[data-i18n]').forEach((el) => (el.textContent = t[el.dataset.i18n]));
  input.placeholder = t.placeholder;
}

function bubble(text, who) {
  const li = document.createElement('li');
  li.className = `msg ${who}`;
  li.textContent = text;
  log.appendChild(li);
  log.scrollTop = log.scrollHeight;
}

function showButtons(buttons) {
  quick.replaceChildren(
    ...(buttons || []).map((b) => {
      const btn = document.createElement('button');
      btn.type = 'button';
      btn.textContent = b.label;
      btn.addEventListener('click', () => send(b.label, b.value));
      return btn;
    }),
  );
}

function show(messages) {
  for (const m of messages) bubble(m.text, 'bot');
  const last = messages[messages.length - 1];
  if (last) showButtons(last.buttons || (last.quickReplies || []).map((q) => ({ label: q, value: q })));
}

async function send(text, postback) {
  if (!text.trim()) return;
  bubble(text, 'user');
  showButtons([]);
  const body = { userId, text, locale, messageId: crypto.randomUUID() };
  if (postback) body.postback = postback;
  try {
    const res = await fetch('/api/web/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(json.error?.message || res.statusText);
    show(json.replies);
    seen += json.replies.length;
  } catch {
    bubble((UI[locale] || UI['zh-CN']).error, 'error');
  }
}

// Proactive messages arrive in the outbox; read only what is new since the last look.
async function poll() {
  try {
    const res = await fetch(`/api/web/messages?userId=${encodeURIComponent(userId)}&after=${seen}`);
    if (res.ok) {
      const { messages } = await res.json();
      if (messages.length) {
        show(messages);
        seen += messages.length;
      }
    }
  } finally {
    setTimeout(poll, document.hidden ? 15000 : 3000);
  }
}

$('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = input.value;
  input.value = '';
  send(text);
});
localeSelect.addEventListener('change', () => {
  locale = localeSelect.value;
  localStorage.setItem('kefu.locale', locale);
  applyUi();
  send({ en: 'English please', 'zh-TW': '繁體中文', 'zh-CN': '说中文' }[locale]);
});

applyUi();
// Show the history of this browser's conversation, then greet if it is new.
fetch(`/api/web/messages?userId=${encodeURIComponent(userId)}`)
  .then((r) => r.json())
  .then(({ messages }) => {
    seen = messages.length;
    if (messages.length) show(messages.slice(-20));
    else send((UI[locale] || UI['zh-CN']).greeting);
  })
  .finally(() => setTimeout(poll, 3000));
