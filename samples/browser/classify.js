// Text classification in the browser with transformers.js and a model folder exported by BertNotebooks
// (config.json with id2label, tokenizer.json, onnx/model.onnx). Everything is served from this folder: the library and
// ONNX Runtime's WebAssembly from vendor/ (npm ci && npm run vendor), the model from models/<name>/.
import { env, pipeline } from './vendor/transformers.min.js';

const params = new URLSearchParams(location.search);
const status = document.getElementById('status');

env.allowRemoteModels = false; // never the Hugging Face hub
env.allowLocalModels = true; // off by default in browsers
// A path, not a full URL: transformers.js 4.3.1 looks for a local tokenizer only under a path.
env.localModelPath = new URL('models/', location.href).pathname;
env.backends.onnx.wasm.wasmPaths = new URL('vendor/', import.meta.url).href;
env.backends.onnx.wasm.numThreads = 1; // threads need a cross-origin-isolated page

try {
  // models/<name>/: ?model=NAME, or "model". fp32: onnx/model.onnx, the graph as exported (no quantized variant).
  const classifier = await pipeline('text-classification', params.get('model') ?? 'model', { dtype: 'fp32', device: 'wasm' });
  // Every label with its probability, the most probable first. A text over 512 tokens is cut to 512; transformers.js
  // cuts after adding [CLS] and [SEP], so such a text loses its final [SEP] (Python's transformers keeps it).
  const classify = async (text) => (await classifier(text, { top_k: null })).map(({ label, score }) => ({ label, score }));

  if (params.has('texts')) await classifyFile(classify, params.get('texts'));
  const button = document.getElementById('classify');
  button.onclick = async () => show(await classify(document.getElementById('text').value));
  button.disabled = false;
  status.textContent = 'Ready.';
} catch (error) {
  status.textContent = `Could not load the model: ${error.message}`;
  document.getElementById('results').textContent = JSON.stringify({ error: String(error.message ?? error) });
}

function show(predictions) {
  const table = document.getElementById('predictions');
  table.replaceChildren(...predictions.map(({ label, score }) => {
    const row = document.createElement('tr');
    row.innerHTML = `<td></td><td class="score">${score.toFixed(4)}</td>`;
    row.firstChild.textContent = label;
    return row;
  }));
}

async function classifyFile(classify, file) {
  const texts = await (await fetch(file)).json();
  const answers = [];
  for (const text of texts) answers.push(await classify(text));
  document.getElementById('results').textContent = JSON.stringify(answers);
}
