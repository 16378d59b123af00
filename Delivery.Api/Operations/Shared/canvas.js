// What the charts of /player and /status share: a canvas drawn at the screen's pixel density, cleared.
'use strict';

// Sizes the canvas's backing store to its CSS size × devicePixelRatio and returns a cleared 2D context in CSS pixels.
window.originCanvas = (canvas) => {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }

  const context = canvas.getContext('2d');
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  return { context, width, height };
};
