#!/usr/bin/env node
// ONNX Runtime side of the LLM benchmark (bench/llm/run.sh): runs a Hugging Face Optimum
// KV-cache graph (model-kv.onnx) on a fixed prompt of token ids, batch 1:
//   prefill: one run over the whole prompt with past length 0;
//   decode:  N greedy steps of one token each, past length = prompt + tokens so far.
// Usage: node bench/llm/ort_bench.js MODEL_KV.onnx IDS_FILE [--decode 128] [--threads 2]
//                                    [--reps 3] [--warmup 1] [--logits-out FILE]
// IDS_FILE holds whitespace-separated token ids. The module is found via $ORT_NODE (default
// /work/peers/node_modules/onnxruntime-node). intraOpNumThreads = --threads, interOpNumThreads
// = 1, sequential execution. Prints one JSON line: per-rep times, mean tok/s, the greedy ids of
// the last rep (for the cross-runtime check) and the ORT version. --logits-out writes the
// prefill's last-position logits (raw little-endian f32) for the same check.
'use strict';
const fs = require('fs');
const ort = require(process.env.ORT_NODE || '/work/peers/node_modules/onnxruntime-node');

function arg(args, name, def) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
}

async function main() {
  const args = process.argv.slice(2);
  const pos = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
  if (pos.length !== 2) {
    console.error('usage: ort_bench.js MODEL_KV.onnx IDS_FILE [--decode N] [--threads T] [--reps R] [--warmup W] [--logits-out F]');
    process.exit(2);
  }
  const [modelPath, idsPath] = pos;
  const nDecode = parseInt(arg(args, '--decode', '128'), 10);
  const threads = parseInt(arg(args, '--threads', '2'), 10);
  const reps = parseInt(arg(args, '--reps', '3'), 10);
  const warmup = parseInt(arg(args, '--warmup', '1'), 10);
  const logitsOut = arg(args, '--logits-out', null);
  const prompt = fs.readFileSync(idsPath, 'utf8').trim().split(/\s+/).map(Number);

  const sess = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const pastNames = sess.inputNames.filter((n) => n.startsWith('past_key_values.'));
  const nLayers = pastNames.length / 2;
  const meta = sess.inputMetadata ? sess.inputMetadata.find((m) => m.name === 'past_key_values.0.key') : null;
  let kvh, hd;
  if (meta && meta.shape && typeof meta.shape[1] === 'number' && typeof meta.shape[3] === 'number') {
    kvh = meta.shape[1]; hd = meta.shape[3];
  } else {
    kvh = parseInt(arg(args, '--kv-heads', '0'), 10); hd = parseInt(arg(args, '--head-dim', '0'), 10);
    if (!kvh || !hd) { console.error('ort_bench.js: cannot read past shapes; pass --kv-heads and --head-dim'); process.exit(2); }
  }

  function argmax(L, off, V) {
    let best = 0;
    for (let v = 1; v < V; v++) if (L[off + v] > L[off + best]) best = v;
    return best;
  }

  async function step(ids, pastLen, past) {
    const t = ids.length;
    const feeds = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, t]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(pastLen + t).fill(1n), [1, pastLen + t]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from(Array.from({ length: t }, (_, j) => BigInt(pastLen + j))), [1, t]),
    };
    for (let i = 0; i < nLayers; i++) {
      feeds[`past_key_values.${i}.key`] = past[i][0];
      feeds[`past_key_values.${i}.value`] = past[i][1];
    }
    const r = await sess.run(feeds);
    const next = [];
    for (let i = 0; i < nLayers; i++) next.push([r[`present.${i}.key`], r[`present.${i}.value`]]);
    return { logits: r.logits, past: next };
  }

  async function once() {
    let past = [];
    for (let i = 0; i < nLayers; i++) {
      past.push([new ort.Tensor('float32', new Float32Array(0), [1, kvh, 0, hd]),
                 new ort.Tensor('float32', new Float32Array(0), [1, kvh, 0, hd])]);
    }
    const t0 = process.hrtime.bigint();
    let r = await step(prompt, 0, past);
    const V = r.logits.dims[2];
    let tok = argmax(r.logits.data, (prompt.length - 1) * V, V);
    const t1 = process.hrtime.bigint();
    const prefillLogits = r.logits.data.slice((prompt.length - 1) * V, prompt.length * V);
    const gen = [tok];
    past = r.past;
    let pastLen = prompt.length;
    for (let s = 0; s < nDecode; s++) {
      r = await step([tok], pastLen, past);
      past = r.past;
      pastLen += 1;
      tok = argmax(r.logits.data, 0, V);
      gen.push(tok);
    }
    const t2 = process.hrtime.bigint();
    return { prefill_s: Number(t1 - t0) / 1e9, decode_s: Number(t2 - t1) / 1e9, gen, prefillLogits };
  }

  for (let w = 0; w < warmup; w++) await once();
  const runs = [];
  let last;
  for (let k = 0; k < reps; k++) { last = await once(); runs.push(last); }
  if (logitsOut) fs.writeFileSync(logitsOut, Buffer.from(last.prefillLogits.buffer, last.prefillLogits.byteOffset, last.prefillLogits.byteLength));
  const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
  const pf = runs.map((r) => prompt.length / r.prefill_s), dc = runs.map((r) => nDecode / r.decode_s);
  console.log(JSON.stringify({
    runtime: 'onnxruntime', version: ort.env.versions ? ort.env.versions.common : null, threads,
    prompt_tokens: prompt.length, decode_tokens: nDecode, reps, warmup,
    prefill_s: runs.map((r) => r.prefill_s), decode_s: runs.map((r) => r.decode_s),
    prefill_tok_s: mean(pf), decode_tok_s: mean(dc), greedy_ids: last.gen,
  }));
}
main().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
