// Writes a small text PDF (Helvetica, WinAnsi, one A4 page, by default 12 pt lines 14 pt apart from (72, 720))
// the way a simple invoicing tool would, so the e2e tests take in a real PDF without a fixture generator
// dependency. Shared by every e2e file that drops a PDF into the app.

/** Escapes a PDF literal string. */
function literal(text) {
  return `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

/** Where and how large the lines are drawn: font size and line spacing in points, first baseline at (x, y). */
export const INVOICE_LAYOUT = { size: 12, leading: 14, x: 72, y: 720 };

/** The bytes of a one-page PDF showing `lines` drawn with `layout`. */
export function textPdf(lines, layout = INVOICE_LAYOUT) {
  const { size, leading, x, y } = layout;
  const content = ['BT', `/F1 ${size} Tf`, `${leading} TL`, `${x} ${y} Td`, ...lines.flatMap((line) => [`${literal(line)} Tj`, 'T*']), 'ET'].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  let out = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
