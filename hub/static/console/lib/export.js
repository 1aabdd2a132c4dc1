// Exports of what the API returned to the signed-in person (so they pass the same policy as the API itself):
// CSV (UTF-8 with BOM, which spreadsheet programs need to read Chinese) and XLSX (Office Open XML: a few XML
// parts in a stored, uncompressed ZIP; the format needs no more, and so no library).
//
// A sheet is {name, columns: [{label, value: row => …, type: "text" | "int" | "decimal" | "percent"}], rows}.

export function csv(sheet) {
  const quote = (v) => {
    const text = v === null || v === undefined ? "" : String(v);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [sheet.columns.map((c) => quote(c.label)).join(",")];
  for (const row of sheet.rows) lines.push(sheet.columns.map((c) => quote(c.value(row))).join(","));
  return new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
}

export function xlsx(sheets) {
  const encoder = new TextEncoder();
  const parts = [
    ["[Content_Types].xml", contentTypes(sheets.length)],
    ["_rels/.rels", RELS],
    ["xl/workbook.xml", workbook(sheets)],
    ["xl/_rels/workbook.xml.rels", workbookRels(sheets.length)],
    ["xl/styles.xml", STYLES],
    ...sheets.map((sheet, i) => [`xl/worksheets/sheet${i + 1}.xml`, worksheet(sheet)]),
  ];
  return new Blob([zip(parts.map(([name, text]) => [name, encoder.encode(text)]))],
    { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" });
}

export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG = "http://schemas.openxmlformats.org/package/2006/relationships";

const RELS = `${XML}<Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;

// Cell styles: 0 plain, 1 bold header, 2 percent (0.0%), 3 two decimals.
const STYLES = `${XML}<styleSheet xmlns="${MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>`
  + '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
  + '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
  + '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
  + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
  + '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
  + '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
  + '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
  + '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
  + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>';

const SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml";

function contentTypes(count) {
  const sheets = Array.from({ length: count }, (_, i) =>
    `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="${SHEET_TYPE}.worksheet+xml"/>`).join("");
  return `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`
    + `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`
    + `<Default Extension="xml" ContentType="application/xml"/>`
    + `<Override PartName="/xl/workbook.xml" ContentType="${SHEET_TYPE}.sheet.main+xml"/>`
    + `<Override PartName="/xl/styles.xml" ContentType="${SHEET_TYPE}.styles+xml"/>${sheets}</Types>`;
}

function workbook(sheets) {
  // Sheet names: at most 31 characters, none of : \ / ? * [ ]
  const names = sheets.map((sheet, i) =>
    `<sheet name="${escape(sheet.name.replace(/[:\\/?*[\]]/g, " ").slice(0, 31))}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`);
  return `${XML}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets>${names.join("")}</sheets></workbook>`;
}

function workbookRels(count) {
  const sheets = Array.from({ length: count }, (_, i) =>
    `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join("");
  return `${XML}<Relationships xmlns="${PKG}">${sheets}`
    + `<Relationship Id="rId${count + 1}" Type="${REL}/styles" Target="styles.xml"/></Relationships>`;
}

function worksheet(sheet) {
  const cols = sheet.columns.map((c, i) => {
    const width = Math.min(60, Math.max(10, ...[c.label, ...sheet.rows.map((r) => c.value(r))].map(displayWidth)) + 2);
    return `<col min="${i + 1}" max="${i + 1}" width="${width}" customWidth="1"/>`;
  }).join("");
  const header = `<row r="1">${sheet.columns.map((c, i) => text(ref(i, 1), c.label, 1)).join("")}</row>`;
  const rows = sheet.rows.map((row, r) =>
    `<row r="${r + 2}">${sheet.columns.map((c, i) => cell(ref(i, r + 2), c.value(row), c.type)).join("")}</row>`);
  return `${XML}<worksheet xmlns="${MAIN}"><sheetViews><sheetView workbookViewId="0">`
    + '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
    + `<cols>${cols}</cols><sheetData>${header}${rows.join("")}</sheetData></worksheet>`;
}

function displayWidth(value) {  // CJK characters take two columns
  return [...String(value ?? "")].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);
}

function ref(column, row) {
  let name = "";
  for (let n = column + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return `${name}${row}`;
}

function cell(at, value, type = "text") {
  if (value === null || value === undefined || value === "") return "";
  if (type !== "text" && Number.isFinite(Number(value))) {
    const style = { percent: 2, decimal: 3 }[type] || 0;
    return `<c r="${at}"${style ? ` s="${style}"` : ""}><v>${Number(value)}</v></c>`;
  }
  return text(at, value, 0);
}

function text(at, value, style) {
  return `<c r="${at}" t="inlineStr"${style ? ` s="${style}"` : ""}><is><t xml:space="preserve">${escape(value)}</t></is></c>`;
}

function escape(value) {
  // Characters XML 1.0 cannot carry are dropped; the rest escaped.
  return String(value).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

// ZIP with stored (uncompressed) entries: local headers, data, central directory, end record.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function zip(entries) {
  const encoder = new TextEncoder();
  const now = new Date();
  const time = (now.getHours() << 11) | (now.getMinutes() << 5) | Math.floor(now.getSeconds() / 2);
  const date = ((now.getFullYear() - 1980) << 9) | ((now.getMonth() + 1) << 5) | now.getDate();
  const chunks = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = encoder.encode(name);
    const crc = crc32(data);
    const local = new DataView(new ArrayBuffer(30));
    [[0, 0x04034b50, 4], [4, 20, 2], [6, 0x0800, 2], [8, 0, 2], [10, time, 2], [12, date, 2], [14, crc, 4],
      [18, data.length, 4], [22, data.length, 4], [26, nameBytes.length, 2], [28, 0, 2]].forEach(([at, v, n]) => put(local, at, v, n));
    const entry = new DataView(new ArrayBuffer(46));
    [[0, 0x02014b50, 4], [4, 20, 2], [6, 20, 2], [8, 0x0800, 2], [10, 0, 2], [12, time, 2], [14, date, 2], [16, crc, 4],
      [20, data.length, 4], [24, data.length, 4], [28, nameBytes.length, 2], [30, 0, 2], [32, 0, 2], [34, 0, 2],
      [36, 0, 2], [38, 0, 4], [42, offset, 4]].forEach(([at, v, n]) => put(entry, at, v, n));
    chunks.push(new Uint8Array(local.buffer), nameBytes, data);
    central.push(new Uint8Array(entry.buffer), nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const size = central.reduce((n, c) => n + c.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  [[0, 0x06054b50, 4], [4, 0, 2], [6, 0, 2], [8, entries.length, 2], [10, entries.length, 2], [12, size, 4],
    [16, offset, 4], [20, 0, 2]].forEach(([at, v, n]) => put(end, at, v, n));
  return new Blob([...chunks, ...central, new Uint8Array(end.buffer)]);
}

function put(view, at, value, bytes) {
  if (bytes === 4) view.setUint32(at, value, true);
  else view.setUint16(at, value, true);
}
