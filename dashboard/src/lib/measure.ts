import type { MeasureText } from './layout';
import { estimateText } from './layout';

/**
 * Measures text with a canvas in the chart's fonts, so ELK sizes each state box and label to its
 * text. Falls back to an estimate where there is no 2D canvas.
 */
export function canvasMeasure(): MeasureText {
  const context = document.createElement('canvas').getContext('2d');
  if (context === null) return estimateText;
  const cache = new Map<string, number>();
  return (text, font) => {
    const key = `${font}|${text}`;
    let width = cache.get(key);
    if (width === undefined) {
      context.font = font;
      width = Math.ceil(context.measureText(text).width);
      cache.set(key, width);
    }
    return width;
  };
}
