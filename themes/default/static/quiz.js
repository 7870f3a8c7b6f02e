// Self-check questions: instant feedback. The questions work without this script (the answer
// is in a <details>); nothing is stored or sent anywhere.
(function () {
  "use strict";
  document.querySelectorAll("[data-quiz-question]").forEach(function (q) {
    var button = q.querySelector(".quiz__check");
    var result = q.querySelector(".quiz__result");
    if (!button || !result) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var inputs = q.querySelectorAll("input");
      var chosen = 0;
      var right = true;
      inputs.forEach(function (input) {
        var correct = input.hasAttribute("data-correct");
        var item = input.closest("li");
        var feedback = item && item.querySelector(".quiz__feedback");
        if (input.checked) chosen += 1;
        if (input.checked !== correct) right = false;
        if (feedback) feedback.hidden = !input.checked;
        if (item) {
          item.classList.toggle("quiz__answer--right", input.checked && correct);
          item.classList.toggle("quiz__answer--wrong", input.checked && !correct);
        }
      });
      result.textContent = chosen === 0
        ? "Choose an answer first."
        : right
          ? "Correct."
          : "Not quite. Read the feedback under your answer and try again.";
      result.className = "quiz__result" + (chosen === 0 ? "" : right ? " quiz__result--right" : " quiz__result--wrong");
    });
  });
})();
