/* deskbot web chat: the employee page (index.html). One room, "me". */
(function () {
  'use strict';
  var d = window.deskbot;
  var form = document.getElementById('composer');
  var input = document.getElementById('message');

  var app = d.start({
    role: 'employee',
    signin: '/signin',
    hint: 'Please ask the IT help desk for a new sign-in link, then open it in this browser.',
    current: function () { return 'me'; },
    onWelcome: function (w) {
      var user = w.user || {};
      document.getElementById('user').textContent = user.name || user.username || '';
    }
  });
  app.logs.set('me', new d.RoomLog('me', document.getElementById('log'), function (node, button) {
    app.click(node, button, {});
  }));

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (text) {
      app.say(text);
      input.value = '';
    }
    input.focus();
  });

  // Enter sends and Shift+Enter starts a new line. While an input method is composing
  // (Chinese, Japanese…), Enter confirms the composition and must not send.
  input.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    if (form.requestSubmit) form.requestSubmit();
    else form.dispatchEvent(new Event('submit', { cancelable: true }));
  });
})();
