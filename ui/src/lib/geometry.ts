// From the core's boxes (PDF points from the page's bottom-left) to CSS pixels on a rendered page (from its
// top-left), and back: where to draw a field's highlight and which word a click landed on.

export type Box = [number, number, number, number];

export interface CssRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A box in points → a rectangle in pixels on a page `pageHeight` points high drawn at `scale` px/pt. */
export function boxToCss(box: Box, pageHeight: number, scale: number): CssRect {
  const [x0, y0, x1, y1] = box;
  return {
    left: Math.min(x0, x1) * scale,
    top: (pageHeight - Math.max(y0, y1)) * scale,
    width: Math.abs(x1 - x0) * scale,
    height: Math.abs(y1 - y0) * scale,
  };
}

/** The scale that fits a page `pageWidth` points wide into `available` pixels (never below 0.25). */
export function fitScale(pageWidth: number, available: number): number {
  if (pageWidth <= 0 || available <= 0) return 1;
  return Math.max(0.25, available / pageWidth);
}

/** Whether point (x, y) in points lies in the box, with `slack` points around it. */
export function boxContains(box: Box, x: number, y: number, slack = 0): boolean {
  const [x0, y0, x1, y1] = box;
  return x >= Math.min(x0, x1) - slack && x <= Math.max(x0, x1) + slack && y >= Math.min(y0, y1) - slack && y <= Math.max(y0, y1) + slack;
}
