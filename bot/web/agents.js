/* deskbot web chat: the agents' room (agents.html). One room (group) is shown at a time;
   the others count their unread entries. There is no composer: agents act by buttons. */
(function () {
  'use strict';
  var d = window.deskbot, el = d.el;
  var nav = document.getElementById('rooms');
  var box = document.getElementById('log');
  var current = null;
  var read = {};     // room → the last seq shown on screen; kept per agent in localStorage
  var unread = {};   // room → entries since
  var readKey = null;
  var forms = 0;     // makes the note forms' ids unique

  var app = d.start({
    role: 'agent',
    signin: '/signin?page=agents',
    hint: 'Please ask your deskbot administrator for a new agents\u2019 link ' +
          '(deskbot webchat-link --agent NAME), then open it in this browser.',
    current: function () { return current; },
    onWelcome: welcome,
    onEntry: entry
  });

  function welcome(w) {
    var user = w.user || {};
    var rooms = Array.isArray(w.rooms) ? w.rooms : [];
    document.getElementById('user').textContent = user.name || user.username || '';
    readKey = 'deskbot.read.' + user.username;
    read = d.load('local', readKey) || {};
    rooms.forEach(function (room) {
      if (app.logs.has(room)) return;
      var node = el('div', 'room-log');
      node.dataset.room = room;
      node.tabIndex = 0;   // it scrolls: keyboard users must reach it
      node.setAttribute('role', 'log');
      node.setAttribute('aria-live', 'polite');
      node.setAttribute('aria-label', 'Room ' + room);
      app.logs.set(room, new d.RoomLog(room, node, onButton));
    });
    nav.replaceChildren.apply(nav, rooms.map(roomButton));
    var saved = d.load('session', 'deskbot.agent.room');
    show(rooms.indexOf(current) >= 0 ? current : rooms.indexOf(saved) >= 0 ? saved : rooms[0] || null);
  }

  function roomButton(room) {
    var b = el('button', 'btn room');
    b.type = 'button';
    b.dataset.room = room;
    b.appendChild(el('span', 'room-name', room));
    b.appendChild(el('span', 'badge'));
    b.addEventListener('click', function () { show(room); });
    return b;
  }

  function show(room) {
    var log = room && app.logs.get(room);
    current = room;
    if (room) d.save('session', 'deskbot.agent.room', room);
    app.clearNotice();
    box.replaceChildren(log ? log.node : el('p', 'empty', 'You are not an agent of any group.'));
    if (log) {
      markRead();
      log.scrollToEnd();
    }
    paint();
    app.refresh();
  }

  function markRead() {
    unread[current] = 0;
    read[current] = app.logs.get(current).lastSeq;
    if (readKey) d.save('local', readKey, read);
  }

  function entry(e) {
    if (e.room === current) {
      markRead();
    } else if (e.seq > (read[e.room] || 0)) {
      unread[e.room] = (unread[e.room] || 0) + 1;
      paint();
    }
  }

  /* The room buttons: which is shown, and the unread counts of the others. */
  function paint() {
    nav.querySelectorAll('button[data-room]').forEach(function (b) {
      var room = b.dataset.room, n = room === current ? 0 : unread[room] || 0;
      var badge = b.querySelector('.badge');
      b.setAttribute('aria-pressed', String(room === current));
      badge.textContent = n ? (n > 99 ? '99+' : String(n)) : '';
      if (n) badge.appendChild(el('span', 'sr-only', ' unread'));
    });
  }

  function onButton(node, button, btn, room) {
    if (button.name === 'ticket.resolve') openNote(node, button, btn, room);
    else app.click(node, button, { room: room });
  }

  /* Resolve needs a note: a small form under the card collects it before the click. */
  function openNote(node, button, btn, room) {
    var form = node.querySelector('.note-form');
    app.clearNotice();
    if (form) return form.querySelector('textarea').focus();
    var id = 'note-' + ++forms;
    form = Object.assign(el('form', 'note-form'), { noValidate: true });   // checked below
    var note = Object.assign(el('textarea'), { id: id, rows: 3, required: true });
    var problem = Object.assign(el('p', 'form-error'), { id: id + '-error' });
    problem.setAttribute('role', 'alert');
    note.setAttribute('aria-describedby', problem.id);
    var row = el('div', 'form-buttons');
    row.appendChild(el('button', 'btn primary', 'Resolve')).type = 'submit';
    var cancel = row.appendChild(Object.assign(el('button', 'btn cancel', 'Cancel'), { type: 'button' }));
    form.append(Object.assign(el('label', null, 'Resolution note'), { htmlFor: id }), note, problem, row);

    function close() {
      form.remove();
      if (btn.isConnected) btn.focus();
    }
    cancel.addEventListener('click', close);
    note.addEventListener('keydown', function (e) { if (e.key === 'Escape') close(); });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var text = note.value.trim();
      if (!text) {
        problem.textContent = 'Please write a resolution note.';
        note.setAttribute('aria-invalid', 'true');
        note.focus();
        return;
      }
      problem.textContent = '';
      note.removeAttribute('aria-invalid');
      app.click(node, button, { room: room, note: text });
    });
    node.appendChild(form);
    note.focus({ preventScroll: true });
    form.scrollIntoView({ block: 'nearest' });
  }
})();
