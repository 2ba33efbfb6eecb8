#!/usr/bin/env node
// Run a Ternion fixture model (test/models/NAME) with ONNX Runtime (npm onnxruntime-node) and
// compare with the references recorded at export:
//   - model.onnx     on NAME/test_data_set_*/      (input_K.pb -> output_K.pb)
//   - model-kv.onnx  on NAME/kv/test_data_set_*/
//   - greedy decoding through model-kv.onnx for every prompt in reference.json (token ids).
// Usage: node scripts/peers/ort_check.js test/models/NAME [--atol A] [--rtol R] [--no-greedy]
// The module is found via $ORT_NODE (default /work/peers/node_modules/onnxruntime-node).
// Exit status 0 when every tensor is within tolerance (|got-ref| <= atol + rtol*|ref|) and, for
// models whose reference.json has "greedy_must_match": true, every greedy token matches.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require(process.env.ORT_NODE || '/work/peers/node_modules/onnxruntime-node');

// ---- minimal onnx.TensorProto decoder (fields used by numpy_helper.from_array)
function readVarint(buf, pos) {
  let result = 0n, shift = 0n, b;
  do { b = buf[pos++]; result |= BigInt(b & 0x7f) << shift; shift += 7n; } while (b & 0x80);
  return [result, pos];
}
const TYPES = { 1: ['float32', Float32Array, 4], 3: ['int8', Int8Array, 1], 6: ['int32', Int32Array, 4],
                7: ['int64', BigInt64Array, 8], 9: ['bool', Uint8Array, 1], 11: ['float64', Float64Array, 8] };
function decodeTensor(buf) {
  let pos = 0; const dims = []; let dtype = 0, name = '', raw = null; const f32 = [], i64 = [];
  while (pos < buf.length) {
    let key; [key, pos] = readVarint(buf, pos);
    const field = Number(key >> 3n), wire = Number(key & 7n);
    if (wire === 0) {
      let v; [v, pos] = readVarint(buf, pos);
      if (field === 1) dims.push(Number(v)); else if (field === 2) dtype = Number(v); else if (field === 7) i64.push(BigInt.asIntN(64, v));
    } else if (wire === 2) {
      let len; [len, pos] = readVarint(buf, pos); len = Number(len);
      const sub = buf.subarray(pos, pos + len); pos += len;
      if (field === 1) { let p = 0; while (p < sub.length) { let v; [v, p] = readVarint(sub, p); dims.push(Number(v)); } }
      else if (field === 8) name = sub.toString('utf8');
      else if (field === 9) raw = sub;
      else if (field === 4) for (let p = 0; p < sub.length; p += 4) f32.push(sub.readFloatLE(p));
      else if (field === 7) { let p = 0; while (p < sub.length) { let v; [v, p] = readVarint(sub, p); i64.push(BigInt.asIntN(64, v)); } }
    } else if (wire === 5) pos += 4; else if (wire === 1) pos += 8;
    else throw new Error('unsupported wire type ' + wire);
  }
  const t = TYPES[dtype];
  if (!t) throw new Error('unsupported TensorProto data_type ' + dtype);
  let data;
  if (raw) { const copy = Buffer.from(raw); data = new t[1](copy.buffer, copy.byteOffset, copy.length / t[2]); }
  else if (dtype === 1) data = Float32Array.from(f32); else if (dtype === 7) data = BigInt64Array.from(i64);
  else data = new t[1](0);
  return { name, type: t[0], dims, data };
}
const loadPb = (f) => decodeTensor(fs.readFileSync(f));

function compare(got, ref, atol, rtol) {
  if (got.dims.join(',') !== ref.dims.join(',')) return { ok: false, msg: `shape ${got.dims} != ${ref.dims}` };
  let maxAbs = 0, worst = 0, bad = 0;
  for (let i = 0; i < ref.data.length; i++) {
    const g = Number(got.data[i]), r = Number(ref.data[i]);
    const d = Math.abs(g - r);
    if (!(d <= atol + rtol * Math.abs(r))) bad++;
    if (d > maxAbs || Number.isNaN(d)) maxAbs = d;
    const excess = d - (atol + rtol * Math.abs(r)); if (excess > worst) worst = excess;
  }
  return { ok: bad === 0, maxAbs, bad, n: ref.data.length };
}

async function runSets(modelPath, setsDir, atol, rtol, report) {
  if (!fs.existsSync(setsDir)) return true;
  const sets = fs.readdirSync(setsDir).filter((d) => d.startsWith('test_data_set_')).sort();
  if (!sets.length) return true;
  const sess = await ort.InferenceSession.create(modelPath);
  let allOk = true;
  for (const s of sets) {
    const dir = path.join(setsDir, s);
    const ins = fs.readdirSync(dir).filter((f) => /^input_\d+\.pb$/.test(f)).sort((a, b) => parseInt(a.slice(6)) - parseInt(b.slice(6)));
    const outs = fs.readdirSync(dir).filter((f) => /^output_\d+\.pb$/.test(f)).sort((a, b) => parseInt(a.slice(7)) - parseInt(b.slice(7)));
    const feeds = {};
    ins.forEach((f, k) => { const t = loadPb(path.join(dir, f)); feeds[t.name || sess.inputNames[k]] = new ort.Tensor(t.type, t.data, t.dims); });
    const res = await sess.run(feeds);
    let maxAbs = 0, ok = true, msgs = [];
    outs.forEach((f, k) => {
      const ref = loadPb(path.join(dir, f));
      const name = ref.name || sess.outputNames[k];
      const c = compare(res[name], ref, atol, rtol);
      if (!c.ok) { ok = false; msgs.push(`${name}: ${c.msg || c.bad + '/' + c.n + ' elements out of tolerance, max |diff| ' + c.maxAbs}`); }
      maxAbs = Math.max(maxAbs, c.maxAbs || 0);
    });
    report.push({ graph: path.basename(modelPath), set: path.relative(path.dirname(modelPath), dir), ok, max_abs_diff: maxAbs, errors: msgs });
    allOk = allOk && ok;
  }
  return allOk;
}

async function greedy(modelPath, ref, report) {
  const sess = await ort.InferenceSession.create(modelPath);
  const cfg = ref.config;
  // LLaMA-style configs say n_layers/n_kv_heads; gpt2-tiny's GPT-2 config n_layer/n_head.
  const nl = cfg.n_layers ?? cfg.n_layer, kvh = cfg.n_kv_heads ?? cfg.n_head, hd = cfg.head_dim;
  const results = [];
  for (const p of ref.prompts) {
    let ids = p.ids.slice(), pastLen = 0; const out = [];
    let past = [];
    for (let i = 0; i < nl; i++) past.push([new ort.Tensor('float32', new Float32Array(0), [1, kvh, 0, hd]), new ort.Tensor('float32', new Float32Array(0), [1, kvh, 0, hd])]);
    for (let step = 0; step < p.greedy_ids.length; step++) {
      const t = ids.length;
      const feeds = {
        input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, t]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(pastLen + t).fill(1n), [1, pastLen + t]),
        position_ids: new ort.Tensor('int64', BigInt64Array.from(Array.from({ length: t }, (_, j) => BigInt(pastLen + j))), [1, t]),
      };
      for (let i = 0; i < nl; i++) { feeds[`past_key_values.${i}.key`] = past[i][0]; feeds[`past_key_values.${i}.value`] = past[i][1]; }
      const r = await sess.run(feeds);
      const V = r.logits.dims[2], L = r.logits.data, off = (t - 1) * V;
      let best = 0; for (let v = 1; v < V; v++) if (L[off + v] > L[off + best]) best = v;
      out.push(best);
      for (let i = 0; i < nl; i++) past[i] = [r[`present.${i}.key`], r[`present.${i}.value`]];
      pastLen += t; ids = [best];
    }
    let firstDiff = -1;
    for (let k = 0; k < out.length; k++) if (out[k] !== p.greedy_ids[k]) { firstDiff = k; break; }
    // gpt2-tiny has no tokenizer: its prompts are ids only.
    results.push({ prompt: p.text ?? p.ids.join(','), match: firstDiff < 0, first_mismatch: firstDiff,
                   tokens: out.length });
  }
  report.push({ graph: path.basename(modelPath), greedy: results });
  return results.every((r) => r.match);
}

async function main() {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--') && !/^[0-9.e-]+$/.test(a));
  if (!dir) { console.error('usage: ort_check.js MODEL_DIR [--atol A] [--rtol R] [--no-greedy]'); process.exit(2); }
  const refPath = path.join(dir, 'reference.json');
  const ref = fs.existsSync(refPath) ? JSON.parse(fs.readFileSync(refPath, 'utf8')) : {};
  const tol = ref.ort_tolerance || { atol: 1e-3, rtol: 1e-3 };
  const ai = args.indexOf('--atol'), ri = args.indexOf('--rtol');
  const atol = ai >= 0 ? parseFloat(args[ai + 1]) : tol.atol;
  const rtol = ri >= 0 ? parseFloat(args[ri + 1]) : tol.rtol;
  const report = [];
  let ok = await runSets(path.join(dir, 'model.onnx'), dir, atol, rtol, report);
  ok = (await runSets(path.join(dir, 'model-kv.onnx'), path.join(dir, 'kv'), atol, rtol, report)) && ok;
  let greedyOk = true;
  if (!args.includes('--no-greedy') && ref.prompts && ref.prompts.length) {
    greedyOk = await greedy(path.join(dir, 'model-kv.onnx'), ref, report);
    if (ref.greedy_must_match) ok = ok && greedyOk;
  }
  console.log(JSON.stringify({ model: path.basename(path.resolve(dir)), ort_version: ort.env.versions ? ort.env.versions.common : undefined,
                               atol, rtol, ok, greedy_all_match: greedyOk, report }));
  process.exit(ok ? 0 : 1);
}
main().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
