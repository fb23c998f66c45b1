/* Kobo's only script: small progressive enhancements. Everything works without it. */
(function () {
  "use strict";

  /* A button marked data-once sends its form once: a second tap while the first is on its way does nothing.
     (The server copes with double submits anyway; this spares the person a second wait.) */
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || !button.hasAttribute("data-once")) return;
    var form = event.target;
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    button.setAttribute("aria-disabled", "true");
    button.classList.add("button--busy");
  });

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
