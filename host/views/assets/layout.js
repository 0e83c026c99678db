/* global document */
/* The admin's navigation on a phone: folded behind the Menu button until opened (it took about
 * 215 px above every page). Without this script the navigation simply stays open. */
(function () {
  'use strict';
  var side = document.querySelector('.hs-side');
  var button = document.getElementById('hs-menu');
  if (!side || !button) return;
  side.classList.add('is-collapsible');
  button.hidden = false;
  button.addEventListener('click', function () {
    var open = side.classList.toggle('is-open');
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
  });
})();
