/**
 * /demo-chat.js: the inbox page's chat-client side. A click on a drawn button (or Enter in a Slack
 * answer field) asks the inbox to send the platform's signed interaction (POST /demo/<platform>);
 * the answer says what to show: a modal (a <dialog>, its submit sent the same way), a note only
 * the clicking user sees, or the message in its new state (the page reloads). While a modal is
 * open the page's own refresh holds (window.inboxHold), so typing is never lost.
 */
export const demoChatScript = `(function () {
  'use strict';
  var words = document.getElementById('demo-chat');
  if (!words) return;
  var w = function (k) { return words.getAttribute('data-' + k) || ''; };
  function send(platform, body) {
    return fetch('/demo/' + platform, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (j) { return r.ok ? j : { show: 'note', text: w('failed') + ' ' + (j.error || r.status) }; }); })
      .catch(function () { return { show: 'note', text: w('failed') }; });
  }
  function note(card, text) {
    if (!card) return;
    var old = card.querySelector('.note');
    if (old) old.remove();
    var n = document.createElement('div');
    n.className = 'note';
    n.setAttribute('role', 'status');
    n.setAttribute('data-testid', 'demo-note');
    var b = document.createElement('b');
    b.textContent = w('only-you');
    n.appendChild(b);
    n.appendChild(document.createTextNode(text));
    card.querySelector('.main').appendChild(n);
  }
  function show(a, card) {
    if (!a) return;
    if (a.show === 'modal') return modal(a, card);
    if (a.show === 'note') return note(card, a.text);
    if (a.show === 'updated') window.location.reload();
  }
  function modal(a, card) {
    window.inboxHold = true;
    var d = document.createElement('dialog');
    d.className = 'demo ' + a.platform;
    d.setAttribute('aria-labelledby', 'demo-modal-title');
    d.setAttribute('data-testid', 'demo-modal');
    var f = document.createElement('form');
    var h = document.createElement('h2');
    h.id = 'demo-modal-title';
    h.textContent = a.title;
    var l = document.createElement('label');
    l.setAttribute('for', 'demo-modal-input');
    l.textContent = a.label;
    var t = document.createElement('textarea');
    t.id = 'demo-modal-input';
    t.required = true;
    t.maxLength = a.maxLength;
    var err = document.createElement('p');
    err.className = 'err';
    err.setAttribute('role', 'alert');
    var acts = document.createElement('div');
    acts.className = 'acts';
    var cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = a.platform === 'slack' ? 'sbtn' : 'dbtn';
    cancel.textContent = a.close || w('cancel');
    var ok = document.createElement('button');
    ok.type = 'submit';
    ok.className = a.platform === 'slack' ? 'sbtn p' : 'dbtn p';
    ok.textContent = a.submit || w('submit');
    acts.appendChild(cancel);
    acts.appendChild(ok);
    [h, l, t, err, acts].forEach(function (e) { f.appendChild(e); });
    d.appendChild(f);
    document.body.appendChild(d);
    var done = function () { d.close(); d.remove(); window.inboxHold = false; };
    cancel.addEventListener('click', done);
    d.addEventListener('cancel', function () { d.remove(); window.inboxHold = false; });
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      ok.disabled = true;
      send(a.platform, { seq: a.seq, id: a.id, content: t.value }).then(function (r) {
        ok.disabled = false;
        if (a.platform === 'slack' && r.show === 'note') { err.textContent = r.text; return; }
        done();
        show(r, card);
      });
    });
    d.showModal();
    t.focus();
  }
  document.addEventListener('click', function (e) {
    var b = e.target.closest && e.target.closest('button[data-demo]');
    if (!b || b.disabled) return;
    var card = b.closest('article');
    b.disabled = true;
    send(b.getAttribute('data-demo'), { seq: Number(b.getAttribute('data-seq')), id: b.getAttribute('data-id'), value: b.getAttribute('data-value') || '' })
      .then(function (a) { b.disabled = false; show(a, card); });
  });
  document.addEventListener('submit', function (e) {
    var f = e.target.closest && e.target.closest('form[data-demo]');
    if (!f) return;
    e.preventDefault();
    var input = f.querySelector('input');
    send('slack', { seq: Number(f.getAttribute('data-seq')), id: f.getAttribute('data-id'), value: input.value, input: true })
      .then(function (a) { if (a.show !== 'note') input.value = ''; show(a, f.closest('article')); });
  });
})();
`;
