// Clip cards play their short silent preview while pointed at or focused.
const calm = window.matchMedia("(prefers-reduced-motion: reduce)");

document.querySelectorAll(".clip-card").forEach((card) => {
  const video = card.querySelector("[data-card-preview]");
  if (!video) return;
  let wanted = false;
  const start = () => {
    if (calm.matches) return;
    wanted = true;
    video.play().then(() => {
      if (wanted) card.classList.add("card-previewing");
      else video.pause(); // the pointer left before the preview started
    }).catch(() => {});
  };
  const stop = () => {
    wanted = false;
    card.classList.remove("card-previewing");
    video.pause();
    video.currentTime = 0;
  };
  card.addEventListener("mouseenter", start);
  card.addEventListener("focus", start);
  card.addEventListener("mouseleave", stop);
  card.addEventListener("blur", stop);
});
