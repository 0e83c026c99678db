/* global document, window, fetch */
// Modules pages: the .tgz upload goes as the request body (no multipart parser on the host),
// and destructive forms ask first.
(function () {
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      if (!window.confirm(form.getAttribute('data-confirm'))) e.preventDefault();
    });
  });
  var upload = document.querySelector('form[data-upload]');
  if (!upload) return;
  upload.addEventListener('submit', function (e) {
    e.preventDefault();
    var input = upload.querySelector('input[type=file]');
    var file = input && input.files && input.files[0];
    if (!file) return;
    var button = upload.querySelector('button');
    button.disabled = true;
    button.textContent = upload.getAttribute('data-sending');
    fetch('/admin/module-upload?name=' + encodeURIComponent(file.name), {
      method: 'POST',
      headers: { 'content-type': 'application/gzip', 'x-csrf-token': upload.querySelector('input[name=_csrf]').value },
      body: file,
      credentials: 'same-origin',
    }).then(
      function () {
        window.location.assign('/admin/modules');
      },
      function () {
        window.location.assign('/admin/modules');
      },
    );
  });
})();
