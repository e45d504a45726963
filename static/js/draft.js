/* Keep what the applicant typed on this device until the server has it.
   The server autosaves on every change (htmx); when that request fails (offline, server
   busy) the values stay in localStorage and are sent again when the connection returns,
   and restored into the form if the page is reloaded meanwhile. */
(function () {
  var form = document.getElementById("wizard-form");
  if (!form || !window.localStorage) return;
  var key = form.dataset.draftKey;
  var status = document.getElementById("autosave-status");

  function values() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken") return;
      data[el.name] = el.type === "checkbox" ? (el.checked ? "on" : "") : el.value;
    });
    return data;
  }
  function keep() { try { localStorage.setItem(key, JSON.stringify(values())); } catch (e) {} }
  function forget() { localStorage.removeItem(key); }

  var pending = localStorage.getItem(key);
  if (pending) {
    try {
      var saved = JSON.parse(pending);
      Object.keys(saved).forEach(function (name) {
        var el = form.elements[name];
        if (!el || el.type === "file") return;
        if (el.type === "checkbox") el.checked = saved[name] === "on"; else el.value = saved[name];
      });
      if (status) status.textContent = form.dataset.restored || "";
      if (window.htmx) htmx.trigger(form, "change");
    } catch (e) { forget(); }
  }
  form.addEventListener("input", keep);
  form.addEventListener("change", keep);
  document.body.addEventListener("htmx:afterRequest", function (evt) {
    if (evt.detail.elt !== form) return;
    if (evt.detail.successful) { forget(); }
    else if (status) { status.textContent = form.dataset.offline || ""; }
  });
  window.addEventListener("online", function () {
    if (localStorage.getItem(key) && window.htmx) htmx.trigger(form, "change");
  });
  form.addEventListener("submit", forget);
})();
