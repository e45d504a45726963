/* Speak each new call in Bahasa Indonesia with the browser's own speech synthesis
   (on-device voices: works with no internet). Browsers only allow sound after a click,
   so the TV operator presses "Turn on voice announcements" once. */
(function () {
  var enabled = false, last = null;
  function say(text) {
    if (!enabled || !text || !window.speechSynthesis) return;
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = "id-ID";
    utterance.rate = 0.9;
    var voice = speechSynthesis.getVoices().filter(function (v) { return v.lang && v.lang.indexOf("id") === 0; })[0];
    if (voice) utterance.voice = voice;
    speechSynthesis.speak(utterance);
  }
  function check() {
    var board = document.getElementById("board");
    if (!board) return;
    var latest = board.dataset.latest;
    if (latest && latest !== last) {
      if (last !== null) say(board.dataset.say);
      last = latest;
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    check();
    var button = document.getElementById("enable-sound");
    if (button) button.addEventListener("click", function () { enabled = true; button.hidden = true; say("Pengumuman suara aktif."); });
  });
  document.body && document.body.addEventListener("htmx:afterSwap", check);
  document.addEventListener("htmx:afterSwap", check);
})();
