/* The client's form, enhanced: each field saves itself, progress updates live.
   Without this file the form still works: Save and Submit post the whole form.

   How it fits together: typing in a field schedules a save of that field alone (a POST
   to its data-url, answered in JSON by client_form.save_field). Until the server confirms
   it, what was typed is also kept in localStorage, so a reload or a lost connection loses
   nothing. The reply fills the field's status line ("Saved at 14:05"), its error, the
   conflict view when someone else saved first, and the progress card. */
(function () {
  "use strict";

  // Pause in typing before a field is sent: short enough that "Saved at …" follows the
  // typist, long enough to send one request per pause rather than one per keystroke
  // (routes.py allows a link 120 posts a minute).
  var AUTOSAVE_DELAY_MS = 800;
  // First wait before sending again when the server was busy or out of reach: long enough
  // for a flaky connection to come back, short enough to go unnoticed. A reply that settles
  // the save (saved, refused, or in conflict) starts the wait from here again.
  var FIRST_RETRY_DELAY_MS = 2000;
  // The wait doubles after each failure up to this, so a long outage costs one request a
  // minute per field; coming back online (the "online" event) sends at once anyway.
  var MAX_RETRY_DELAY_MS = 60000;
  // Server errors (5xx) in a row after which a field stops retrying on its own: a value the
  // server keeps failing on will not save by sending it again (typing again starts over).
  var MAX_SERVER_FAILURES = 5;
  // Unconfirmed typing is stored under "<prefix><field id>:<base revision>". The path holds
  // the link's token, so two links opened in one browser never mix their answers.
  var BACKUP_KEY_PREFIX = "briefs:" + location.pathname + ":";
  // Inputs that hold the answer: "f-<id>" the value, "na-<id>" the "does not apply" box.
  var ANSWER_NAME = /^(f|na)-/;
  // What a field's save posts: the answer plus "base-<id>", the revision it was typed over.
  var POSTED_NAME = /^(f|na|base)-/;
  // Inputs saved after a pause in typing; choices and dates save as soon as they change.
  var TYPED_INPUT_TYPES = /^(text|email|url)$/;

  var form = document.getElementById("brief-form");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  // Other pages, and browsers without fetch, keep the plain form posts.
  if (!form || !csrfMeta || !window.fetch || !window.URLSearchParams) return;
  var csrfToken = csrfMeta.content;
  // The words this script shows, in the page's language (page.js_texts).
  var texts = JSON.parse(document.getElementById("client-texts").textContent);

  // What the page tracks. A field's last saved revision is not kept here: it stays in the
  // field's hidden "base-<id>" input, because the whole-form Save posts it too.
  var state = {
    // Each field's save state (see newFieldState) by field id, made when first touched.
    fields: {},
    // Save or Submit has posted the whole form, so leaving the page is expected.
    formSubmitted: false
  };

  // Start tracking one field's saves.
  function newFieldState(element) {
    return {
      id: element.dataset.field,
      element: element, // the field's [data-field] block
      statusLine: element.querySelector(".save-status"), // "Saving…", "Saved at 14:05"
      timer: null, // the scheduled autosave or retry; at most one at a time
      retryDelayMs: FIRST_RETRY_DELAY_MS, // how long the next retry waits
      serverFailures: 0, // 5xx replies in a row; retrying stops at MAX_SERVER_FAILURES
      inFlight: false, // a save of this field is on its way
      saveAgain: false, // it changed while in flight: save again when the reply comes
      needsSave: false // it has changes not sent yet (waiting to, or failed offline)
    };
  }

  // Return the tracked state of the field a node belongs to, or null outside any field.
  function fieldStateOf(node) {
    var element = node.closest && node.closest("[data-field]");
    if (!element) return null;
    var id = element.dataset.field;
    if (!state.fields[id]) state.fields[id] = newFieldState(element);
    return state.fields[id];
  }

  // Call back with the state of every field touched so far.
  function eachField(callback) {
    Object.keys(state.fields).forEach(function (id) { callback(state.fields[id]); });
  }

  // POST a body; resolve with the JSON reply and its status as httpStatus (an empty reply
  // when the body is not JSON, e.g. a proxy's error page).
  function postForJson(url, body) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (reply) {
        reply.httpStatus = response.status;
        return reply;
      });
    });
  }

  // Write a field's status line; a problem is shown in the warning colour.
  function showStatus(field, text, isProblem) {
    field.statusLine.textContent = text;
    field.statusLine.classList.toggle("bad", !!isProblem);
  }

  // Say "Not saved: <reason>".
  function notSaved(reason) {
    return texts.notSaved.replace("%(reason)s", reason);
  }

  // Show or clear the server's error under a field, marked for screen readers as the
  // template marks it after a whole-form post.
  function showFieldError(field, message) {
    var errorLine = field.element.querySelector(".field-error");
    if (!errorLine && !message) return;
    errorLine = errorLine || slot(field, "p", "field-error", "err-");
    errorLine.textContent = message || "";
    errorLine.hidden = !message;
    if (message) errorLine.setAttribute("role", "alert"); else errorLine.removeAttribute("role");
    field.element.classList.toggle("has-error", !!message);
    field.element.querySelectorAll("input, textarea").forEach(function (input) {
      if (input.name.indexOf("na-") === 0) return; // "does not apply" is never the wrong part
      if (message) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
    });
    // A group of choices is described on its fieldset; any other field on its input.
    var described = field.element.querySelector("fieldset") || field.element.querySelector("#f-" + field.id);
    if (described) linkDescription(described, errorLine.id, !!message);
  }

  // A field's conflict view or error line, made after its answer when first needed.
  function slot(field, tag, className, idPrefix) {
    var found = field.element.querySelector("." + className);
    if (found) return found;
    var made = document.createElement(tag);
    made.className = className;
    made.id = idPrefix + field.id;
    var after = (className === "field-error" && field.element.querySelector(".conflict-slot")) ||
      field.element.querySelector(".answer");
    after.parentNode.insertBefore(made, after.nextSibling);
    return made;
  }

  function clearConflict(field) {
    var view = field.element.querySelector(".conflict-slot");
    if (view) view.innerHTML = "";
  }

  // Add or drop one id in an element's aria-describedby, keeping the others.
  function linkDescription(described, id, present) {
    var ids = (described.getAttribute("aria-describedby") || "").split(" ").filter(function (other) {
      return other && other !== id;
    });
    if (present) ids.push(id);
    described.setAttribute("aria-describedby", ids.join(" "));
  }

  // Redraw the progress card from a reply's progress and missing list (page.state_json).
  function showProgress(reply) {
    if (!reply.progress) return;
    var percent = reply.progress.percent;
    document.getElementById("progress-fill").style.width = percent + "%";
    document.querySelector(".bar").setAttribute("aria-valuenow", percent);
    document.getElementById("progress-text").textContent = reply.progress.text;
    var missingList = document.getElementById("missing-list");
    missingList.textContent = "";
    reply.missing.forEach(function (missing) { missingList.appendChild(missingItem(missing)); });
    document.getElementById("missing-box").hidden = !reply.missing.length;
    var count = document.getElementById("missing-count");
    count.textContent = reply.left;
    count.hidden = !reply.missing.length;
    document.getElementById("tips-word").hidden = !!reply.missing.length;
    document.getElementById("done-box").hidden = !!reply.missing.length;
    (reply.steps || []).forEach(function (step) {
      var words = document.getElementById("step-" + step.id);
      if (!words) return;
      words.textContent = step.text;
      words.parentNode.classList.toggle("done", step.done);
    });
    applyServerHidden(reply.hidden);
  }

  // A field's autosave address (client_form.save_field).
  function fieldUrl(field) {
    return form.dataset.fieldsUrl + field.id;
  }

  // "Submit" with questions open asks first in a <dialog> (else the server asks).
  function askBeforeSubmit(event) {
    var dialog = document.getElementById("submit-dialog");
    if (!dialog || typeof dialog.showModal !== "function") return;
    var open = Array.prototype.slice.call(
      document.querySelectorAll("#sent-back li, #missing-list li"));
    if (!open.length) return;
    event.preventDefault();
    var list = document.getElementById("submit-dialog-list");
    list.textContent = "";
    open.forEach(function (item) { list.appendChild(item.cloneNode(true)); });
    dialog.showModal();
  }

  function closeDialogOnLink(event) {
    var dialog = event.currentTarget;
    if (event.target.closest("a, [data-close]")) dialog.close();
  }

  // Build one "Still missing" entry, a link to the question, as form.html renders it.
  function missingItem(missing) {
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = "#field-" + missing.id;
    link.textContent = missing.label;
    item.appendChild(link);
    return item;
  }

  // Show the server's answer to a save or a file change; retry later if it was busy.
  function showReply(field, reply, retry) {
    var status = reply.httpStatus;
    if (status === 409) {
      showConflict(field, reply);
    } else if (status === 200 || status === 422) {
      showAnswer(field, reply);
    } else if (status === 413) {
      showStatus(field, notSaved(texts.tooBig), true);
    } else if (status >= 500 && field.serverFailures + 1 >= MAX_SERVER_FAILURES) {
      // Stop: the text stays in the field and in the backup; typing again starts over.
      field.serverFailures = 0;
      field.retryDelayMs = FIRST_RETRY_DELAY_MS;
      showStatus(field, notSaved(texts.failed), true);
    } else if (status === 429 || status >= 500) {
      if (status >= 500) field.serverFailures += 1;
      showStatus(field, notSaved(texts.busy), true);
      retryLater(field, retry);
    } else if (reply.error) {
      // A refusal the server explained (400 and the like): show it once, keep the text.
      showFieldError(field, reply.error);
      showStatus(field, texts.notSavedShort, true);
    } else {
      // Such as an expired CSRF token or a withdrawn link: only a reload can tell.
      showStatus(field, notSaved(texts.reload), true);
    }
  }

  // Someone saved this field meanwhile (409): show both versions, put them together in the
  // text box, and type over their revision from now on, so the next save can succeed.
  function showConflict(field, reply) {
    field.retryDelayMs = FIRST_RETRY_DELAY_MS;
    revisionInput(field).value = reply.revision;
    slot(field, "div", "conflict-slot", "conflict-").innerHTML = reply.conflict_html;
    var textBox = field.element.querySelector("textarea[name^='f-']");
    if (textBox) textBox.value = reply.merged;
    revealVersionButtons(field.element);
    keepBackup(field); // the combined text is not saved yet
    showStatus(field, texts.conflict, true);
  }

  // The server saved the answer (200) or refused it (422): show its word and the progress.
  function showAnswer(field, reply) {
    field.retryDelayMs = FIRST_RETRY_DELAY_MS;
    field.serverFailures = 0;
    showFieldError(field, reply.error);
    if (reply.files_html !== undefined) field.element.querySelector(".files").innerHTML = reply.files_html;
    // The reason is announced by the error itself, right under the answer; a note says
    // what saving changed (control characters taken out).
    if (reply.error) showStatus(field, texts.notSavedShort, true);
    else showStatus(field, reply.note ? reply.message + ". " + reply.note : reply.message, !!reply.note);
    showProgress(reply);
  }

  // Show the conflict view's "Use this version" buttons, hidden as they need this script.
  function revealVersionButtons(container) {
    container.querySelectorAll("[data-use]").forEach(function (button) { button.hidden = false; });
  }

  // Run retry after the field's current wait, then double the wait for the time after.
  function retryLater(field, retry) {
    clearTimeout(field.timer);
    field.timer = setTimeout(retry, field.retryDelayMs);
    field.retryDelayMs = Math.min(field.retryDelayMs * 2, MAX_RETRY_DELAY_MS);
  }

  // Return the hidden input holding the revision the field's answer was typed over.
  function revisionInput(field) {
    return field.element.querySelector("input[name^='base-']");
  }

  // Return the field's inputs a save posts (files go on their own, by upload).
  function postedInputs(field) {
    var named = field.element.querySelectorAll("input[name], textarea[name]");
    return Array.prototype.filter.call(named, function (input) {
      return input.type !== "file" && POSTED_NAME.test(input.name);
    });
  }

  // Read the field as the whole form would post it (ticked choices only), with or
  // without its base revision.
  function readParams(field, withRevision) {
    var params = new URLSearchParams();
    postedInputs(field).forEach(function (input) {
      if ((input.type === "checkbox" || input.type === "radio") && !input.checked) return;
      if (!withRevision && input.name.indexOf("base-") === 0) return;
      params.append(input.name, input.value);
    });
    return params;
  }

  // The field's answer alone: what is compared and backed up.
  function answerParams(field) { return readParams(field, false); }

  // The answer with its base revision: what a save posts.
  function saveParams(field) { return readParams(field, true); }

  // Return this link's backup keys in localStorage, for one field or, without an id, all.
  function backupKeys(fieldId) {
    var prefix = BACKUP_KEY_PREFIX + (fieldId ? fieldId + ":" : "");
    var found = [];
    try {
      for (var n = 0; n < localStorage.length; n++) {
        var key = localStorage.key(n);
        if (key && key.indexOf(prefix) === 0) found.push(key);
      }
    } catch (e) { /* storage may be disabled; saving still works */ }
    return found;
  }

  // Drop a field's backup: the server holds what it held.
  function forgetBackup(field) {
    backupKeys(field.id).forEach(function (key) { localStorage.removeItem(key); });
  }

  // Back up what the field holds now, under the revision it was typed over, until the
  // server confirms it.
  function keepBackup(field) {
    try {
      forgetBackup(field);
      var key = BACKUP_KEY_PREFIX + field.id + ":" + revisionInput(field).value;
      localStorage.setItem(key, answerParams(field).toString());
    } catch (e) { /* full or disabled storage: the autosave still runs */ }
  }

  // Put a backed-up answer back into the field's inputs (the revision is set apart).
  function restoreAnswer(field, backup) {
    postedInputs(field).forEach(function (input) {
      if (input.name.indexOf("base-") === 0) return;
      if (input.type === "checkbox" || input.type === "radio") {
        input.checked = backup.getAll(input.name).indexOf(input.value) >= 0;
      } else {
        input.value = backup.get(input.name) || "";
      }
    });
  }

  // Send one field's answer now; if a save of it is already on its way, send once more
  // after its reply, so the last change is never lost.
  function saveField(field) {
    clearTimeout(field.timer);
    if (field.inFlight) { field.saveAgain = true; return; }
    field.inFlight = true;
    field.needsSave = false;
    showStatus(field, texts.saving);
    var retry = function () { saveField(field); };
    var sentAnswer = answerParams(field).toString();
    postForJson(fieldUrl(field), saveParams(field)).then(function (reply) {
      field.inFlight = false;
      if (reply.httpStatus === 200) noteSaved(field, reply, sentAnswer);
      showReply(field, reply, retry);
      if (field.saveAgain) { field.saveAgain = false; saveField(field); }
    }, function () {
      // Out of reach: try again later, or as soon as the browser is back online.
      field.inFlight = false;
      field.saveAgain = false;
      field.needsSave = true;
      showStatus(field, texts.offline, true);
      retryLater(field, retry);
    });
  }

  // Take the saved revision, close any conflict view, and drop the backup unless the field
  // changed while the save was on its way (then back that up over the new revision).
  function noteSaved(field, reply, sentAnswer) {
    revisionInput(field).value = reply.revision;
    clearConflict(field);
    if (answerParams(field).toString() === sentAnswer) forgetBackup(field); else keepBackup(field);
  }

  // Save the field once typing pauses; each keystroke starts the wait again.
  function scheduleAutosave(field) {
    clearTimeout(field.timer);
    field.needsSave = true;
    field.timer = setTimeout(function () { saveField(field); }, AUTOSAVE_DELAY_MS);
  }

  // Send a file upload or removal for a field, retrying like a save when out of reach.
  function sendFileChange(field, url, body, busyText) {
    showStatus(field, busyText);
    var retry = function () { sendFileChange(field, url, body, busyText); };
    postForJson(url, body).then(function (reply) { showReply(field, reply, retry); }, function () {
      showStatus(field, texts.offline, true);
      retryLater(field, retry);
    });
  }

  // Upload the files picked in a field's file input, then empty the input so the
  // whole-form Save does not send them a second time.
  function uploadPicked(field, fileInput) {
    if (!fileInput.files.length) return;
    var body = new FormData();
    Array.prototype.forEach.call(fileInput.files, function (file) { body.append("files", file); });
    fileInput.value = "";
    sendFileChange(field, fieldUrl(field) + "/files", body, texts.uploading);
  }

  // Tell whether an input holds an answer, rather than a comment or a hand-over.
  function isAnswerInput(node) {
    return ANSWER_NAME.test(node.name || "");
  }

  // Tell whether an input is typed into, and so saved after a pause rather than at once.
  function isTypedInput(node) {
    return node.tagName === "TEXTAREA" || TYPED_INPUT_TYPES.test(node.type);
  }

  // Typing in an answer: back it up at once, save it when typing pauses.
  function onInput(event) {
    var field = fieldStateOf(event.target);
    if (field && isAnswerInput(event.target) && isTypedInput(event.target)) {
      keepBackup(field);
      scheduleAutosave(field);
    }
  }

  // A choice ticked, a text box left, or files picked: save or upload at once.
  function onChange(event) {
    var target = event.target;
    var field = fieldStateOf(target);
    if (!field || !(isAnswerInput(target) || target.type === "file")) return;
    if (target.type === "file") {
      uploadPicked(field, target);
    } else {
      keepBackup(field);
      saveField(field);
    }
  }

  // Handle the conflict view's "Use … version" buttons and the files' Remove buttons.
  function onClick(event) {
    var target = event.target;
    var versionButton = target.closest && target.closest("button[data-use]");
    if (versionButton) {
      useVersion(versionButton);
      return;
    }
    var removeButton = target.closest && target.closest("button[data-remove-url]");
    if (!removeButton) return;
    event.preventDefault(); // without this script the button posts the whole form instead
    removeFile(removeButton);
  }

  // Put the chosen version in the field, close the conflict view, and save it.
  function useVersion(button) {
    var field = fieldStateOf(button);
    var input = field.element.querySelector("#f-" + field.id);
    input.value = button.dataset.use;
    clearConflict(field);
    input.focus();
    keepBackup(field);
    saveField(field);
  }

  // Remove one file of a field, and keep the focus in the field as its button goes away.
  function removeFile(button) {
    var field = fieldStateOf(button);
    sendFileChange(field, button.dataset.removeUrl, new URLSearchParams(), texts.saving);
    field.element.querySelector("input[type=file]").focus();
  }

  // Pressing Save or Submit posts the whole form, so pending autosaves are not needed,
  // and leaving the page then loses nothing.
  function onSubmit() {
    eachField(function (field) { clearTimeout(field.timer); });
    state.formSubmitted = true;
  }

  // Back online: send at once what failed to go out, instead of waiting for its retry.
  function onOnline() {
    eachField(function (field) { if (field.needsSave) saveField(field); });
  }

  // Ask before leaving while a field is unsent or still on its way.
  function onBeforeUnload(event) {
    var unsaved = Object.keys(state.fields).some(function (id) {
      return state.fields[id].needsSave || state.fields[id].inFlight;
    });
    if (unsaved && !state.formSubmitted) event.preventDefault();
  }

  // Send again what an earlier visit typed but the server never confirmed.
  function resendBackups() {
    backupKeys().forEach(function (key) {
      var parts = key.slice(BACKUP_KEY_PREFIX.length).split(":");
      var fieldId = parts[0];
      var revision = parts[1];
      var element = form.querySelector('[data-field="' + fieldId + '"]');
      if (!element) { localStorage.removeItem(key); return; } // no longer on this page
      var field = fieldStateOf(element);
      var backup = new URLSearchParams(localStorage.getItem(key));
      if (backup.toString() === answerParams(field).toString()) { localStorage.removeItem(key); return; }
      restoreAnswer(field, backup);
      // Typed over that revision: if someone saved since, the server shows a conflict
      // instead of letting the old typing overwrite theirs.
      revisionInput(field).value = revision;
      showStatus(field, texts.restored);
      saveField(field);
    });
  }

  // ---- Questions that appear only when they apply (briefs/rules/conditions.py) ----
  // The same rules as the server's, so a question shows or hides as the client answers;
  // a condition on a question not on this page (a colleague's page) is left to the server,
  // whose verdict comes back with every save (showProgress → reply.hidden).

  // Return what a question's inputs hold now: its choices and whether it does not apply.
  function currentAnswer(element) {
    var choices = [];
    var notApplicable = false;
    element.querySelectorAll("input, textarea, select").forEach(function (input) {
      var name = input.name || "";
      if (/^na-/.test(name)) { if (input.checked) notApplicable = true; return; }
      if (!/^f-/.test(name)) return;
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) return;
      input.value.split("\n").forEach(function (line) {
        if (line.trim()) choices.push(line.trim());
      });
    });
    if (element.querySelector(".files li")) choices.push("file");
    return { choices: choices, notApplicable: notApplicable };
  }

  // Test one rule; undefined when the question it names is not on this page.
  function testRule(rule, answers) {
    if (!(rule.key in answers)) return undefined;
    var answer = answers[rule.key] || { choices: [], notApplicable: false };
    var answered = !answer.notApplicable && answer.choices.length > 0;
    if (rule.op === "answered") return answered;
    if (rule.op === "not_answered") return !answered && !answer.notApplicable;
    if (rule.op === "not_applicable") return answer.notApplicable;
    if (!answered) return false;
    var text = answer.choices.join("\n");
    if (rule.op === "equals") return text === rule.value;
    if (rule.op === "one_of") {
      return rule.values.indexOf(text) >= 0 || answer.choices.some(function (c) { return rule.values.indexOf(c) >= 0; });
    }
    return answer.choices.indexOf(rule.value) >= 0 || text.toLowerCase().indexOf(rule.value.toLowerCase()) >= 0;
  }

  // Test a group of rules; undefined when it depends on a question not on this page.
  function holds(group, answers) {
    var all = "all" in group;
    var results = (all ? group.all : group.any).map(function (item) {
      return "key" in item ? testRule(item, answers) : holds(item, answers);
    });
    if (results.indexOf(undefined) >= 0) return undefined;
    return all ? results.every(Boolean) : results.some(Boolean);
  }

  // Show the questions whose conditions hold, hide the others, in page order.
  function applyConditions() {
    var answers = {};
    form.querySelectorAll("[data-field]").forEach(function (element) {
      var condition = element.dataset.condition ? JSON.parse(element.dataset.condition) : null;
      var shown = condition ? holds("key" in condition ? { all: [condition] } : condition, answers) : true;
      if (shown === undefined) shown = !element.hidden;
      element.hidden = !shown;
      // A hidden question counts as unanswered for the ones after it, as on the server.
      answers[element.dataset.key] = shown ? currentAnswer(element) : null;
    });
    form.querySelectorAll("section.section").forEach(function (section) {
      var questions = section.querySelectorAll("[data-field]");
      if (!questions.length) return;
      section.hidden = Array.prototype.every.call(questions, function (q) { return q.hidden; });
      var chip = chipOf(section);
      if (chip) chip.parentNode.hidden = section.hidden;
    });
    if (steps.current) showStep(steps.current.hidden ? shownSections()[0] : steps.current);
  }

  // ---- Steps: on a phone one section shows at a time ----
  // The chips (form.html) link to the sections: without this script, or on a wide screen,
  // a table of contents. On a phone only the chosen section shows, with Back and Next; a
  // link into another section (error summary, missing list, dialog) opens it first.
  var steps = {
    narrow: window.matchMedia ? window.matchMedia("(max-width: 40rem)") : { matches: false },
    current: null
  };

  function chipOf(section) {
    return document.querySelector('.steps a[href="#' + section.getAttribute("aria-labelledby") + '"]');
  }

  // The sections that apply (not hidden by conditions).
  function shownSections() {
    return Array.prototype.filter.call(form.querySelectorAll("section.section"), function (section) {
      return !section.hidden;
    });
  }

  // Show one section (on a phone, only it); mark its chip; label Back and Next.
  function showStep(section) {
    if (!section || !document.querySelector(".steps")) return;
    steps.current = section;
    var stepped = steps.narrow.matches;
    form.querySelectorAll("section.section").forEach(function (other) {
      other.classList.toggle("step-off", stepped && other !== section);
      var chip = chipOf(other);
      if (chip && other === section && stepped) chip.setAttribute("aria-current", "step");
      else if (chip) chip.removeAttribute("aria-current");
    });
    var shown = shownSections();
    var at = shown.indexOf(section);
    document.getElementById("step-nav").hidden = !stepped;
    labelStepButton("step-back", texts.back, shown[at - 1]);
    labelStepButton("step-next", texts.next, shown[at + 1]);
  }

  // Name Back or Next after the section it opens; hide it when there is none.
  function labelStepButton(id, words, section) {
    var button = document.getElementById(id);
    button.hidden = !section;
    if (section) button.textContent = words.replace("%(section)s", section.querySelector("h2").textContent);
    button.onclick = function () {
      showStep(section);
      var heading = section.querySelector("h2");
      heading.tabIndex = -1;
      heading.focus();
      heading.scrollIntoView();
    };
  }

  // The form's section an element (a question, a heading) is in, if any.
  function sectionOf(target) {
    return target && target.closest("section.section");
  }

  // The element an address (#field-3) points to, if any.
  function targetOf(hash) {
    return hash && document.getElementById(decodeURIComponent(hash.slice(1)));
  }

  // Before the browser follows a link into another section, show that section.
  function onPageLink(event) {
    var link = event.target.closest && event.target.closest('a[href^="#"]');
    var section = link && sectionOf(targetOf(link.hash));
    if (section && section !== steps.current) showStep(section);
  }

  // Start where the address points, at the first error, or at the first section.
  function firstStep() {
    var target = targetOf(location.hash);
    var start = sectionOf(target) || sectionOf(form.querySelector(".q.has-error"));
    showStep(start && !start.hidden ? start : shownSections()[0]);
    if (target && start) target.scrollIntoView();
  }

  // Apply the server's verdict for the questions it hides (a save's reply).
  function applyServerHidden(hiddenIds) {
    if (!hiddenIds) return;
    form.querySelectorAll("[data-field]").forEach(function (element) {
      var condition = element.dataset.condition ? JSON.parse(element.dataset.condition) : null;
      if (!condition) return;
      var local = holds("key" in condition ? { all: [condition] } : condition, {});
      if (local === undefined) element.hidden = hiddenIds.indexOf(Number(element.dataset.field)) >= 0;
    });
    applyConditions();
  }

  // A question's small row: its save status, and one tab stop for "does not apply" and
  // "ask" (a toolbar: the arrow keys move between them).
  function makeToolbar(foot) {
    var status = document.createElement("p");
    status.className = "save-status";
    status.id = "status-" + foot.closest("[data-field]").dataset.field;
    status.setAttribute("aria-live", "polite");
    foot.appendChild(status);
    var items = [foot.querySelector(".na input"), foot.querySelector(".thread > summary")];
    if (!items[0] || !items[1]) return;
    foot.setAttribute("role", "toolbar");
    foot.setAttribute("aria-labelledby", items[0].getAttribute("aria-labelledby").split(" ")[1]);
    items[1].tabIndex = -1;
    foot.addEventListener("keydown", function (event) {
      var at = items.indexOf(event.target);
      if (at < 0 || !/^Arrow/.test(event.key)) return;
      event.preventDefault();
      items[at].tabIndex = -1;
      items[1 - at].tabIndex = 0;
      items[1 - at].focus();
    });
  }

  form.querySelectorAll(".q-foot").forEach(makeToolbar);
  document.addEventListener("click", onPageLink);
  if (steps.narrow.addEventListener) {
    steps.narrow.addEventListener("change", function () { showStep(steps.current); });
  }
  form.addEventListener("input", applyConditions);
  form.addEventListener("change", applyConditions);
  form.addEventListener("input", onInput);
  form.addEventListener("change", onChange);
  form.addEventListener("click", onClick);
  form.addEventListener("submit", onSubmit);
  var submitButton = document.getElementById("submit-button");
  if (submitButton) submitButton.addEventListener("click", askBeforeSubmit);
  var submitDialog = document.getElementById("submit-dialog");
  if (submitDialog) submitDialog.addEventListener("click", closeDialogOnLink);
  var errorSummary = document.getElementById("error-summary");
  if (errorSummary) errorSummary.focus(); // after a failed save, start at what went wrong
  resendBackups();
  applyConditions();
  firstStep();
  revealVersionButtons(form); // a conflict the server rendered after a whole-form post
  window.addEventListener("online", onOnline);
  window.addEventListener("beforeunload", onBeforeUnload);
})();
