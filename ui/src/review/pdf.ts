// pdf.js, set up for offline use inside the app: the worker, character maps, standard fonts and image
// decoders all come from the app's own files (bundled by vite.config.ts), never from a network.
// Loaded on demand, so the queues paint before pdf.js is parsed.

import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

let loading: Promise<typeof import('pdfjs-dist/legacy/build/pdf.mjs')> | null = null;

async function pdfjs() {
  loading ??= (async () => {
    const lib = await import('pdfjs-dist/legacy/build/pdf.mjs');
    lib.GlobalWorkerOptions.workerSrc = new URL('pdfjs/pdf.worker.min.js', document.baseURI).href;
    return lib;
  })();
  return loading;
}

/** Where the bundled assets are served from (next to index.html). */
export function assetUrl(name: 'cmaps' | 'standard_fonts' | 'wasm', base: string = document.baseURI): string {
  return new URL(`pdfjs/${name}/`, base).href;
}

/** Opens a PDF from its bytes. */
export async function openPdf(bytes: ArrayBuffer): Promise<PDFDocumentProxy> {
  const lib = await pdfjs();
  return lib.getDocument({
    // pdf.js transfers the buffer to its worker: give it a copy so the caller's stays usable
    data: new Uint8Array(bytes.slice(0)),
    cMapUrl: assetUrl('cmaps'),
    cMapPacked: true,
    standardFontDataUrl: assetUrl('standard_fonts'),
    wasmUrl: assetUrl('wasm'),
    isEvalSupported: false,
    enableXfa: false,
  }).promise;
}
