// Candor CRM's page script, on every page. The public pages are plain HTML without the WASM
// (far under their size budget): this is all the JavaScript they need. On the pages the WASM
// hydrates, it runs the parts of the frame that every page shares, one way everywhere:
//
//  - the phone menu button, and focus that follows in-page links (the skip link, a contents list);
//  - the cookie banner, the cookie settings dialog and the links that reopen it, the choice
//    mirrored to the other open tabs, a Global Privacy Control signal reported, and the
//    analytics script added or removed as the choice allows;
//  - on /demo, the Request a Demo form checked as you type and sent without a reload.
//
// Everything the visitor reads comes from the server: the markup, the demo form's problems, and
// the messages this script shows (read from the page). Without JavaScript every control here
// still works as a link or a plain form post. The script never removes what the server rendered
// inside <body> (it hides it): where a page hydrates, the WASM walks exactly that markup.
(() => {
  'use strict';

  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

  /** Moves focus to `element`, making it focusable by script when it is not (a heading). */
  function focusElement(element) {
    if (!element) return;
    if (element.tabIndex < 0 && !element.hasAttribute('tabindex')) element.setAttribute('tabindex', '-1');
    element.focus();
  }
  const focusId = (id) => focusElement(document.getElementById(id));
  const shown = (element) => element.isConnected && element.getClientRects().length > 0;

  // The phone menu: the button folds the navigation in and out; Escape inside it or following
  // one of its links folds it again.
  const toggle = $('.site-nav__toggle');
  const nav = document.getElementById('site-nav');
  function setMenu(open) {
    if (!toggle || !nav) return;
    toggle.setAttribute('aria-expanded', String(open));
    const label = $('.site-nav__toggle-label', toggle);
    if (label) label.textContent = open ? 'Close menu' : 'Menu';
    nav.classList.toggle('site-nav--open', open);
  }
  nav?.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') setMenu(false);
  });

  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (toggle && toggle.contains(target)) {
      setMenu(toggle.getAttribute('aria-expanded') !== 'true');
      return;
    }
    const link = target.closest('a[href]');
    if (link && nav?.contains(link)) setMenu(false);
    // A link to a place on this page moves keyboard focus there, as it moves the view: the next
    // Tab continues from the section, not from the link.
    if (link && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey) {
      const url = new URL(link.href, location.href);
      if (url.hash.length > 1 && url.pathname === location.pathname && url.search === location.search) {
        const id = decodeURIComponent(url.hash.slice(1));
        requestAnimationFrame(() => focusId(id));
      }
    }
  });

  // On a page that hydrates, a link to a public page is the browser's to follow, not the app
  // router's: those pages are documents, sent with this script and no WASM. The server lists them
  // on <body> (`/privacy/versions/*` is every page in that folder).
  const documents = (document.body.dataset.documentPages ?? '').split(' ').filter(Boolean);
  const isDocument = (path) => documents.some((page) => (page.endsWith('/*')
    ? path.startsWith(page.slice(0, -1)) && path.length > page.length - 1 && !path.slice(page.length - 1).includes('/')
    : path === page));
  if (documents.length) {
    document.addEventListener('click', (event) => {
      const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
      if (!link || link.target || link.hasAttribute('download') || link.dataset.opens) return;
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin || !isDocument(url.pathname)) return;
      if (url.pathname === location.pathname && url.search === location.search) return;
      // Seen first (this listener captures), it keeps the click from the router's listener.
      event.stopPropagation();
    }, true);
  }

  consent();
  demoForm();
  document.body.dataset.enhanced = 'true';

  // ---------------------------------------------------------------------------------------------
  // Consent. The dialog carries the consent the server read from this request (`data-consent`)
  // and the browser-storage keys of the registry that need consent (`data-storage`); the same
  // choices as the server's are sent to its /api/consent endpoints.
  function consent() {
    const dialog = $('dialog.consent-dialog');
    if (!dialog) return;
    const MIRROR = 'candor_consent';
    const storageKeys = JSON.parse(dialog.dataset.storage || '{}');
    let view = JSON.parse(dialog.dataset.consent);
    let opener = null;
    let busy = false;

    const sameView = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    function readMirror() {
      try {
        return JSON.parse(localStorage.getItem(MIRROR))?.view ?? null;
      } catch {
        return null;
      }
    }
    function writeMirror() {
      try {
        localStorage.setItem(MIRROR, JSON.stringify({ view, at: Date.now() }));
      } catch {
        // Storage may be full or refused; the choice itself is in the cookie.
      }
    }

    /** The analytics script is in the page exactly while analytics is allowed. */
    function syncAnalytics() {
      const script = document.getElementById('candor-analytics');
      if (view.choices.analytics && !script) {
        const added = document.createElement('script');
        added.id = 'candor-analytics';
        added.src = '/analytics.js';
        document.head.append(added);
      } else if (!view.choices.analytics && script) {
        script.remove();
      }
    }

    /** Shows a new consent state; withdrawn storage keys are deleted (the server deletes cookies). */
    function apply(next, broadcast) {
      view = next;
      const banner = $('.consent-banner');
      if (banner) banner.hidden = !view.ask;
      for (const notice of $$('.consent-gpc')) notice.hidden = !view.gpc;
      for (const [name, category] of Object.entries(storageKeys)) {
        if (!view.choices[category]) localStorage.removeItem(name);
      }
      syncAnalytics();
      if (broadcast) writeMirror();
    }

    async function post(endpoint, body) {
      const response = await fetch(`/api/consent/${endpoint}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw response;
      return response.json();
    }

    /** Shows why a choice was not saved (the page's own words), or clears it. */
    function problem(where, failure) {
      $(`.${where}__error`)?.remove();
      if (failure === undefined) return;
      const message = document.createElement('p');
      message.className = `${where}__error`;
      message.setAttribute('role', 'alert');
      message.textContent = failure?.status === 429 ? dialog.dataset.rateLimited : dialog.dataset.failed;
      (where === 'consent-dialog' ? $('.consent-dialog__actions', dialog) : $('.consent-banner__actions'))
        ?.after(message);
    }

    async function decide(decision, source, where) {
      if (busy) return false;
      busy = true;
      problem(where);
      try {
        apply(await post('save', { decision, source }), true);
        return true;
      } catch (failure) {
        problem(where, failure);
        return false;
      } finally {
        busy = false;
      }
    }

    function openDialog(from) {
      opener = from;
      problem('consent-dialog');
      for (const input of $$('input.consent-switch', dialog)) {
        if (input.name === 'necessary') continue;
        input.checked = Boolean(view.choices[input.name]);
        input.disabled = input.name === 'marketing' && view.gpc;
      }
      dialog.showModal();
      // Start at the first choice the visitor can change.
      focusElement($('input.consent-switch:not([disabled])', dialog));
    }

    // Whatever closed it (Escape, Cancel, a saved choice), focus goes back to what opened it, or
    // to the content when that is hidden (the banner, once a choice is saved): at once where this
    // script closes it, on `close` (a task later) after Escape.
    function focusBack() {
      if (!opener) return;
      if (shown(opener)) opener.focus();
      else focusId('main');
      opener = null;
    }
    function closeDialog() {
      dialog.close();
      focusBack();
    }
    dialog.addEventListener('close', focusBack);

    // Tab and Shift+Tab cycle through the dialog's controls.
    dialog.addEventListener('keydown', (event) => {
      if (event.key !== 'Tab') return;
      const focusable = $$('button:not([disabled]), input:not([disabled]), a[href], summary', dialog).filter(shown);
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (!first) return;
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    });

    $('.consent-dialog__cancel', dialog)?.addEventListener('click', closeDialog);
    $('form', dialog)?.addEventListener('submit', async (event) => {
      event.preventDefault();
      const choices = { ...view.choices };
      for (const input of $$('input.consent-switch', dialog)) {
        if (input.name in choices) choices[input.name] = input.checked;
      }
      if (await decide({ Custom: choices }, 'Dialog', 'consent-dialog')) closeDialog();
    });

    document.addEventListener('click', async (event) => {
      const target = event.target instanceof Element ? event.target : null;
      const settings = target?.closest('[data-opens="cookie-settings"]');
      if (settings) {
        // The dialog with JavaScript; without it the link's settings page, the button's form post.
        event.preventDefault();
        openDialog(settings);
        return;
      }
      const choice = target?.closest('.consent-banner button[name="choice"]');
      if (!choice) return;
      event.preventDefault();
      const decision = { accept_all: 'AcceptAll', reject_all: 'RejectAll' }[choice.value];
      if (decision && await decide(decision, 'Banner', 'consent-banner')) {
        // The banner and its buttons are gone: continue from the page's content.
        focusId('main');
      }
    });

    // A choice made in another tab applies here at once.
    window.addEventListener('storage', (event) => {
      if (event.key !== MIRROR || !event.newValue) return;
      try {
        apply(JSON.parse(event.newValue).view, false);
      } catch {
        // Not a mirror this script wrote: ignore it.
      }
    });

    // A choice made without JavaScript (a form post) reaches the other tabs through the mirror too.
    if (!sameView(readMirror(), view)) writeMirror();
    // The browser's Global Privacy Control signal refuses marketing without asking.
    if (navigator.globalPrivacyControl === true && !view.gpc) {
      post('gpc', {}).then((next) => apply(next, true), () => {});
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Request a Demo. The server checks the fields (`POST /demo/check`, which stores and counts
  // nothing) and answers with the page as it would render it, showing the problems of the fields
  // that were checked; this script takes each field's state and the summary from that answer.
  // Sending posts the form as the browser would, and shows the answer in place.
  function demoForm() {
    const form = $('form.demo__form');
    if (!form) return;
    const FIELDS = ['name', 'email', 'company', 'phone', 'team_size', 'message'];
    const control = (root, field) => $(`[name="${field}"]`, root);
    const button = $('button[type="submit"]', form);
    const idle = button.textContent;
    // A field is checked once it was left filled in, or once the form was sent; from then on it
    // is checked again as it changes. Problems the server rendered count as checked.
    const checked = new Set(FIELDS.filter((field) => control(form, field)?.getAttribute('aria-invalid') === 'true'));
    let sending = false;
    let typing;
    // Only the latest check's answer counts: an earlier one may arrive after it.
    let latest = 0;

    /** The answer's form, or its thanks, from a page the server rendered. */
    async function answerOf(response) {
      const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
      return $('form.demo__form', doc) ?? $('#demo-thanks', doc);
    }

    /** Replaces (or adds after `anchor`, or removes) this form's element matching `selector`. */
    function swap(selector, answer, anchor) {
      const fresh = $(selector, answer);
      const current = $(selector, form);
      if (fresh && current) current.replaceWith(document.importNode(fresh, true));
      else if (fresh) anchor.after(document.importNode(fresh, true));
      else current?.remove();
    }

    /** Takes each field's problem, and the summary, from the server's answer. */
    function takeProblems(answer) {
      for (const field of FIELDS) {
        const mine = control(form, field);
        const theirs = control(answer, field);
        if (!mine || !theirs) continue;
        const wrapper = mine.closest('.field');
        wrapper.className = theirs.closest('.field').className;
        for (const attribute of ['aria-invalid', 'aria-describedby']) {
          const value = theirs.getAttribute(attribute);
          if (value === null) mine.removeAttribute(attribute);
          else mine.setAttribute(attribute, value);
        }
        swap(`[id="${mine.id}-error"]`, theirs.closest('.field'), wrapper.lastElementChild);
      }
      swap('.form-summary', answer, $('#demo-notice', form) ?? $('.demo__required-note', form));
    }

    /** Takes the notice about the whole form (or its absence), and the fresh stamp. */
    function takeNotice(answer) {
      swap('#demo-notice', answer, $('.demo__required-note', form));
      const stamp = $('input[name="stamp"]', answer);
      if (stamp) $('input[name="stamp"]', form).value = stamp.value;
    }

    async function check(fields) {
      const body = new URLSearchParams(new FormData(form));
      body.set('check', [...fields].join(','));
      const response = await fetch('/demo/check', { method: 'POST', body });
      if (!response.ok) throw response;
      return answerOf(response);
    }

    async function recheck() {
      const mine = ++latest;
      try {
        const answer = await check(checked);
        if (mine === latest && !sending) takeProblems(answer);
      } catch {
        // The server could not be reached: the fields are checked again when the form is sent.
      }
    }

    function unavailable() {
      $('#demo-notice', form)?.remove();
      const notice = document.createElement('p');
      notice.id = 'demo-notice';
      notice.className = 'form-notice form-notice--error';
      notice.setAttribute('role', 'alert');
      notice.tabIndex = -1;
      notice.textContent = form.dataset.unavailable;
      $('.demo__required-note', form).after(notice);
      notice.focus();
    }

    function showSending(on) {
      sending = on;
      button.textContent = on ? 'Sending…' : idle;
      if (on) button.setAttribute('aria-disabled', 'true');
      else button.removeAttribute('aria-disabled');
    }

    form.addEventListener('focusout', (event) => {
      const field = event.target.name;
      if (!FIELDS.includes(field) || !event.target.value.trim() || sending) return;
      checked.add(field);
      recheck();
    });
    form.addEventListener('input', (event) => {
      if (!checked.has(event.target.name) || sending) return;
      clearTimeout(typing);
      typing = setTimeout(recheck, 250);
    });
    form.addEventListener('change', (event) => {
      if (event.target.name !== 'team_size' || sending) return;
      checked.add('team_size');
      recheck();
    });

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (sending) return;
      clearTimeout(typing);
      for (const field of FIELDS) checked.add(field);
      latest += 1;
      showSending(true);
      try {
        const checkedAnswer = await check(FIELDS);
        takeProblems(checkedAnswer);
        if ($('[aria-invalid="true"]', form)) {
          $('#demo-notice', form)?.remove();
          focusElement($('[aria-invalid="true"]', form));
          return;
        }
        const response = await fetch(form.action, { method: 'POST', body: new URLSearchParams(new FormData(form)) });
        const answer = await answerOf(response);
        if (answer?.id === 'demo-thanks') {
          // The thanks take the form's place, under the page's own heading.
          const thanks = document.importNode(answer, true);
          const heading = $('h1', thanks);
          if (heading) {
            const h2 = document.createElement('h2');
            h2.textContent = heading.textContent;
            heading.replaceWith(h2);
          }
          form.replaceWith(thanks);
          focusElement(thanks);
        } else if (answer) {
          takeProblems(answer);
          takeNotice(answer);
          focusElement($('[aria-invalid="true"]', form) ?? $('#demo-notice', form));
        } else {
          unavailable();
        }
      } catch {
        unavailable();
      } finally {
        if (form.isConnected) showSending(false);
      }
    });
  }
})();
