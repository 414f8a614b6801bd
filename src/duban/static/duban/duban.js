// Duban's page behaviours, bound by data attributes (no inline script: the Content-Security-
// Policy allows scripts from this site only).
//   <select data-autosubmit>     submits its form when changed
//   <form data-confirm="…">      asks before submitting
//   <button data-busy="…">       when its form submits, is disabled and says it is busy
//   <form id="upload-form">      uploads with a progress bar (large tables take a while)
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) field.form.submit();
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    // after the browser has taken the button's name and value into the form's data
    window.setTimeout(function () {
      form.querySelectorAll("button[data-busy]").forEach(function (button) {
        button.disabled = true;
        button.textContent = button.dataset.busy;
      });
    }, 0);
  });

  var upload = document.getElementById("upload-form");
  if (upload && window.FormData && window.XMLHttpRequest) {
    upload.addEventListener("submit", function (event) {
      var file = upload.querySelector("input[type=file]");
      if (event.defaultPrevented || !file || !file.files.length) return;
      event.preventDefault();
      var bar = document.querySelector("#upload-progress .progress-bar");
      var request = new XMLHttpRequest();
      upload.querySelector("button[type=submit]").disabled = true;
      document.getElementById("upload-progress").classList.remove("d-none");
      request.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var percent = Math.round((e.loaded * 100) / e.total);
        bar.style.width = percent + "%";
        bar.textContent = percent + "%";
        if (percent === 100) document.getElementById("upload-stage").classList.remove("d-none");
      });
      request.addEventListener("load", function () {
        if (request.responseURL && request.responseURL !== window.location.href) {
          window.location = request.responseURL;
        } else {
          document.open();
          document.write(request.responseText);
          document.close();
        }
      });
      request.open("POST", upload.action || window.location.href);
      request.send(new FormData(upload));
    });
  }
})();
