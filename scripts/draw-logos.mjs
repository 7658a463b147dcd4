// Draws the kernelspec logos (assets/<language>/logo-*.{svg,png}): one mark per kernel, so
// JupyterLab's launcher tells the TypeScript and JavaScript kernels apart. The PNGs are
// rendered from the SVGs by Debian's Chromium; run `node scripts/draw-logos.mjs` after
// editing a mark and commit the results.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const MARKS = {
  typescript: { label: "TS", fill: "#3178c6", ink: "#ffffff" },
  javascript: { label: "JS", fill: "#f0db4f", ink: "#1e1e1e" },
};

/**
 * A rounded square with the language's letters and replab's teal bar along the bottom.
 * @param {{ label: string, fill: string, ink: string }} mark
 */
function svg({ label, fill, ink }) {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">` +
    `<rect width="32" height="32" rx="5" fill="${fill}"/>` +
    `<rect x="0" y="27" width="32" height="5" fill="#008080"/>` +
    `<text x="16" y="21" text-anchor="middle" font-family="DejaVu Sans, sans-serif" ` +
    `font-weight="bold" font-size="15" fill="${ink}">${label}</text></svg>\n`
  );
}

const browser = await chromium.launch({
  executablePath: process.env.REPLAB_CHROMIUM ?? "/usr/bin/chromium",
});
try {
  for (const [language, mark] of Object.entries(MARKS)) {
    const dir = join(import.meta.dirname, "..", "assets", language);
    const text = svg(mark);
    writeFileSync(join(dir, "logo-svg.svg"), text);
    for (const size of [32, 64]) {
      const page = await browser.newPage({ viewport: { width: size, height: size } });
      await page.setContent(
        `<html><body style="margin:0;background:transparent">${text.replace("<svg ", `<svg width="${size}" height="${size}" `)}</body></html>`,
      );
      await page.screenshot({ path: join(dir, `logo-${size}x${size}.png`), omitBackground: true });
      await page.close();
    }
  }
} finally {
  await browser.close();
}
