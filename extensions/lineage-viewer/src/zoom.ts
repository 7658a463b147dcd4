/**
 * Zoom steps and the scroll that keeps the view's centre in place. Pure, for unit tests.
 */

/** The zoom factors the buttons step through; 1 (100%) is one of them. */
export const ZOOM_STEPS: readonly number[] = [
  0.25, 0.33, 0.5, 0.67, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2,
];

/** The next step above (`+1`) or below (`-1`) `zoom`; from between two steps, the nearer side. */
export function zoomStep(zoom: number, direction: 1 | -1): number {
  const eps = 1e-6;
  if (direction > 0) return ZOOM_STEPS.find((z) => z > zoom + eps) ?? (ZOOM_STEPS.at(-1) as number);
  return [...ZOOM_STEPS].reverse().find((z) => z < zoom - eps) ?? ZOOM_STEPS[0];
}

/**
 * The scroll offset along one axis that keeps the point at the viewport's centre where it
 * is when the zoom goes from `from` to `to`.
 */
export function anchoredScroll(scroll: number, viewport: number, from: number, to: number): number {
  const centre = (scroll + viewport / 2) / from;
  return Math.max(0, centre * to - viewport / 2);
}
