#!/usr/bin/env node
// ONNX Runtime timing of one case of bench/gemm (one process per case: many
// sessions in one node process have crashed here before).
//   node bench/gemm/ort_bench.js MODELS_DIR CASE [THREADS] [MIN_SECONDS]
// Prints "CASE<TAB>median seconds per run" for BenchGemm.cpp's --ort file.
// intra_op_num_threads = THREADS (2), sequential execution, all graph
// optimizations: ORT's defaults for a CPU deployment, pinned to the same
// thread count as Ternion. The module is found via $ORT_NODE (default
// /work/peers/node_modules/onnxruntime-node; `npm install --ignore-scripts
// onnxruntime-node` there).
'use strict';
const fs = require('fs');
const ort = require(process.env.ORT_NODE || '/work/peers/node_modules/onnxruntime-node');

async function main() {
  const [dir, name, threadsArg, minArg] = process.argv.slice(2);
  const threads = Number(threadsArg || 2), minSeconds = Number(minArg || 1);
  const line = fs.readFileSync(`${dir}/cases.tsv`, 'utf8').split('\n')
    .map((l) => l.split('\t')).find((f) => f[0] === name);
  if (!line) throw new Error(`no case ${name} in ${dir}/cases.tsv`);
  const [, model, , m, n, k] = line;
  const [M, N, K] = [Number(m), Number(n), Number(k)];
  const session = await ort.InferenceSession.create(`${dir}/${model}.onnx`, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const rand = (count) => Float32Array.from({ length: count }, () => Math.random() * 2 - 1);
  const feeds = {};
  if (model.startsWith('matmul')) {
    feeds.A = new ort.Tensor('float32', rand(M * K), [M, K]);
    feeds.B = new ort.Tensor('float32', rand(K * N), [K, N]);
  } else {
    feeds.X = new ort.Tensor('float32', rand(M * K), [M, K]);
  }
  await session.run(feeds);
  const times = [];
  const start = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
  while (times.length < 5 || (elapsed() < minSeconds && times.length < 1000)) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((a, b) => a - b);
  console.log(`${name}\t${times[Math.floor(times.length / 2)]}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
