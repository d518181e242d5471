// Copies transformers.js and ONNX Runtime Web's WebAssembly files from node_modules into vendor/, next to the page,
// so that the page loads nothing from a CDN at run time. Run after `npm ci`: `npm run vendor`.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, 'node_modules');
const vendor = join(here, 'vendor');
rmSync(vendor, { recursive: true, force: true });
mkdirSync(vendor);

// The browser bundle (ONNX Runtime Web's JavaScript inside), and the WebAssembly runtimes it loads from wasmPaths.
const files = [join(modules, '@huggingface/transformers/dist/transformers.min.js')];
const ortDist = join(modules, 'onnxruntime-web/dist');
for (const name of readdirSync(ortDist))
  if (/^ort-wasm-simd-threaded.*\.(mjs|wasm)$/.test(name)) files.push(join(ortDist, name));

for (const file of files) copyFileSync(file, join(vendor, file.split('/').at(-1)));
console.log(`copied ${files.length} files to ${vendor}`);
