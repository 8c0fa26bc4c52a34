/*
 * deskbot web chat: code shared by the employee page (chat.js) and the agents' room
 * (agents.js). The protocol is docs/webchat-protocol.md. Everything is in window.deskbot.
 *
 * Stable hooks for the end-to-end tests:
 *   #status           connection status: its text, and data-state = connecting | connected
 *                     | offline | failed
 *   #user             the signed-in user's name (welcome.user.name)
 *   #log .entry       the shown room's entries. On the employee page #log is itself the
 *                     role="log" list; on the agents' page it holds the shown room's list,
 *                     a .room-log[data-room] with role="log". So use `#log .entry`.
 *   .entry            data-seq, data-room, data-id (when the entry has an id); class
 *                     from-user or from-bot; class waiting while a click on it is unanswered
 *   .entry.pending    a message typed but not yet in the history: data-client-id = the
 *                     frame's id, a .state label "sending…". It becomes .entry.failed (no
 *                     longer .pending) when the server refuses it; .state then says why.
 *   .entry .card      a card: .card-title and a <dl> of fields
 *   .entry button     an entry's buttons: data-name = the button's name; class btn and
 *                     default | primary | danger
 *   .entry-error      why a click was refused
 *   #composer textarea, #composer button[type=submit]      (employee page)
 *   #typing           "deskbot is typing…" for the shown room; empty otherwise
 *   #notice.notice    the last notice; empty when there is none
 *   #rooms button[data-room]   the room switcher (agents): aria-pressed, .badge = unread
 *   .note-form textarea, .note-form button[type=submit], .note-form button.cancel
 *   #fatal            shown, and #app hidden, when the sign-in is unauthorized or expired
 */
(function () {
  'use strict';

  var STATUS = {
    connecting: 'Connecting…',
    connected: 'Connected',
    offline: 'Offline — messages will be sent when the connection returns',
    failed: 'Signed out'
  };

  /* Storage may be unavailable (privacy settings); then nothing outlives the page. */
  function load(kind, key) {
    try { return JSON.parse(window[kind + 'Storage'].getItem(key)); } catch (e) { return null; }
  }
  function save(kind, key, value) {
    try {
      if (value == null) window[kind + 'Storage'].removeItem(key);
      else window[kind + 'Storage'].setItem(key, JSON.stringify(value));
    } catch (e) { /* not kept */ }
  }
  function loadList(key) {
    var list = load('local', key);
    return Array.isArray(list) ? list : [];
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = String(text);
    return node;
  }

  /* A frame id. crypto.randomUUID exists only in secure contexts (https, localhost). */
  function newId() {
    if (window.crypto.randomUUID) return 'c-' + crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return 'c-' + Array.prototype.map.call(bytes, function (b) {
      return (b + 256).toString(16).slice(1);
    }).join('');
  }

  /* The session token: from ?token= (then kept in sessionStorage and taken out of the
     address bar), else from sessionStorage. */
  function takeToken(key) {
    var params = new URLSearchParams(location.search);
    var token = params.get('token');
    if (!token) return load('session', key);
    save('session', key, token);
    params.delete('token');
    var query = params.toString();
    history.replaceState(history.state, '', location.pathname + (query ? '?' + query : '') + location.hash);
    return token;
  }

  /* The username in a token (v1.<role>.<base64url username>.<expires>.<signature>), to find
     the outbox before welcome. Null when it cannot be read; welcome tells it anyway. */
  function tokenUser(token) {
    try {
      var b64 = token.split('.')[2].replace(/-/g, '+').replace(/_/g, '/');
      return new TextDecoder().decode(Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); }));
    } catch (e) { return null; }
  }

  /* ---- Markup: **bold**, "- " list lines, [label](https://…) links; the rest is text. ---- */

  function inline(parent, text) {
    var re = /\*\*(.+?)\*\*|\[([^\]\n]+)\]\((https:\/\/[^\s)]+)\)/g, last = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      if (m[1] !== undefined) inline(parent.appendChild(el('strong')), m[1]);
      else parent.appendChild(link(m[2], m[3]) || document.createTextNode(m[0]));
      last = re.lastIndex;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function link(label, href) {
    try { if (new URL(href).protocol !== 'https:') return null; } catch (e) { return null; }
    return Object.assign(el('a', null, label), { href: href, rel: 'noopener noreferrer', target: '_blank' });
  }

  /* Lines become paragraphs (a blank line separates them, a single newline is a <br>);
     consecutive "- " lines become a list. */
  function markup(text) {
    var frag = document.createDocumentFragment(), para = null, list = null;
    String(text).replace(/\r\n?/g, '\n').split('\n').forEach(function (line) {
      if (line.slice(0, 2) === '- ') {
        para = null;
        if (!list) list = frag.appendChild(el('ul'));
        inline(list.appendChild(el('li')), line.slice(2));
      } else if (!line.trim()) {
        para = list = null;
      } else {
        list = null;
        if (para) para.appendChild(el('br'));
        else para = frag.appendChild(el('p'));
        inline(para, line);
      }
    });
    return frag;
  }

  /* ---- Entries ---- */

  function timeOf(at) {
    var date = new Date(at * 1000);
    var text = date.toDateString() === new Date().toDateString()   // today: the time only
      ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
      : date.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
    return Object.assign(el('time', null, text), { dateTime: date.toISOString() });
  }

  /* One entry's element. onButton(node, button, buttonElement) runs on a button press. */
  function renderEntry(entry, onButton) {
    var user = entry.from === 'user';
    var node = el('div', 'entry ' + (user ? 'from-user' : 'from-bot'));
    node.dataset.seq = entry.seq;
    if (entry.id) node.dataset.id = entry.id;
    var bubble = node.appendChild(el('div', 'bubble'));
    bubble.appendChild(el('span', 'sr-only', user ? 'You: ' : 'deskbot: '));
    if (entry.card) {
      var card = bubble.appendChild(el('div', 'card'));
      card.appendChild(el('h2', 'card-title', entry.card.title || ''));
      var dl = card.appendChild(el('dl'));
      (entry.card.fields || []).forEach(function (f) {
        dl.appendChild(el('dt', null, f[0]));
        dl.appendChild(el('dd', null, f[1]));
      });
    }
    if (entry.text) {
      // What the employee typed is shown as typed; only the bot's text is markup.
      if (user) bubble.appendChild(el('div', 'text', entry.text));
      else bubble.appendChild(el('div', 'text')).appendChild(markup(entry.text));
    }
    if (entry.buttons && entry.buttons.length) {
      var row = bubble.appendChild(el('div', 'buttons'));
      entry.buttons.forEach(function (b) {
        var style = b.style === 'primary' || b.style === 'danger' ? b.style : 'default';
        var btn = row.appendChild(el('button', 'btn ' + style, b.label || b.name));
        btn.type = 'button';
        btn.dataset.name = b.name || '';
        btn.addEventListener('click', function () { onButton(node, b, btn); });
      });
    }
    if (entry.at > 0 && entry.at < 1e11) node.appendChild(timeOf(entry.at));
    return node;
  }

  /* While a click on an entry waits for its answer, the entry's controls are disabled.
     Focus moves to the entry itself, so that keyboard users keep their place. */
  function hold(node) {
    if (node.contains(document.activeElement)) {
      node.tabIndex = -1;
      node.focus({ preventScroll: true });
    }
    var old = node.querySelector('.entry-error');
    if (old) old.remove();
    setDisabled(node, true);
  }
  function release(node, message) {
    setDisabled(node, false);
    if (message) node.appendChild(el('p', 'entry-error', message)).setAttribute('role', 'alert');
  }
  function setDisabled(node, on) {
    node.classList.toggle('waiting', on);
    node.querySelectorAll('button, textarea').forEach(function (c) { c.disabled = on; });
  }

  /* One room's history, shown in `node`: entries in seq order, each seq once, then the
     pending bubbles of messages not yet in the history. */
  function RoomLog(room, node, onButton) {
    this.room = room;
    this.node = node;
    this.onButton = onButton;     // (node, button, buttonElement, room)
    this.entries = new Map();     // seq → entry
    this.lastSeq = 0;
    this.pending = new Map();     // frame id → pending bubble
  }

  /* Adds an entry from the server; false when its seq was seen already. */
  RoomLog.prototype.add = function (entry) {
    if (!(entry.seq > this.lastSeq)) return false;
    this.lastSeq = entry.seq;
    this.entries.set(entry.seq, entry);
    var self = this;
    var node = renderEntry(entry, function (n, b, btn) { self.onButton(n, b, btn, self.room); });
    node.dataset.room = this.room;
    var mine = entry.from === 'user' && entry.client_id && this.pending.get(entry.client_id);
    if (mine) {
      this.pending.delete(entry.client_id);
      mine.remove();
    }
    var old = entry.replaces ? this.find(entry.replaces) : null;
    if (old) {
      var focused = old.contains(document.activeElement);
      old.replaceWith(node);
      if (focused) {
        node.tabIndex = -1;
        node.focus({ preventScroll: true });
      }
    } else {
      this.node.insertBefore(node, this.node.querySelector('.pending'));
      this.scrollToEnd();
    }
    return true;
  };

  RoomLog.prototype.find = function (id) {
    for (var n = this.node.firstElementChild; n; n = n.nextElementSibling)
      if (n.dataset.id === id && !n.classList.contains('pending')) return n;
    return null;
  };

  RoomLog.prototype.addPending = function (frame) {
    if (this.pending.has(frame.id)) return;
    var node = el('div', 'entry from-user pending');
    node.dataset.clientId = frame.id;
    node.appendChild(el('div', 'bubble')).appendChild(el('div', 'text', frame.text));
    node.appendChild(el('span', 'state', 'sending…'));
    this.pending.set(frame.id, node);
    this.node.appendChild(node);
    this.scrollToEnd();
  };

  RoomLog.prototype.fail = function (id, message) {
    var node = this.pending.get(id);
    if (!node) return;
    this.pending.delete(id);
    node.classList.replace('pending', 'failed');
    node.querySelector('.state').textContent = 'Not sent: ' + message;
  };

  RoomLog.prototype.scrollToEnd = function () { this.node.scrollTop = this.node.scrollHeight; };

  /* ---- The outbox ----
     Frames sent and not yet acknowledged, in order, kept in localStorage under
     deskbot.outbox.<role>.<username> so that a reload sends them again. Until the username
     is known (a trusted-header sign-in, before welcome) they are kept in memory only.
     Each change is made both in memory and to what is stored, so that two tabs of one user
     do not erase each other's frames (a frame sent by both is run once by the server). */
  function Outbox(role) {
    this.base = 'deskbot.outbox.' + role;
    this.key = null;
    this.items = [];
  }
  Outbox.prototype.edit = function (change) {
    this.items = change(this.items);
    if (this.key) save('local', this.key, change(loadList(this.key)));
  };
  Outbox.prototype.add = function (frame) {
    this.edit(function (list) { return list.concat([frame]); });
  };
  Outbox.prototype.has = function (id) {
    return this.items.some(function (f) { return f.id === id; });
  };
  Outbox.prototype.remove = function (id) {
    function without(list) { return list.filter(function (f) { return f.id !== id; }); }
    if (this.has(id)) this.edit(without);
  };
  Outbox.prototype.adopt = function (username) {
    var key = this.base + '.' + username;
    if (!username || key === this.key) return;
    var stored = loadList(key).filter(function (f) { return f && typeof f.id === 'string'; });
    var ids = stored.map(function (f) { return f.id; });
    this.items = stored.concat(this.items.filter(function (f) { return ids.indexOf(f.id) < 0; }));
    this.key = key;
    save('local', key, this.items);
  };

  /* ---- The connection ----
     opts: role ('employee' | 'agent'), signin (where to go without a token), hint (the
     advice under the fatal message), current() (the room on screen), onWelcome(frame) and
     onEntry(entry) (an entry that was added). Returns the app: logs (room → RoomLog, the
     page fills it), user, say(text), click(node, button, extra), refresh(), clearNotice(). */
  function start(opts) {
    var tokenKey = 'deskbot.token.' + opts.role;
    var token = takeToken(tokenKey);
    var outbox = new Outbox(opts.role);
    if (token) outbox.adopt(tokenUser(token));
    var app = { logs: new Map(), user: null };
    var statusEl = document.getElementById('status');
    var ws = null, welcomed = false, stopped = false;
    var attempt = 0, reconnectTimer = 0, retryTimer = 0;
    var inflight = new Set();   // ids sent on this connection and not yet answered
    var held = new Map();       // click id → the entry whose buttons wait for it
    var typing = new Set();     // rooms where the bot is typing

    function setStatus(state) {
      statusEl.dataset.state = state;
      statusEl.textContent = STATUS[state];
    }

    function connect() {
      reconnectTimer = 0;
      var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
      var sock = ws = new WebSocket(url, 'deskbot.v1');
      sock.onopen = function () {
        var since = {};
        app.logs.forEach(function (log, room) { if (log.lastSeq) since[room] = log.lastSeq; });
        sock.send(JSON.stringify({ type: 'hello', v: 1, token: token || null, since: since }));
      };
      sock.onmessage = function (e) {
        var frame;
        try { frame = JSON.parse(e.data); } catch (err) { return; }
        if (sock === ws && frame && typeof frame === 'object') handle(frame);
      };
      sock.onclose = function (e) {
        if (sock !== ws || stopped) return;
        var hadWelcome = welcomed;
        ws = null;
        welcomed = false;
        inflight.clear();
        typing.clear();
        renderTyping();
        // A failed hello closes with 1008, normally after an error frame (handled there).
        // After a welcome, 1008 means "too many dropped frames": just reconnect.
        if (e.code === 1008 && !hadWelcome) return fatal('unauthorized');
        setStatus('offline');
        var delay = Math.min(10000, 500 * Math.pow(2, attempt++));
        reconnectTimer = setTimeout(connect, delay / 2 + Math.random() * delay / 2);
      };
    }

    function handle(f) {
      if (f.type === 'welcome') {
        welcomed = true;
        attempt = 0;
        app.user = f.user || {};
        setStatus('connected');
        outbox.adopt(app.user.username);
        if (opts.onWelcome) opts.onWelcome(f);
        outbox.items.forEach(showPending);   // from before a reload
        flush();
      } else if (f.type === 'entry') {
        if (typing.delete(f.room)) renderTyping();
        // Our own message in the history was committed: no need to send it again.
        if (f.client_id) outbox.remove(f.client_id);
        var log = app.logs.get(f.room);
        if (log && log.add(f) && opts.onEntry) opts.onEntry(f);
      } else if (f.type === 'typing') {
        typing.add(f.room);
        renderTyping();
      } else if (f.type === 'ack') {
        // A duplicate or a click may end with no entry: the bot is not typing any more.
        if (typing.size) { typing.clear(); renderTyping(); }
        settle(f.id, null);
      } else if (f.type === 'notice') {
        notice(f);
      } else if (f.type === 'error') {
        error(f);
      }
    }

    function error(f) {
      if (typing.size) { typing.clear(); renderTyping(); }
      if (f.code === 'expired' || (f.code === 'unauthorized' && (!welcomed || !f.id))) return fatal(f.code);
      if (!f.id) return console.warn('deskbot:', f.code, f.message);
      if (f.code === 'rate_limited' || f.code === 'busy') {
        // Dropped, nothing kept: send it again a little later, with whatever else waits.
        inflight.delete(f.id);
        if (!retryTimer) retryTimer = setTimeout(flush, 1000 + Math.random() * 1000);
        return;
      }
      settle(f.id, f.message || f.code);   // too_long, bad_frame, unauthorized…: give up
    }

    /* The frame `id` is done: acknowledged (message null) or refused for good. */
    function settle(id, message) {
      outbox.remove(id);
      inflight.delete(id);
      var node = held.get(id);
      if (message != null) {
        app.logs.forEach(function (log) { log.fail(id, message); });
        held.delete(id);
        if (node) release(node, message);
      } else if (node) {
        // A clicked entry is normally replaced by its outcome. If it is not (a refusal
        // comes as a notice, which releases it at once), give its buttons back later.
        setTimeout(function () {
          if (held.get(id) !== node) return;
          held.delete(id);
          release(node);
        }, 10000);
      }
    }

    function flush() {
      clearTimeout(retryTimer);
      retryTimer = 0;
      if (!welcomed) return;
      outbox.items.forEach(function (f) {
        if (inflight.has(f.id)) return;
        inflight.add(f.id);
        ws.send(JSON.stringify(f));
      });
    }

    function queue(frame) {
      outbox.add(frame);
      showPending(frame);
      flush();
    }

    function showPending(frame) {
      var log = app.logs.get(opts.current());
      if (frame.type === 'say' && log) log.addPending(frame);
    }

    function renderTyping() {
      var node = document.getElementById('typing');
      var text = typing.has(opts.current()) ? 'deskbot is typing…' : '';
      if (node && node.textContent !== text) node.textContent = text;
    }

    function notice(f) {
      held.forEach(function (node) { release(node); });
      held.clear();
      var node = document.getElementById('notice');
      var where = f.room && f.room !== opts.current() ? f.room + ': ' : '';
      if (node) node.textContent = where + (f.text || '');
    }

    function clearNotice() {
      var node = document.getElementById('notice');
      if (node) node.textContent = '';
    }

    /* unauthorized or expired: no more reconnecting. Without a token, go and get one. */
    function fatal(code) {
      stopped = true;
      clearTimeout(reconnectTimer);
      clearTimeout(retryTimer);
      if (ws) {
        var sock = ws;
        ws = null;
        sock.close();
      }
      if (!token) return location.replace(opts.signin);
      save('session', tokenKey, null);   // a reload then goes to sign in
      setStatus('failed');
      var box = Object.assign(el('section'), { id: 'fatal' });
      box.setAttribute('role', 'alert');
      box.appendChild(el('h2', null, code === 'expired' ? 'Your sign-in link has expired'
                                                        : 'This sign-in link is not valid'));
      box.appendChild(el('p', null, opts.hint));
      var again = box.appendChild(el('p')).appendChild(el('a', null, 'How to sign in'));
      again.href = opts.signin;
      var main = document.getElementById('app');
      main.hidden = true;
      main.after(box);
    }

    app.say = function (text) {
      queue({ type: 'say', id: newId(), text: text });
    };
    app.click = function (node, button, extra) {
      var frame = Object.assign({ type: 'click', id: newId(), action: button.action }, extra);
      clearNotice();
      hold(node);
      held.set(frame.id, node);
      queue(frame);
    };
    app.refresh = renderTyping;
    app.clearNotice = clearNotice;

    // Back online: try now instead of waiting for the backoff.
    window.addEventListener('online', function () {
      if (!reconnectTimer) return;
      clearTimeout(reconnectTimer);
      attempt = 0;
      connect();
    });
    setStatus('connecting');
    connect();
    // Messages queued before a reload show at once, once the page has made its logs.
    Promise.resolve().then(function () { outbox.items.forEach(showPending); });
    return app;
  }

  window.deskbot = {
    el: el, load: load, save: save, newId: newId, markup: markup,
    renderEntry: renderEntry, RoomLog: RoomLog, start: start
  };
})();
