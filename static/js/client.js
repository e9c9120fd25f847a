/* The client's form, enhanced: each field saves itself, progress updates live.
   Without this file the form still works: Save and Submit post the whole form. */
(function () {
  "use strict";
  var form = document.getElementById("brief-form");
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (!form || !meta || !window.fetch || !window.URLSearchParams) return;
  var csrf = meta.content;
  var t = JSON.parse(document.getElementById("client-texts").textContent);
  var fields = {};

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (d) {
        d.httpStatus = r.status;
        return d;
      });
    });
  }

  function say(f, text, bad) {
    f.status.textContent = text;
    f.status.classList.toggle("bad", !!bad);
  }

  function showError(f, message) {
    var err = f.el.querySelector(".field-error");
    // A group of choices is described on its fieldset; any other field on its input.
    var describe = f.el.querySelector("fieldset") || f.el.querySelector("#f-" + f.el.dataset.field);
    err.textContent = message || "";
    err.hidden = !message;
    if (message) err.setAttribute("role", "alert"); else err.removeAttribute("role");
    f.el.classList.toggle("has-error", !!message);
    f.el.querySelectorAll("input, textarea").forEach(function (i) {
      if (i.name.indexOf("na-") === 0) return;
      if (message) i.setAttribute("aria-invalid", "true"); else i.removeAttribute("aria-invalid");
    });
    if (describe) {
      var ids = (describe.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && id !== err.id;
      });
      if (message) ids.push(err.id);
      describe.setAttribute("aria-describedby", ids.join(" "));
    }
  }

  function updateProgress(d) {
    if (!d.progress) return;
    var bar = document.querySelector(".bar");
    document.getElementById("progress-fill").style.width = d.progress.percent + "%";
    bar.setAttribute("aria-valuenow", d.progress.percent);
    document.getElementById("progress-text").textContent = d.progress.text;
    var list = document.getElementById("missing-list");
    list.textContent = "";
    d.missing.forEach(function (m) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "#field-" + m.id;
      a.textContent = m.label;
      li.appendChild(a);
      list.appendChild(li);
    });
    document.getElementById("missing-box").hidden = !d.missing.length;
    document.getElementById("done-box").hidden = !!d.missing.length;
  }

  // Answer a save: show the result, or try again later if the server was out of reach.
  function settle(f, d, retry) {
    var s = d.httpStatus;
    if (s === 200 || s === 422) {
      f.delay = 2000;
      showError(f, d.error);
      if (d.files_html !== undefined) f.el.querySelector(".files").innerHTML = d.files_html;
      // The reason is announced by the error itself, right under the answer.
      say(f, d.error ? t.notSavedShort : d.message, !!d.error);
      updateProgress(d);
    } else if (s === 413) {
      say(f, t.notSaved.replace("%(reason)s", t.tooBig), true);
    } else if (s === 429 || s >= 500) {
      say(f, t.notSaved.replace("%(reason)s", t.busy), true);
      later(f, retry);
    } else {
      say(f, t.notSaved.replace("%(reason)s", t.reload), true);
    }
  }

  function later(f, retry) {
    clearTimeout(f.timer);
    f.timer = setTimeout(retry, f.delay);
    f.delay = Math.min(f.delay * 2, 60000);
  }

  function values(f) {
    var p = new URLSearchParams();
    f.el.querySelectorAll("input[name], textarea[name]").forEach(function (i) {
      if (i.type === "file" || ((i.type === "checkbox" || i.type === "radio") && !i.checked)) return;
      p.append(i.name, i.value);
    });
    return p;
  }

  function save(f) {
    clearTimeout(f.timer);
    if (f.busy) { f.again = true; return; }
    f.busy = true;
    f.pending = false;
    say(f, t.saving);
    var retry = function () { save(f); };
    post(f.el.dataset.url, values(f)).then(function (d) {
      f.busy = false;
      settle(f, d, retry);
      if (f.again) { f.again = false; save(f); }
    }, function () {
      f.busy = false;
      f.again = false;
      f.pending = true;
      say(f, t.offline, true);
      later(f, retry);
    });
  }

  function schedule(f, ms) {
    clearTimeout(f.timer);
    f.pending = true;
    f.timer = setTimeout(function () { save(f); }, ms);
  }

  function send(f, url, body, busyText) {
    say(f, busyText);
    var retry = function () { send(f, url, body, busyText); };
    post(url, body).then(function (d) { settle(f, d, retry); }, function () {
      say(f, t.offline, true);
      later(f, retry);
    });
  }

  function fieldOf(node) {
    var el = node.closest && node.closest("[data-field]");
    if (!el) return null;
    var id = el.dataset.field;
    if (!fields[id]) {
      fields[id] = { el: el, status: el.querySelector(".save-status"), delay: 2000 };
    }
    return fields[id];
  }

  form.addEventListener("input", function (e) {
    var f = fieldOf(e.target);
    if (f && (e.target.tagName === "TEXTAREA" || /^(text|email|url)$/.test(e.target.type))) {
      schedule(f, 800);
    }
  });

  form.addEventListener("change", function (e) {
    var f = fieldOf(e.target);
    if (!f) return;
    if (e.target.type === "file") {
      if (!e.target.files.length) return;
      var body = new FormData();
      Array.prototype.forEach.call(e.target.files, function (file) { body.append("files", file); });
      e.target.value = "";
      send(f, f.el.dataset.uploadUrl, body, t.uploading);
    } else {
      save(f);
    }
  });

  form.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("button[data-remove-url]");
    if (!button) return;
    e.preventDefault();
    var f = fieldOf(button);
    send(f, button.dataset.removeUrl, new URLSearchParams(), t.saving);
    f.el.querySelector("input[type=file]").focus();
  });

  // Pressing Save or Submit posts the whole form, so pending autosaves are not needed.
  form.addEventListener("submit", function () {
    Object.keys(fields).forEach(function (id) { clearTimeout(fields[id].timer); });
  });

  window.addEventListener("beforeunload", function (e) {
    var unsaved = Object.keys(fields).some(function (id) {
      return fields[id].pending || fields[id].busy;
    });
    if (unsaved && !form.dataset.submitting) e.preventDefault();
  });
  form.addEventListener("submit", function () { form.dataset.submitting = "1"; });
})();
