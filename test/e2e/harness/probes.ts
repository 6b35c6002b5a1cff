/** Reading what the UI shows: counts in tree labels, whether chart canvases drew anything. */
import type { Frame } from 'playwright-core';

/** The row count a tree row shows, e.g. "tool_events 1,234 rows · live" → 1234 (NaN when none). */
export function rowCount(label: string): number {
  const m = /([\d][\d,. ]*)\s*rows?\b/i.exec(label);
  return m ? Number(m[1].replace(/[,. ]/g, '')) : NaN;
}

/** How many <canvas> elements in the frame have at least one non-transparent pixel. */
// Runs in the webview; a string because the host tsconfig has no DOM lib.
const COUNT_DRAWN_CANVASES = `(() => {
  let n = 0;
  for (const c of Array.from(document.querySelectorAll('canvas'))) {
    if (c.width === 0 || c.height === 0) continue;
    const ctx = c.getContext('2d');
    if (!ctx) continue;
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) { n++; break; }
  }
  return n;
})()`;

export function canvasesWithPixels(frame: Frame): Promise<number> {
  return frame.evaluate(COUNT_DRAWN_CANVASES) as Promise<number>;
}
