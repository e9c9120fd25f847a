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
  // Typing the server has not confirmed is kept here, by link, field and base revision.
  var prefix = "briefs:" + location.pathname + ":";

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
    if (s === 409) {
      f.delay = 2000;
      base(f).value = d.revision;
      f.el.querySelector(".conflict-slot").innerHTML = d.conflict_html;
      var box = f.el.querySelector("textarea[name^='f-']");
      if (box) box.value = d.merged;
      f.el.querySelectorAll("[data-use]").forEach(function (b) { b.hidden = false; });
      keep(f);
      say(f, t.conflict, true);
      return;
    }
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

  function inputs(f) {
    return Array.prototype.filter.call(f.el.querySelectorAll("input[name], textarea[name]"), function (i) {
      return i.type !== "file" && /^(f|na|base)-/.test(i.name);
    });
  }

  function values(f, withoutBase) {
    var p = new URLSearchParams();
    inputs(f).forEach(function (i) {
      if ((i.type === "checkbox" || i.type === "radio") && !i.checked) return;
      if (withoutBase && i.name.indexOf("base-") === 0) return;
      p.append(i.name, i.value);
    });
    return p;
  }

  function base(f) { return f.el.querySelector("input[name^='base-']"); }

  function keys(id) {
    var found = [];
    try {
      for (var n = 0; n < localStorage.length; n++) {
        var k = localStorage.key(n);
        if (k && k.indexOf(prefix + (id ? id + ":" : "")) === 0) found.push(k);
      }
    } catch (e) { /* storage may be disabled; saving still works */ }
    return found;
  }

  function forget(f) {
    keys(f.el.dataset.field).forEach(function (k) { localStorage.removeItem(k); });
  }

  function keep(f) {
    try {
      forget(f);
      localStorage.setItem(prefix + f.el.dataset.field + ":" + base(f).value, values(f, true).toString());
    } catch (e) { /* full or disabled storage: the autosave still runs */ }
  }

  function restore(f, p) {
    inputs(f).forEach(function (i) {
      if (i.name.indexOf("base-") === 0) return;
      if (i.type === "checkbox" || i.type === "radio") i.checked = p.getAll(i.name).indexOf(i.value) >= 0;
      else i.value = p.get(i.name) || "";
    });
  }

  function save(f) {
    clearTimeout(f.timer);
    if (f.busy) { f.again = true; return; }
    f.busy = true;
    f.pending = false;
    say(f, t.saving);
    var retry = function () { save(f); };
    var sent = values(f, true).toString();
    post(f.el.dataset.url, values(f)).then(function (d) {
      f.busy = false;
      if (d.httpStatus === 200) {
        base(f).value = d.revision;
        f.el.querySelector(".conflict-slot").innerHTML = "";
        if (values(f, true).toString() === sent) forget(f); else keep(f);
      }
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

  function answerInput(node) { return /^(f|na)-/.test(node.name || ""); }

  form.addEventListener("input", function (e) {
    var f = fieldOf(e.target);
    if (f && answerInput(e.target) && (e.target.tagName === "TEXTAREA" || /^(text|email|url)$/.test(e.target.type))) {
      keep(f);
      schedule(f, 800);
    }
  });

  form.addEventListener("change", function (e) {
    var f = fieldOf(e.target);
    if (!f || !(answerInput(e.target) || e.target.type === "file")) return;
    if (e.target.type === "file") {
      if (!e.target.files.length) return;
      var body = new FormData();
      Array.prototype.forEach.call(e.target.files, function (file) { body.append("files", file); });
      e.target.value = "";
      send(f, f.el.dataset.uploadUrl, body, t.uploading);
    } else {
      keep(f);
      save(f);
    }
  });

  form.addEventListener("click", function (e) {
    var use = e.target.closest && e.target.closest("button[data-use]");
    if (use) {
      var g = fieldOf(use);
      var input = g.el.querySelector("#f-" + g.el.dataset.field);
      input.value = use.dataset.use;
      g.el.querySelector(".conflict-slot").innerHTML = "";
      input.focus();
      keep(g);
      save(g);
      return;
    }
    var button = e.target.closest && e.target.closest("button[data-remove-url]");
    if (!button) return;
    e.preventDefault();
    var f = fieldOf(button);
    send(f, button.dataset.removeUrl, new URLSearchParams(), t.saving);
    f.el.querySelector("input[type=file]").focus();
  });

  // Pressing Save or Submit posts the whole form, so pending autosaves are not needed,
  // and leaving the page then loses nothing.
  form.addEventListener("submit", function () {
    Object.keys(fields).forEach(function (id) { clearTimeout(fields[id].timer); });
    form.dataset.submitting = "1";
  });

  // Send again what an earlier visit typed but the server never confirmed.
  keys().forEach(function (k) {
    var parts = k.slice(prefix.length).split(":");
    var el = form.querySelector('[data-field="' + parts[0] + '"]');
    if (!el) { localStorage.removeItem(k); return; }
    var f = fieldOf(el);
    var stored = new URLSearchParams(localStorage.getItem(k));
    if (stored.toString() === values(f, true).toString()) { localStorage.removeItem(k); return; }
    restore(f, stored);
    base(f).value = parts[1];
    say(f, t.restored);
    save(f);
  });
  if (form.querySelector(".conflict [data-use]")) {
    form.querySelectorAll("[data-use]").forEach(function (b) { b.hidden = false; });
  }

  window.addEventListener("online", function () {
    Object.keys(fields).forEach(function (id) { if (fields[id].pending) save(fields[id]); });
  });

  window.addEventListener("beforeunload", function (e) {
    var unsaved = Object.keys(fields).some(function (id) {
      return fields[id].pending || fields[id].busy;
    });
    if (unsaved && !form.dataset.submitting) e.preventDefault();
  });
})();
