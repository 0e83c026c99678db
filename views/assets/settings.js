/* global document, window, fetch, setTimeout, clearTimeout, FormData */
/* Webhooks settings: progressive enhancement only (every action also works as a plain form).
 * Untrusted text is only ever put in the page with textContent, never innerHTML. */
(function () {
  'use strict';
  var root = document.querySelector('.wh');
  if (!root) return;
  var api = root.getAttribute('data-api');
  var csrf = root.getAttribute('data-csrf');

  // On a phone the tab bar scrolls sideways: the page's own tab is brought into it (again when
  // the window narrows).
  var tabs = root.querySelector('.wh-tabs');
  var activeTab = tabs && tabs.querySelector('.wh-tab.is-active');
  function showActiveTab() {
    if (tabs && activeTab && tabs.scrollWidth > tabs.clientWidth)
      tabs.scrollLeft = Math.max(0, activeTab.offsetLeft - tabs.offsetLeft - (tabs.clientWidth - activeTab.offsetWidth) / 2);
  }
  showActiveTab();
  window.addEventListener('resize', showActiveTab);

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function post(path, body) {
    return fetch(api + path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, accept: 'application/json' },
      body: JSON.stringify(body),
    }).then(function (r) {
      return r.json().then(function (j) {
        return { status: r.status, json: j };
      });
    });
  }
  /** The form's fields as the server reads a posted form (repeated names as arrays). */
  function formFields(f) {
    var fields = {};
    new FormData(f).forEach(function (value, key) {
      if (key === '_csrf' || key === 'testEvent') return;
      if (fields[key] === undefined) fields[key] = value;
      else fields[key] = [].concat(fields[key], value);
    });
    return fields;
  }
  function debounce(fn, ms) {
    var t;
    return function () {
      clearTimeout(t);
      t = setTimeout(fn, ms);
    };
  }

  // Delete and other destructive forms ask first.
  document.querySelectorAll('form[data-confirm]').forEach(function (f) {
    f.addEventListener('submit', function (ev) {
      if (!window.confirm(f.getAttribute('data-confirm'))) ev.preventDefault();
    });
  });

  // ---- Message rendering like the platforms show it (text nodes only) ----
  function inline(parent, text, boldMark) {
    var re = boldMark === '*' ? /(\*[^*\n]+\*|<[^>|\s]+\|[^>]+>)/g : /(\*\*[^*]+\*\*|\[[^\]]+\]\([^)\s]+\))/g;
    var last = 0,
      m;
    while ((m = re.exec(text))) {
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      var tok = m[0];
      if (tok.charAt(0) === '*') parent.appendChild(el('strong', null, tok.replace(boldMark === '*' ? /^\*|\*$/g : /^\*\*|\*\*$/g, '')));
      else if (tok.charAt(0) === '[' || tok.charAt(0) === '<') {
        var a = el('a', null, tok.charAt(0) === '[' ? tok.slice(1, tok.indexOf('](')) : tok.slice(tok.indexOf('|') + 1, -1));
        a.href = '#';
        parent.appendChild(a);
      } else parent.appendChild(document.createTextNode(tok));
      last = m.index + tok.length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
    return parent;
  }
  function hexColor(n) {
    return typeof n === 'number' ? '#' + ('000000' + n.toString(16)).slice(-6) : null;
  }
  function slackDecode(s) {
    return String(s).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  }

  function renderDiscord(body, text) {
    var wrap = el('div', 'wh-dc');
    var av = el('div', 'wh-dc-avatar', (body.username || text.defaultName || 'W').charAt(0).toUpperCase());
    wrap.appendChild(av);
    var main = el('div', 'wh-dc-main');
    var head = el('div', 'wh-dc-head');
    head.appendChild(el('span', 'wh-dc-name', body.username || text.defaultName));
    head.appendChild(el('span', 'wh-dc-bot', text.bot));
    head.appendChild(el('span', 'wh-dc-time', text.today));
    main.appendChild(head);
    if (body.content) main.appendChild(inline(el('div', 'wh-dc-content'), String(body.content)));
    (body.embeds || []).forEach(function (e) {
      var box = el('div', 'wh-dc-embed');
      var c = hexColor(e.color);
      if (c) box.style.borderLeftColor = c;
      if (e.author && e.author.name) box.appendChild(el('div', 'wh-small', e.author.name));
      if (e.title) box.appendChild(inline(el('div', 'wh-dc-embed-title'), String(e.title)));
      if (e.description) box.appendChild(inline(el('div', 'wh-dc-embed-desc'), String(e.description)));
      if (e.fields && e.fields.length) {
        var grid = el('div', 'wh-dc-fields');
        e.fields.forEach(function (f) {
          var fe = el('div', 'wh-dc-field' + (f.inline ? '' : ' is-wide'));
          fe.appendChild(inline(el('b'), String(f.name)));
          fe.appendChild(inline(el('span'), String(f.value)));
          grid.appendChild(fe);
        });
        box.appendChild(grid);
      }
      if (e.footer && e.footer.text)
        box.appendChild(el('div', 'wh-dc-footer', e.footer.text + (e.timestamp ? ' • ' + new Date(e.timestamp).toLocaleString() : '')));
      main.appendChild(box);
    });
    wrap.appendChild(main);
    return wrap;
  }
  function renderSlack(body, text) {
    var wrap = el('div', 'wh-sl');
    wrap.appendChild(el('div', 'wh-sl-avatar', (body.username || 'W').charAt(0).toUpperCase()));
    var main = el('div', 'wh-dc-main');
    var head = el('div');
    head.appendChild(el('span', 'wh-sl-name', body.username || text.defaultName));
    head.appendChild(el('span', 'wh-sl-app', 'APP'));
    main.appendChild(head);
    main.appendChild(inline(el('div', 'wh-sl-text'), slackDecode(body.text || ''), '*'));
    wrap.appendChild(main);
    return wrap;
  }
  // Telegram's HTML subset drawn as Telegram shows it. The body is parsed in an inert document
  // (DOMParser: no script runs, nothing loads) and only the tags Telegram knows are rebuilt here,
  // text by text; anything else keeps its text only.
  var TG_TAGS = {
    B: 'strong',
    STRONG: 'strong',
    I: 'em',
    EM: 'em',
    U: 'u',
    INS: 'u',
    S: 's',
    STRIKE: 's',
    DEL: 's',
    CODE: 'code',
    PRE: 'pre',
    BLOCKQUOTE: 'blockquote',
    A: 'a',
  };
  function tgNodes(from, into) {
    Array.prototype.forEach.call(from.childNodes, function (n) {
      if (n.nodeType === 3) into.appendChild(document.createTextNode(n.nodeValue));
      else if (n.nodeType === 1) {
        var tag = TG_TAGS[n.tagName];
        var out = tag ? el(tag) : into;
        if (tag === 'a') out.href = '#';
        if (tag) into.appendChild(out);
        tgNodes(n, out);
      }
    });
  }
  function renderTelegram(body) {
    var wrap = el('div', 'wh-tg');
    var bubble = el('div', 'wh-tg-bubble');
    var text = String(body.text || '');
    if (body.parse_mode === 'HTML') tgNodes(new window.DOMParser().parseFromString('<body>' + text, 'text/html').body, bubble);
    else bubble.textContent = body.parse_mode === 'MarkdownV2' ? text.replace(/\\([_*[\]()~`>#+\-=|{}.!\\])/g, '$1') : text;
    wrap.appendChild(bubble);
    return wrap;
  }
  function renderGeneric(body) {
    var s = body.text || body.content || (body.attachments && JSON.stringify(body.attachments)) || JSON.stringify(body, null, 2);
    return el('div', 'wh-generic', s);
  }
  // Teams: the Adaptive Card drawn by Microsoft's own renderer (the `adaptivecards` package,
  // served by the host). Its TextBlocks are set as text (no markdown processor is installed), and
  // actions do nothing here: a preview never opens a link.
  var AC_HOST_CONFIG = {
    fontFamily: "'Segoe UI', system-ui, -apple-system, sans-serif",
    spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 30, padding: 16 },
    containerStyles: {
      default: {
        backgroundColor: '#FFFFFF',
        foregroundColors: {
          default: { default: '#242424', subtle: '#5C5C5C' },
          accent: { default: '#3D4BA3', subtle: '#3D4BA3' },
          attention: { default: '#B3261E', subtle: '#B3261E' },
          good: { default: '#0E6B0E', subtle: '#0E6B0E' },
          warning: { default: '#7A4A00', subtle: '#7A4A00' },
        },
      },
    },
    actions: { actionsOrientation: 'horizontal', actionAlignment: 'left', buttonSpacing: 8, maxActions: 5 },
  };
  // Teams draws a TextBlock's markdown subset (**bold**, _italic_, [text](url)). The text is
  // escaped first and only those marks become tags, so no customer text can become markup.
  function teamsMarkdown(text, result) {
    var safe = String(text)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;');
    result.outputHtml = safe
      .replace(/\*\*([^*\n]+)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|\s)_([^_\n]+)_(?=\s|$)/g, '$1<em>$2</em>')
      .replace(/\[([^\]\n]+)\]\([^)\s]+\)/g, '<u>$1</u>');
    result.didProcess = true;
  }
  function renderTeams(body) {
    var att = (body.attachments || [])[0];
    var AC = window.AdaptiveCards;
    if (!AC || !att || !att.content) return renderGeneric(body);
    AC.AdaptiveCard.onProcessMarkdown = teamsMarkdown;
    var card = new AC.AdaptiveCard();
    card.hostConfig = new AC.HostConfig(AC_HOST_CONFIG);
    card.onExecuteAction = function () {};
    var wrap = el('div', 'wh-teams');
    try {
      card.parse(att.content);
      var drawn = card.render();
      if (!drawn) return renderGeneric(body);
      wrap.appendChild(drawn);
    } catch {
      return renderGeneric(body);
    }
    return wrap;
  }
  // A body drawn the way its platform shows it; `style` is the platform's preview style (its definition in module/platforms/).
  var renderers = { card: renderTeams, embed: renderDiscord, mrkdwn: renderSlack, 'chat-card': renderSlack, 'bot-message': renderTelegram };
  window.whRender = function (style, body, text) {
    return (renderers[style] || renderGeneric)(body, text);
  };

  // ---- Create / edit form ----
  var form = document.getElementById('wh-form');
  var dataEl = document.getElementById('wh-form-data');
  // The URL typed before a refused save: the server never writes a URL into a page (it is a
  // credential), so the tab keeps it for the one page load that follows, then forgets it.
  var URL_KEY = 'wh-typed-url';
  var typedUrl;
  try {
    typedUrl = window.sessionStorage.getItem(URL_KEY);
    window.sessionStorage.removeItem(URL_KEY);
  } catch {
    typedUrl = null;
  }
  if (form && dataEl) {
    var data = JSON.parse(dataEl.textContent || '{}');
    var urlInput = document.getElementById('f-url');
    var platformSel = document.getElementById('f-platform');
    var detectedEl = document.getElementById('wh-detected');
    var previewEvent = document.getElementById('wh-preview-event');
    var previewRender = document.getElementById('wh-preview-render');
    var previewJson = document.getElementById('wh-preview-json');
    var unknownEl = document.getElementById('wh-unknown');
    var varsEl = document.getElementById('wh-vars');
    var detected = null;
    var lastTextarea = null;

    function checkedEvents() {
      return Array.prototype.map.call(form.querySelectorAll('input[name=events]:checked'), function (i) {
        return i.value;
      });
    }
    // Each event's template family, from its definition (module/events/).
    function familyOf(e) {
      return data.families[e];
    }
    // The platform the save would keep (as the server decides it): the chosen one, else what the
    // typed URL says (generic JSON when it says nothing), else the stored one; null while unknown.
    function knownPlatform() {
      if (platformSel.value !== 'auto') return platformSel.value;
      if (urlInput.value.trim()) return detected || (detectPending ? data.currentPlatform : data.fallbackPlatform);
      return data.currentPlatform || null;
    }
    function platform() {
      return knownPlatform() || data.firstPlatform;
    }
    // Only the options the platform reads and the filters the chosen events can use are shown.
    function refreshAdaptive() {
      var p = knownPlatform();
      form.querySelectorAll('[data-applies]').forEach(function (box) {
        if (box.hasAttribute('data-option-note')) return;
        box.hidden = !!p && box.getAttribute('data-applies').split(' ').indexOf(p) < 0;
      });
      var evs = checkedEvents();
      form.querySelectorAll('[data-filter-events]').forEach(function (box) {
        var for_ = box.getAttribute('data-filter-events').split(' ');
        box.hidden =
          evs.length > 0 &&
          !evs.some(function (e) {
            return for_.indexOf(e) >= 0;
          });
      });
    }
    // Says next to each option whether the chosen platform reads it (notes built by the server).
    function refreshOptionNotes() {
      // "auto" with no URL detected yet: no platform known, nothing to say.
      var known = knownPlatform();
      var notes = (known && (data.optionNotes || {})[known]) || {};
      form.querySelectorAll('[data-option-note]').forEach(function (n) {
        var note = notes[n.getAttribute('data-option-note')];
        n.textContent = note ? note.text : '';
        n.classList.toggle('wh-hidden', !n.textContent);
      });
    }
    function refreshEvents() {
      var evs = checkedEvents();
      var families = {};
      evs.forEach(function (e) {
        families[familyOf(e)] = true;
      });
      form.querySelectorAll('.wh-template').forEach(function (box) {
        box.classList.toggle('wh-hidden', evs.length > 0 && !families[box.getAttribute('data-family')]);
      });
      // One template field per event the webhook listens to.
      form.querySelectorAll('.wh-event-template').forEach(function (box) {
        box.hidden = evs.indexOf(box.getAttribute('data-event')) < 0;
      });
      var none = form.querySelector('[data-testid=event-templates-none]');
      if (none) none.hidden = evs.length > 0;
      var keep = previewEvent.value;
      Array.prototype.forEach.call(previewEvent.options, function (o) {
        o.hidden = evs.length > 0 && evs.indexOf(o.value) < 0;
      });
      if (evs.length && evs.indexOf(keep) < 0) previewEvent.value = evs[0];
      // Send test offers the chosen events too.
      var testEvent = document.getElementById('wh-test-event');
      if (testEvent) {
        Array.prototype.forEach.call(testEvent.options, function (o) {
          o.hidden = evs.length > 0 && evs.indexOf(o.value) < 0;
        });
        if (evs.length && evs.indexOf(testEvent.value) < 0) testEvent.value = evs[0];
      }
      // Variables of the chosen events (or of the previewed one when none is chosen).
      varsEl.textContent = '';
      var seen = {};
      (evs.length ? evs : [previewEvent.value]).forEach(function (e) {
        (data.variables[e] || []).forEach(function (v) {
          var token = v.name.charAt(0) === '%' ? v.name : '%' + v.name + '%';
          if (seen[token]) return;
          seen[token] = true;
          var b = el('button', 'wh-var', token);
          b.type = 'button';
          b.title = v.description;
          b.setAttribute('data-insert', token);
          varsEl.appendChild(b);
        });
      });
    }
    // What the previewed event is sent with: its own template, else its family's (blank: the default).
    function currentTemplate() {
      var own = form.querySelector('textarea[data-event-template="' + previewEvent.value + '"]');
      if (own && own.value.trim()) return own.value;
      var fam = familyOf(previewEvent.value);
      var ta = form.querySelector('textarea[data-template=' + fam + ']');
      return ta ? ta.value : '';
    }
    function options() {
      var o = { mode: (form.querySelector('input[name=mode]:checked') || { value: 'plain' }).value };
      var c = form.querySelector('input[name=color]').value.trim();
      if (/^#?[0-9a-f]{6}$/i.test(c)) o.color = parseInt(c.replace('#', ''), 16);
      var u = form.querySelector('input[name=username]').value.trim();
      if (u && u.length <= 80 && !/discord|clyde/i.test(u)) o.username = u;
      // The role ping as typed (valid ids only), so the preview shows when the sample pings.
      var roles = form.querySelector('input[name=rolePingIds]');
      var ids = roles
        ? roles.value.split(/[,\s]+/).filter(function (s) {
            return /^[1-9][0-9]{16,19}$/.test(s);
          })
        : [];
      if (ids.length) {
        var on = form.querySelector('input[name=rolePingOn]:checked');
        o.rolePing = {
          roleIds: ids.slice(0, 10),
          priorities: Array.prototype.map.call(form.querySelectorAll('input[name=rolePingPriorities]:checked'), function (i) {
            return i.value;
          }),
          on: on ? on.value : 'opening',
        };
      }
      return o;
    }
    var conditionInput = document.getElementById('f-condition');
    var conditionOut = document.getElementById('wh-preview-condition');
    // Whether the previewed sample meets the condition being written (or why it cannot be evaluated).
    function showCondition(c) {
      if (!conditionOut) return;
      conditionOut.classList.toggle('wh-hidden', !c);
      if (!c) return;
      var ok = c.ok && c.matches;
      conditionOut.className = 'wh-alert ' + (ok ? 'wh-alert-ok' : c.ok ? 'wh-alert-warn' : 'wh-alert-danger');
      conditionOut.textContent = c.ok ? conditionOut.getAttribute(c.matches ? 'data-matches' : 'data-no-match') : c.reason;
    }
    // The sample the preview renders, as the admin set it (priority, department, amount, gateway).
    var filtersOut = document.getElementById('wh-preview-filters');
    function sampleChoices() {
      var out = {};
      document.querySelectorAll('[data-sample]').forEach(function (i) {
        var v = i.value.trim();
        if (!v) return;
        var k = i.getAttribute('data-sample');
        if (k === 'amount') {
          var n = Number(v.replace(',', '.'));
          if (isFinite(n) && n >= 0) out.amount = n;
        } else out[k] = v;
      });
      return Object.keys(out).length ? out : undefined;
    }
    // The webhook's filters as typed, so the preview says when they would keep the sample out.
    function formFilters() {
      function csv(name) {
        var i = form.querySelector('[name=' + name + ']');
        return i
          ? i.value
              .split(/[,\n]/)
              .map(function (s) {
                return s.trim();
              })
              .filter(Boolean)
          : [];
      }
      var f = { departments: csv('filterDepartments'), paymentGateways: csv('filterGateways') };
      f.priorities = Array.prototype.map.call(form.querySelectorAll('[name=filterPriorities]:checked'), function (i) {
        return i.value;
      });
      var min = form.querySelector('[name=filterMinOrderTotal]');
      var n = min && min.value.trim() ? Number(min.value.replace(',', '.')) : null;
      f.minOrderTotal = n !== null && isFinite(n) && n >= 0 ? n : null;
      var who = form.querySelector('[name=filterReplyAuthors]:checked');
      f.replyAuthors = who ? who.value : 'both';
      return f;
    }
    document.querySelectorAll('[data-sample]').forEach(function (i) {
      i.addEventListener('input', function () {
        refreshPreview();
      });
    });
    var refreshPreview = debounce(function () {
      var evs = checkedEvents();
      post('/preview', {
        template: currentTemplate(),
        event: previewEvent.value,
        platform: platform(),
        options: options(),
        events: evs.length ? evs : undefined,
        condition: conditionInput && conditionInput.value.trim() ? conditionInput.value : undefined,
        sample: sampleChoices(),
        filters: formFilters(),
      })
        .then(function (r) {
          previewRender.textContent = '';
          if (r.status !== 200) {
            previewRender.appendChild(el('p', 'wh-field-error', (r.json && r.json.reason) || data.text.error));
            return;
          }
          previewRender.appendChild(window.whRender(data.previewStyles[platform()], r.json.display || r.json.body, data.text));
          previewJson.textContent = r.json.json;
          showCondition(r.json.condition);
          if (filtersOut) filtersOut.classList.toggle('wh-hidden', r.json.filtersPass !== false);
          if (r.json.unknownVariables && r.json.unknownVariables.length) {
            unknownEl.textContent = unknownEl.getAttribute('data-text').replace(
              '__NAMES__',
              r.json.unknownVariables
                .map(function (n) {
                  return '%' + n + '%';
                })
                .join(', '),
            );
            unknownEl.classList.remove('wh-hidden');
          } else unknownEl.classList.add('wh-hidden');
        })
        .catch(function () {
          previewRender.textContent = data.text.error;
        });
    }, 250);
    var detectPending = false;
    var detect = debounce(function () {
      var u = urlInput.value.trim();
      if (!u) {
        detectedEl.textContent = '';
        detected = null;
        detectPending = false;
        refreshOptionNotes();
        refreshAdaptive();
        refreshPreview();
        return;
      }
      detectPending = true;
      post('/detect-platform', { url: u }).then(function (r) {
        detectPending = false;
        detected = r.json && r.json.platform;
        detectedEl.textContent = detected
          ? detectedEl.getAttribute('data-label') + ' ' + (data.platformLabels[detected] || detected)
          : detectedEl.getAttribute('data-none');
        refreshOptionNotes();
        refreshAdaptive();
        refreshPreview();
      });
    }, 300);

    form.addEventListener('focusin', function (ev) {
      if (ev.target.tagName === 'TEXTAREA') lastTextarea = ev.target;
      // Writing one event's template previews that event.
      var own = ev.target.getAttribute && ev.target.getAttribute('data-event-template');
      if (own && previewEvent.value !== own) {
        previewEvent.value = own;
        refreshPreview();
      }
    });
    varsEl.addEventListener('click', function (ev) {
      var b = ev.target.closest('[data-insert]');
      if (!b) return;
      var ta =
        lastTextarea && !lastTextarea.closest('.wh-hidden') ? lastTextarea : form.querySelector('.wh-template:not(.wh-hidden) textarea');
      if (!ta) return;
      var s = ta.selectionStart || 0,
        e = ta.selectionEnd || 0,
        ins = b.getAttribute('data-insert');
      ta.value = ta.value.slice(0, s) + ins + ta.value.slice(e);
      ta.focus();
      ta.selectionStart = ta.selectionEnd = s + ins.length;
      refreshPreview();
    });
    // The forum post's title for the sample ticket, as ticket-thread-plan.ts makes it.
    var threadTitleInput = document.getElementById('f-threadTitle');
    var threadTitleOut = document.getElementById('wh-thread-title');
    function refreshThreadTitle() {
      var sample = data.threadSample;
      if (!threadTitleInput || !threadTitleOut || !sample) return;
      var tpl = threadTitleInput.value.trim() ? threadTitleInput.value : sample.defaultTemplate;
      var text = tpl
        .replace(/%([A-Za-z_]+)%/g, function (whole, name) {
          return Object.prototype.hasOwnProperty.call(sample.vars, name) ? sample.vars[name] : whole;
        })
        .replace(/\s+/g, ' ')
        .trim();
      var chars = Array.from(text);
      threadTitleOut.textContent = chars.length > 100 ? chars.slice(0, 99).join('') + '…' : text || sample.title;
    }
    form.addEventListener('input', function (ev) {
      if (ev.target === urlInput) detect();
      else if (ev.target === threadTitleInput) refreshThreadTitle();
      else refreshPreview();
    });
    form.addEventListener('change', function (ev) {
      if (ev.target.name === 'events') refreshEvents();
      // A post per ticket shows its state on the post unless the admin chose otherwise.
      var card = document.getElementById('f-statusCard');
      if (ev.target.id === 'f-threadPerTicket' && ev.target.checked && card && card.value === 'off') card.value = 'close';
      if (ev.target === platformSel) refreshOptionNotes();
      refreshAdaptive();
      refreshPreview();
    });
    previewEvent.addEventListener('change', function () {
      refreshEvents();
      refreshPreview();
    });
    var picker = document.getElementById('wh-color-picker');
    var colorText = document.getElementById('f-color');
    if (picker && colorText) {
      picker.addEventListener('input', function () {
        colorText.value = picker.value;
        refreshPreview();
      });
      colorText.addEventListener('input', function () {
        if (/^#[0-9a-f]{6}$/i.test(colorText.value)) picker.value = colorText.value;
      });
    }
    if (typedUrl && document.getElementById('wh-error-summary') && !urlInput.value) urlInput.value = typedUrl;
    form.addEventListener('submit', function () {
      try {
        if (urlInput.value) window.sessionStorage.setItem(URL_KEY, urlInput.value);
      } catch {
        /* storage off: the URL is typed again */
      }
    });
    refreshEvents();
    if (urlInput.value.trim()) detect();
    refreshOptionNotes();
    refreshAdaptive();
    refreshPreview();
    refreshThreadTitle();

    // After a refused save: focus goes to the error summary; its links open and focus the field.
    var summary = document.getElementById('wh-error-summary');
    if (summary) {
      summary.focus();
      summary.addEventListener('click', function (ev) {
        var a = ev.target.closest('a[href^="#"]');
        var target = a && document.getElementById(a.getAttribute('href').slice(1));
        if (!target) return;
        ev.preventDefault();
        var d = target.closest('details');
        if (d) d.open = true;
        target.focus();
        target.scrollIntoView({ block: 'center' });
      });
    }
    // A field fixed by the admin no longer says it is wrong.
    form.addEventListener('input', function (ev) {
      var f = ev.target;
      if (f.getAttribute && f.getAttribute('aria-invalid') === 'true') {
        f.removeAttribute('aria-invalid');
        var msg = document.getElementById('err-' + (f.id || '').replace(/^f-/, ''));
        if (msg) msg.hidden = true;
      }
    });
  }

  // ---- "Simulate order" (development host): fire the sample event, stay on the page ----
  var sim = document.getElementById('wh-simulate');
  if (sim) {
    sim.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var out = document.getElementById('wh-simulate-answer');
      var btn = sim.querySelector('button');
      btn.disabled = true;
      fetch(sim.action, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, accept: 'application/json' },
        body: '{}',
      })
        .then(function (r) {
          out.className = 'wh-alert ' + (r.ok ? 'wh-alert-ok' : 'wh-alert-danger');
          out.textContent = sim.getAttribute(r.ok ? 'data-ok' : 'data-fail') + (r.ok ? '' : ' (' + r.status + ')');
          if (r.ok) {
            var a = document.querySelector('.wh-tab-ext');
            if (a) {
              out.appendChild(document.createTextNode(' '));
              var l = el('a', null, a.textContent);
              l.href = a.href;
              l.target = '_blank';
              out.appendChild(l);
            }
          }
        })
        .catch(function () {
          out.className = 'wh-alert wh-alert-danger';
          out.textContent = sim.getAttribute('data-fail');
        })
        .finally(function () {
          btn.disabled = false;
        });
    });
  }

  // ---- Send test from the form as it stands (saved or not): answer beside the button ----
  var testBox = document.getElementById('wh-test');
  if (testBox && form) {
    var testBtn = testBox.querySelector('[data-testid=send-test]');
    testBtn.addEventListener('click', function (ev) {
      ev.preventDefault();
      var out = document.getElementById('wh-test-answer');
      var fields = formFields(form);
      testBtn.disabled = true;
      out.className = 'wh-alert wh-alert-warn';
      out.textContent = testBox.getAttribute('data-sending');
      post('/test-draft', {
        form: fields,
        id: testBox.getAttribute('data-webhook-id') || null,
        event: document.getElementById('wh-test-event').value,
      })
        .then(function (r) {
          var j = r.json || {};
          if (r.status === 400 && j.errors) {
            out.className = 'wh-alert wh-alert-danger';
            out.textContent = j.errors
              .map(function (e) {
                var link = document.querySelector('[data-error-link="' + e.field + '"]');
                return (link ? link.textContent + (root.getAttribute('data-locale') === 'fr' ? '\u202f: ' : ': ') : '') + e.reason;
              })
              .join(' · ');
            return;
          }
          out.className = 'wh-alert ' + (j.ok ? 'wh-alert-ok' : 'wh-alert-danger');
          out.textContent = j.message || j.reason || testBox.getAttribute('data-failed');
        })
        .catch(function () {
          out.className = 'wh-alert wh-alert-danger';
          out.textContent = testBox.getAttribute('data-failed');
        })
        .finally(function () {
          testBtn.disabled = false;
        });
    });
  }
  // ---- Instant feedback: a field's error shows as the admin leaves it and goes once it is fixed.
  // The rules and words are the save's own (POST /validate runs them); the save checks again. ----
  if (form && dataEl) {
    var touched = {};
    var errorSummary = document.getElementById('wh-error-summary');
    // After a refused save every field is checked; before, only the ones the admin has left.
    var checkAll = !!errorSummary;
    var editing = testBox ? testBox.getAttribute('data-webhook-id') || null : null;
    var NAME_TO_KEY = {
      rolePingIds: 'rolePing',
      filterDepartments: 'departments',
      filterMinOrderTotal: 'minOrderTotal',
      filterGateways: 'paymentGateways',
      filterPriorities: 'priorities',
      filterReplyAuthors: 'replyAuthors',
    };
    var keyOf = function (input) {
      return input && input.name ? NAME_TO_KEY[input.name] || input.name : null;
    };
    var inputsOf = function (key) {
      if (key === 'events') return Array.prototype.slice.call(form.querySelectorAll('input[name=events]'));
      var i = document.getElementById('f-' + key);
      return i ? [i] : [];
    };
    var describedBy = function (input, id, on) {
      var ids = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(function (x) {
        return x && x !== id;
      });
      if (on) ids.unshift(id);
      if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
      else input.removeAttribute('aria-describedby');
    };
    var setError = function (key, message) {
      var inputs = inputsOf(key);
      if (!inputs.length) return;
      var id = 'err-' + key;
      var p = document.getElementById(id);
      if (message) {
        if (!p) {
          p = el('p', 'wh-field-error');
          p.id = id;
          p.setAttribute('data-field-error', key);
          var at = key === 'events' ? document.getElementById('f-events-group') : inputs[0];
          var box = at.closest('.wh-field');
          if (box && key !== 'events') box.appendChild(p);
          else at.parentNode.insertBefore(p, at.nextSibling);
        }
        p.textContent = message;
      } else if (p) p.parentNode.removeChild(p);
      inputs.forEach(function (i) {
        if (message) i.setAttribute('aria-invalid', 'true');
        else i.removeAttribute('aria-invalid');
        describedBy(i, id, !!message);
      });
      // A fixed field leaves the errorSummary of the refused save; the errorSummary goes with its last entry.
      if (!message && errorSummary) {
        var link = errorSummary.querySelector('[data-error-link="' + key + '"]');
        if (link) link.closest('li').remove();
        if (!errorSummary.querySelector('li')) {
          errorSummary.remove();
          errorSummary = null;
        }
      }
    };
    var seq = 0;
    var validate = function () {
      var mine = ++seq;
      post('/validate', { form: formFields(form), id: editing })
        .then(function (r) {
          if (mine !== seq || r.status !== 200 || !r.json || !r.json.errors) return;
          var found = {};
          r.json.errors.forEach(function (e) {
            found[e.field] = e.message;
          });
          var keys = {};
          Object.keys(touched).forEach(function (k) {
            keys[k] = 1;
          });
          form.querySelectorAll('[data-field-error]').forEach(function (p) {
            keys[p.getAttribute('data-field-error')] = 1;
          });
          if (checkAll)
            Object.keys(found).forEach(function (k) {
              keys[k] = 1;
            });
          Object.keys(keys).forEach(function (k) {
            setError(k, checkAll || touched[k] ? found[k] : null);
          });
        })
        .catch(function () {
          // No answer: the save still checks everything.
        });
    };
    var soon = debounce(validate, 350);
    form.addEventListener('focusout', function (ev) {
      var key = keyOf(ev.target);
      if (!key || key === 'testEvent') return;
      // Leaving an empty field on a fresh form is not an error yet unless it was typed in.
      if (!touched[key] && !ev.target.value && !checkAll) return;
      touched[key] = true;
      validate();
    });
    var onEdit = function (ev) {
      var key = keyOf(ev.target);
      if (!key || key === 'testEvent') return;
      if (ev.type === 'change' && (ev.target.type === 'checkbox' || ev.target.type === 'radio' || ev.target.tagName === 'SELECT'))
        touched[key] = true;
      // An answer already on its way describes the form before this edit: it is dropped.
      seq++;
      if (touched[key] || document.getElementById('err-' + key) || checkAll) soon();
    };
    form.addEventListener('input', onEdit);
    form.addEventListener('change', onEdit);
  }
})();
