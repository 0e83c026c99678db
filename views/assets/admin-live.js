/* global document, window, fetch, setTimeout */
/* Webhooks settings, the parts that follow the server while a page is open (issue 29): the URL
 * field shown on demand, Resend with its outcome, list rows kept current, what a resume sent, the
 * preview docked beside the template on a phone. Progressive enhancement only; text goes in with
 * textContent, never innerHTML. */
(function () {
  'use strict';
  var root = document.querySelector('.wh');
  if (!root) return;
  var api = root.getAttribute('data-api');
  var csrf = root.getAttribute('data-csrf');
  var POLL_MS = 2000;

  function getJson(path) {
    return fetch(api + path, { credentials: 'same-origin', headers: { accept: 'application/json' } }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    });
  }
  function postJson(path) {
    return fetch(api + path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, accept: 'application/json' },
      body: '{}',
    }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    });
  }

  // ---- The URL field: masked (it is a credential), shown while the admin checks what they typed ----
  var reveal = document.getElementById('wh-url-reveal');
  var urlInput = document.getElementById('f-url');
  if (reveal && urlInput) {
    reveal.hidden = false;
    reveal.addEventListener('click', function () {
      var show = urlInput.type === 'password';
      urlInput.type = show ? 'text' : 'password';
      reveal.textContent = reveal.getAttribute(show ? 'data-hide' : 'data-show');
      reveal.setAttribute('aria-pressed', show ? 'true' : 'false');
      urlInput.focus();
    });
    // Masked again before the form leaves, so a browser never offers to remember it as text.
    var form = document.getElementById('wh-form');
    if (form)
      form.addEventListener('submit', function () {
        urlInput.type = 'password';
      });
  }

  // ---- Resend from the log: the filters and the open row stay, the outcome shows when it comes ----
  document.querySelectorAll('form[data-resend]').forEach(function (f) {
    var id = f.getAttribute('data-resend');
    var answer = f.parentNode.querySelector('[data-testid=resend-answer]');
    var row = f.closest('.wh-log-row');
    f.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var button = f.querySelector('button');
      button.disabled = true;
      answer.textContent = answer.getAttribute('data-queued');
      var before = null;
      getJson('/deliveries/' + id)
        .then(function (d) {
          before = d.delivery.attempts;
          return postJson('/deliveries/' + id + '/replay');
        })
        .then(function () {
          var tries = 0;
          (function poll() {
            getJson('/deliveries/' + id)
              .then(function (d) {
                var s = d.delivery.status;
                var settled = s === 'delivered' || s === 'dead' || (s === 'failed' && d.delivery.attempts > before);
                if (!settled) {
                  if (++tries === 15) answer.textContent = answer.getAttribute('data-waiting');
                  setTimeout(poll, POLL_MS);
                  return;
                }
                var words = answer.getAttribute('data-word-' + s) || s;
                var code = d.delivery.lastStatusCode ? ' (HTTP ' + d.delivery.lastStatusCode + ')' : '';
                var err = s !== 'delivered' && d.delivery.lastError ? ' — ' + d.delivery.lastError : '';
                answer.textContent = answer.getAttribute('data-outcome') + ' ' + words + code + err;
                answer.className = 'wh-small wh-resend-answer ' + (s === 'delivered' ? 'wh-ok-text' : 'wh-danger-text');
                if (row) {
                  row.setAttribute('data-status', s);
                  var badge = row.querySelector('summary .wh-status');
                  if (badge) {
                    badge.className = 'wh-status wh-status-' + s;
                    badge.textContent = words;
                  }
                }
                button.disabled = false;
              })
              .catch(function () {
                setTimeout(poll, POLL_MS * 2);
              });
          })();
        })
        .catch(function () {
          answer.textContent = answer.getAttribute('data-failed');
          button.disabled = false;
        });
    });
  });

  // ---- The webhook list: rows follow the deliveries without a reload; a resume says what it sent ----
  var rows = document.querySelectorAll('tr[data-webhook-id]');
  if (rows.length) {
    var ids = Array.prototype.map.call(rows, function (r) {
      return r.getAttribute('data-webhook-id');
    });
    var store = window.sessionStorage;
    var resumedKey = 'wh-resumed-' + api;
    var resumed = {};
    try {
      resumed = JSON.parse(store.getItem(resumedKey) || '{}') || {};
    } catch {
      resumed = {};
    }
    // Resume or re-enable: the server's time is kept for the page that follows, which asks what was sent since.
    document.querySelectorAll('form[data-resume]').forEach(function (f) {
      f.addEventListener('submit', function (ev) {
        if (ev.defaultPrevented) return;
        resumed[f.getAttribute('data-resume')] = window.whServerNow || null;
        store.setItem(resumedKey, JSON.stringify(resumed));
      });
    });
    var since = null;
    Object.keys(resumed).forEach(function (k) {
      if (resumed[k] && (since === null || resumed[k] < since)) since = resumed[k];
    });
    var tick = function () {
      getJson('/webhooks/activity?ids=' + ids.join(',') + (since !== null ? '&since=' + since : ''))
        .then(function (a) {
          window.whServerNow = a.now;
          a.items.forEach(function (it) {
            var tr = document.querySelector('tr[data-webhook-id="' + it.id + '"]');
            if (!tr) return;
            var caption = tr.querySelector('[data-live=caption]');
            if (caption) caption.textContent = it.caption;
            var last = tr.querySelector('[data-live=last]');
            // A held row keeps the server's words ("Held") until the webhook sends again.
            if (last && it.last && it.state === 'active') {
              last.textContent = '';
              var badge = document.createElement('span');
              badge.className = 'wh-status wh-status-' + it.last.status;
              badge.textContent = it.last.statusText;
              var when = document.createElement('div');
              when.className = 'wh-small wh-muted';
              when.textContent = it.last.when + (it.last.code ? ' · HTTP ' + it.last.code : '');
              last.appendChild(badge);
              last.appendChild(when);
            }
            var sent = tr.querySelector('[data-live=sent]');
            if (sent && it.sent && resumed[it.id] && it.sent.deliveries > 0) sent.textContent = it.sent.text;
          });
        })
        .catch(function () {
          /* the next tick tries again */
        })
        .then(function () {
          setTimeout(tick, POLL_MS);
        });
    };
    tick();
    // What a resume sent is said once, on the page that follows it.
    if (since !== null)
      setTimeout(function () {
        store.removeItem(resumedKey);
      }, 60000);
  }

  // ---- Phone: the preview docks at the bottom of the screen, beside the template being typed ----
  var dock = document.getElementById('wh-preview-dock');
  var side = document.querySelector('.wh-side');
  if (dock && side) {
    dock.hidden = false;
    // The template last typed in: docking brings it to the top, above the docked preview.
    var lastField = document.querySelector('textarea[data-template]');
    document.addEventListener('focusin', function (ev) {
      if (ev.target.matches && ev.target.matches('#wh-form textarea, #wh-form input[type=text]')) lastField = ev.target;
    });
    dock.addEventListener('click', function () {
      var on = !side.classList.contains('is-docked');
      side.classList.toggle('is-docked', on);
      root.classList.toggle('has-docked-preview', on);
      dock.setAttribute('aria-expanded', on ? 'true' : 'false');
      dock.textContent = dock.getAttribute(on ? 'data-hide' : 'data-show');
      if (on && lastField) {
        lastField.scrollIntoView({ block: 'start' });
        lastField.focus({ preventScroll: true });
      }
    });
  }
})();
