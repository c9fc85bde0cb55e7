#!/usr/bin/env node
// Prints the summary of one gpu-check.sh run (one backend): the backend that ran, the adapter,
// achieved FLOP/s per layer type (from `trainplan calibrate`'s table, which prints the measured
// rate; the hardware file keeps the fitted peak × efficiency) and validate's prediction error.
// Also appends the same as one JSON object to the file named by --json-out.
//
// usage: node summarize.js --label L --hardware gpu.json --calibrate-table calibrate.txt
//          --validate validate.json [--probe probe.json] [--json-out summary.jsonl]
'use strict';
const fs = require('node:fs');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];

function readJson(file) {
  if (!file || !fs.existsSync(file)) return null;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function si(x, unit) {
  if (!Number.isFinite(x)) return 'n/a';
  const prefixes = [[1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k'], [1, '']];
  const [scale, p] = prefixes.find(([s]) => Math.abs(x) >= s) ?? [1, ''];
  return `${(x / scale).toPrecision(3)} ${p}${unit}`;
}

/** The "layer type / achieved / efficiency" rows of calibrate's table: type -> achieved text. */
function achievedFromTable(file) {
  if (!file || !fs.existsSync(file)) return {};
  const rows = {};
  let inTable = false;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (/^layer type\s+achieved/.test(line)) { inTable = true; continue; }
    if (!inTable || /^-+\s/.test(line)) continue;
    const m = line.match(/^(\S+)\s+(\S+ \S*FLOP\/s)\s+(\S+)\s*$/);
    if (m) rows[m[1]] = m[2];
    else if (!line.trim()) inTable = false;
  }
  return rows;
}

const hw = readJson(args.hardware);
const val = readJson(args.validate);
const probe = readJson(args.probe);
const achieved = achievedFromTable(args['calibrate-table']);
const backend = val?.backend ?? (hw?.source?.match(/with backend (\S+?):/) ?? [])[1] ?? null;

const out = [];
out.push(`== ${args.label ?? backend}`);
out.push(`backend that ran:  ${backend ?? 'none (its runs failed)'}${hw?.source ? `   (${hw.source})` : ''}`);
if (probe) out.push(`adapter:           ${probe.ok ? probe.name : `none — ${probe.reason}`}`);
if (hw) {
  out.push(`peak:              ${si(hw.device.peakFlops, 'FLOP/s')} (calibrate's peakFlops)`);
  out.push('layer type        achieved (measured)   peak x efficiency (fitted)');
  for (const [type, eff] of Object.entries(hw.device.efficiency)) {
    if (type === 'default') continue;
    out.push(`  ${type.padEnd(16)}${(achieved[type] ?? 'n/a').padEnd(22)}${si(hw.device.peakFlops * eff, 'FLOP/s')}`);
  }
} else {
  out.push('calibrate:         FAILED (no hardware file written)');
}
if (val?.rows) {
  out.push(`validate (${val.model}, hardware ${val.hardware}):`);
  out.push('  strategy  workers  predicted s/step  measured s/step  error');
  for (const r of val.rows) {
    out.push(`  ${String(r.strategy).padEnd(10)}${String(r.workers).padEnd(9)}${r.predictedStepSeconds.toFixed(4).padEnd(18)}${r.measuredStepSeconds.toFixed(4).padEnd(17)}${(100 * r.error).toFixed(1)}%`);
  }
  out.push(`  median |error|: ${(100 * val.medianAbsError).toFixed(1)}%`);
} else {
  out.push('validate:          FAILED (no JSON document)');
}
console.log(out.join('\n'));

if (args['json-out']) {
  const record = {
    label: args.label, backend, adapter: probe, hardwareSource: hw?.source ?? null, peakFlops: hw?.device.peakFlops ?? null,
    achieved, efficiency: hw?.device.efficiency ?? null, validate: val ? { rows: val.rows, medianAbsError: val.medianAbsError } : null,
  };
  fs.appendFileSync(args['json-out'], JSON.stringify(record) + '\n');
}
