/* global document, fetch */
// Simulator page: fire an event with fetch() (x-csrf-token header) and show the host's answer in place.
(function () {
  var out = document.getElementById('hs-sim-result');
  document.querySelectorAll('form[data-simulate]').forEach(function (form) {
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var text = form.querySelector('textarea').value.trim();
      var csrf = form.querySelector('input[name=_csrf]').value;
      var btn = form.querySelector('button');
      btn.disabled = true;
      fetch(form.action, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
        body: text,
      })
        .then(function (r) {
          return r.json().then(function (body) {
            return { status: r.status, body: body };
          });
        })
        .then(function (a) {
          out.className = 'hs-alert ' + (a.status === 202 ? 'hs-alert-ok' : 'hs-alert-error');
          out.textContent =
            a.status === 202
              ? form.getAttribute('data-sent').replace('{event}', a.body.event).replace('{eventId}', a.body.eventId)
              : form.getAttribute('data-rejected') +
                ' ' +
                (a.body.issues
                  ? a.body.issues
                      .map(function (i) {
                        return i.path + ': ' + i.message;
                      })
                      .join('\n')
                  : a.body.error);
        })
        .catch(function (e) {
          out.className = 'hs-alert hs-alert-error';
          out.textContent = String(e);
        })
        .finally(function () {
          btn.disabled = false;
        });
    });
  });
})();
