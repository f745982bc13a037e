// Own signature pad: draws on a <canvas> and keeps a PNG data URL in the hidden field named by
// data-signature-pad. Loaded as a file (CSP script-src 'self'); no inline script.
(function () {
  function setUp(canvas) {
    const field = document.getElementById(canvas.dataset.signaturePad);
    const ctx = canvas.getContext("2d");
    let drawing = false;
    let drawn = false;
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    ctx.strokeStyle = "#111";

    function point(event) {
      const rect = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - rect.left) * (canvas.width / rect.width),
        y: (event.clientY - rect.top) * (canvas.height / rect.height),
      };
    }
    function save() {
      if (field) field.value = drawn ? canvas.toDataURL("image/png") : "";
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      const p = point(event);
      ctx.beginPath();
      ctx.moveTo(p.x, p.y);
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      const p = point(event);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      drawn = true;
    });
    function stop() {
      if (!drawing) return;
      drawing = false;
      save();
    }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    // touch-action: none (a finger draws instead of scrolling) is in portal.css.

    document.querySelectorAll('[data-signature-clear="' + canvas.id + '"]').forEach(function (button) {
      button.addEventListener("click", function () {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        drawn = false;
        save();
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-signature-pad]").forEach(setUp);
  });
})();
