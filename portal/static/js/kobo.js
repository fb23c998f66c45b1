/* Kobo's only script: small progressive enhancements. Everything works without it. */
(function () {
  "use strict";

  /* A form that takes a while to send (a wizard step with a file on a slow line) says so: the button pressed
     reads its data-busy-label (「送信中…」) and is aria-busy, and a second tap sends nothing. The buttons are
     disabled only once the browser has read which one was pressed (a disabled button would not be sent).
     Without script the buttons simply work; the server copes with double submits anyway. */
  function busy(form, button) {
    form.dataset.sending = "1";
    button.setAttribute("aria-busy", "true");
    button.classList.add("button--busy");
    var label = button.dataset.busyLabel || form.dataset.busyLabel;
    if (label) {
      button.dataset.idleLabel = button.textContent;
      button.textContent = label;
    }
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (each) { each.disabled = true; });
    }, 0);
  }

  function idle(form) {
    delete form.dataset.sending;
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      button.classList.remove("button--busy");
      if (button.dataset.idleLabel) {
        button.textContent = button.dataset.idleLabel;
        delete button.dataset.idleLabel;
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (!button || !(form.hasAttribute("data-busy-label") || button.hasAttribute("data-once"))) return;
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    busy(form, button);
  });

  /* Back to a page kept by the browser (back/forward cache): its forms can be sent again. */
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) document.querySelectorAll("form[data-sending]").forEach(idle);
  });

  /* A page that opens with an error summary moves the focus to it (the page's address also ends in it). */
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) summary.focus();

  /* A text area with a limit counts its characters as the person types (the hint says the limit without
     script). Nothing is cut: a longer text stays, and the server says how much is too long. */
  function setUpCounter(area) {
    var counter = document.getElementById(area.dataset.charCounter);
    if (!counter) return;
    var limit = parseInt(area.dataset.maxChars, 10);
    var timer = null;
    function count() {
      var used = Array.from(area.value.replace(/\r\n/g, "\n")).length;
      var over = used > limit;
      var template = over ? counter.dataset.over : counter.dataset.left;
      counter.textContent = template.replace("{count}", String(over ? used - limit : limit - used));
      counter.classList.toggle("char-count--over", over);
    }
    area.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(count, 400); /* the live region speaks once the person pauses */
    });
    count();
  }

  document.querySelectorAll("[data-char-counter]").forEach(setUpCounter);

  /* The postcode fills in the prefecture and the city (from Japan Post's data on our server), still editable. */
  function setUpPostcode(input) {
    var form = input.form;
    var prefecture = form.querySelector('[autocomplete="address-level1"]');
    var city = form.querySelector('[autocomplete="address-level2"]');
    if (!prefecture || !city) return;
    var status = document.createElement("p");
    status.className = "hint postcode-status";
    status.id = input.id + "-status";
    status.setAttribute("role", "status");
    input.parentNode.insertBefore(status, input.nextSibling);
    var filled = { prefecture: null, city: null };
    var asked = "";

    function lookUp() {
      var code = input.value.normalize("NFKC").replace(/\D/g, "");
      if (code.length !== 7 || code === asked) return;
      asked = code;
      fetch(input.dataset.postcodeLookup + "?code=" + code, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (address) {
          if (!address || code !== asked) return;
          /* Only empty fields, or fields we filled ourselves, are changed: what the person typed stays. */
          if (!prefecture.value || prefecture.value === filled.prefecture) {
            prefecture.value = address.prefecture;
            filled.prefecture = address.prefecture;
          }
          if (!city.value || city.value === filled.city) {
            city.value = address.city;
            filled.city = address.city;
          }
          status.textContent = input.dataset.postcodeFilled + " " + address.prefecture + " " + address.city;
        })
        .catch(function () { /* offline or refused: the person types the address */ });
    }

    input.addEventListener("input", lookUp);
    input.addEventListener("change", lookUp);
  }

  document.querySelectorAll("[data-postcode-lookup]").forEach(setUpPostcode);
})();
