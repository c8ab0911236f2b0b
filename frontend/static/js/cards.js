// Clip cards play their short silent preview while pointed at or focused.
const calm = window.matchMedia("(prefers-reduced-motion: reduce)");

document.querySelectorAll(".clip-card").forEach((card) => {
  const video = card.querySelector("[data-card-preview]");
  if (!video) return;
  const start = () => {
    if (calm.matches) return;
    video.play().then(() => card.classList.add("card-previewing")).catch(() => {});
  };
  const stop = () => {
    card.classList.remove("card-previewing");
    video.pause();
    video.currentTime = 0;
  };
  card.addEventListener("mouseenter", start);
  card.addEventListener("focus", start);
  card.addEventListener("mouseleave", stop);
  card.addEventListener("blur", stop);
});
