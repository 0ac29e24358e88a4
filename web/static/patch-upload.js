// Patch file upload with progress: a form marked data-upload-api sends the
// chosen file as the raw body of PUT <data-upload-api><file name> (the API
// that `steward patch publish` uses; the session cookie authenticates it),
// shows how much has been sent, and then opens data-upload-done. Without
// JavaScript the same form posts the file as multipart to the page.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-upload-api]").forEach(function (form) {
    var input = form.querySelector('input[type="file"]');
    var box = form.querySelector("[data-upload-progress]");
    var bar = box.querySelector("progress");
    var percent = box.querySelector("output");
    var failure = form.querySelector("[data-upload-error]");
    var button = form.querySelector('button[type="submit"]');
    function show(fraction) {
      var p = Math.floor(fraction * 100);
      bar.value = p;
      percent.textContent = p + " %";
    }
    function fail(text) {
      failure.textContent = text;
      failure.hidden = false;
      button.disabled = false;
    }
    form.addEventListener("submit", function (event) {
      if (!input.files.length) {
        return; // the browser asks for a file
      }
      event.preventDefault();
      var file = input.files[0];
      var xhr = new XMLHttpRequest();
      xhr.open("PUT", form.dataset.uploadApi + encodeURIComponent(file.name));
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable && e.total > 0) {
          show(e.loaded / e.total);
        }
      };
      xhr.upload.onload = function () { show(1); };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) {
          show(1);
          // Long enough to see it reach 100 %, then the page lists the file.
          setTimeout(function () { location.assign(form.dataset.uploadDone); }, 800);
          return;
        }
        var problem = {};
        try { problem = JSON.parse(xhr.responseText); } catch (e) { /* not a problem document */ }
        var words = [problem.detail || form.dataset.uploadFailed];
        (problem.errors || []).forEach(function (f) { words.push(f.message); });
        fail(words.join(" "));
      };
      xhr.onerror = function () { fail(form.dataset.uploadFailed); };
      failure.hidden = true;
      button.disabled = true;
      box.hidden = false;
      show(0);
      xhr.send(file);
    });
  });
});
