/**
 * sql.js keeps the database file in Emscripten's in-memory file system (MEMFS) and does not
 * expose it, which costs a big database dearly:
 *  - the file grows in 12.5% steps, each a copy of the whole file (a 1M-row backfill: ~2 GB
 *    copied, ~1.5 s of CPU and hundreds of MB of garbage at the memory peak);
 *  - loading copies the snapshot image, and export() copies the whole image once more before
 *    we write it to disk.
 * patchSqlJsSource() adds a small accessor to sql.js's Database (`__tlFile()`) and lets the
 * constructor take ownership of the image it is given. The places are found by the shape of
 * the minified sql.js build, so the names it uses do not matter; package.json pins the exact
 * sql.js version and test/db/sqljsPatch.test.ts checks the patch applies to it. On any other
 * build the patch returns null and the engine runs unpatched sql.js (slower, same results).
 */

/** The database's file inside sql.js (see memoryFile() in sqljs.ts). */
export interface MemoryFile {
  /** Bytes of the file (a view, no copy): valid until the next write to the database. */
  bytes(): Uint8Array;
  /** Room for the file to grow to `capacity` bytes without further copies. */
  reserve(capacity: number): void;
  /** Bytes the file can hold before its storage must be reallocated. */
  capacity(): number;
}

/**
 * Property sql.js's constructor looks for on a Uint8Array it may keep instead of copying: its
 * value is the capacity (bytes from the array's start that belong to it, room to grow included).
 */
export const OWN_IMAGE = '__tlOwn';

export function patchSqlJsSource(src: string): string | null {
  // Database.prototype.export: the one method that reaches a file's MEMFS node
  const exportFn = /(\w+)\.prototype\.\w+=function\(\)\{if\(!this\.db\)throw Error\("Database closed"\);var \w+=this\.filename\+\s*"_export";/.exec(src);
  if (!exportFn) return null;
  const dbClass = exportFn[1];
  const body = src.slice(exportFn.index, exportFn.index + 2500);
  const lookup = /var (\w+)=(\w+)\(\w+\)\.node,/.exec(body);
  if (!lookup) return null;
  const [, node, lookupPath] = lookup;
  // the export writes pages with node.<contents>.set(...) and node.<usedBytes>=Math.max(...)
  const fields = new RegExp(`${node}\\.(\\w+)\\.set\\(\\w+\\.subarray\\(\\w+,\\w+\\+\\w+\\),\\w+\\);${node}\\.(\\w+)=Math\\.max\\(${node}\\.\\2,`).exec(body);
  if (!fields) return null;
  const [, contents, used] = fields;
  // the constructor's createDataFile helper writes the image with FS.write(stream, b, 0, len, 0)
  const ctor = new RegExp(`function ${dbClass}\\((\\w+)\\)\\{this\\.filename="dbfile_"[^;]*;\\1!=null&&(\\w+)\\(this\\.filename,\\s*\\1\\)`).exec(src);
  if (!ctor) return null;
  const createFile = ctor[2];
  const createFn = new RegExp(`function ${createFile}\\((\\w+),(\\w+)\\)\\{[^}]*?(\\w+)\\((\\w+),\\2,0,\\2\\.length,0\\)`).exec(src);
  if (!createFn) return null;

  const accessor =
    `${dbClass}.prototype.__tlFile=function(){var n=${lookupPath}(this.filename).node;return{` +
    `bytes:function(){return n.${contents}?n.${contents}.subarray(0,n.${used}):new Uint8Array(0)},` +
    `capacity:function(){return n.${contents}?n.${contents}.length:0},` +
    `reserve:function(c){var o=n.${contents};if(o&&n.${used}>0&&o.length<c){var a=new Uint8Array(c);a.set(o.subarray(0,n.${used}));n.${contents}=a}}}};`;
  // the file is created by FS.write(stream, b, 0, len, 0), which copies: an owned image becomes the file, with its room
  const writeCall = createFn[0];
  const [stream, image] = [createFn[4], createFn[2]];
  const owned = `(typeof ${image}.${OWN_IMAGE}==="number"?(${stream}.node.${contents}=new Uint8Array(${image}.buffer,${image}.byteOffset,${image}.${OWN_IMAGE}),${stream}.node.${used}=${image}.length):${writeCall.slice(writeCall.lastIndexOf(createFn[3] + '('))})`;
  const ownedWrite = writeCall.slice(0, writeCall.lastIndexOf(createFn[3] + '(')) + owned;
  let out = src.slice(0, createFn.index) + ownedWrite + src.slice(createFn.index + writeCall.length);
  const at = out.indexOf(exportFn[0]);
  out = out.slice(0, at) + accessor + out.slice(at);
  // growth by doubling instead of 12.5% steps (only untouched capacity is added: no RSS cost)
  out = out.replace(/(\w)\*\(\1<1048576\?2:1\.125\)/, '$1*2');
  return out;
}
