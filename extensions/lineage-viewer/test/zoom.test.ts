import { describe, expect, it } from "vitest";
import { anchoredScroll, ZOOM_STEPS, zoomStep } from "../src/zoom.js";

describe("zoom steps", () => {
  it("steps through 100% from either side, from on or between steps", () => {
    expect(ZOOM_STEPS).toContain(1);
    expect(zoomStep(0.9, 1)).toBe(1);
    expect(zoomStep(1.1, -1)).toBe(1);
    // A "Fit" zoom of 28% steps back up through the list and lands on 100%.
    let z = 0.28;
    const seen: number[] = [];
    while (z < 1) seen.push((z = zoomStep(z, 1)));
    expect(seen.at(-1)).toBe(1);
    expect(zoomStep(0.95, -1)).toBe(0.9);
  });

  it("stops at the ends", () => {
    expect(zoomStep(2, 1)).toBe(2);
    expect(zoomStep(0.25, -1)).toBe(0.25);
  });

  it("keeps the point at the viewport's centre in place", () => {
    // Centre at 300 px of a 200 px viewport (scroll 200) at 100%: at 200% it is at 600 px.
    expect(anchoredScroll(200, 200, 1, 2)).toBe(500);
    expect(anchoredScroll(500, 200, 2, 1)).toBe(200);
    expect(anchoredScroll(0, 200, 1, 0.5)).toBe(0);
  });
});
