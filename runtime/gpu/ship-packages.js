#!/usr/bin/env node
// Copies the packages the bundled CLI keeps external (see build-bundle.sh) from the repository's
// node_modules into the bundle's, pruned to the files Node loads: tfjs ships every build (ESM,
// minified, source maps, ~85 MB for core and the three backends) where Node needs one file each.
// Their runtime dependencies (node-fetch, seedrandom, ...) are copied whole, less maps, docs and
// tests. Dawn's dawn.node is not copied here: build-bundle.sh ships it xz-compressed.
//
// usage: node runtime/gpu/ship-packages.js <repo root> <destination node_modules>
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [repoRoot, dest] = process.argv.slice(2);
if (!repoRoot || !dest) {
  console.error('usage: ship-packages.js <repo root> <destination node_modules>');
  process.exit(2);
}

/** Packages the bundle requires at run time, with the files of each that Node loads (from package.json's `main`); a name ending in / is a folder. */
const SHIPPED = {
  '@tensorflow/tfjs-core': ['dist/tf-core.node.js'],
  '@tensorflow/tfjs-backend-cpu': ['dist/tf-backend-cpu.node.js'],
  // The wasm backend's glue is inlined in the node build; it reads the .wasm files next to it.
  '@tensorflow/tfjs-backend-wasm': ['dist/tf-backend-wasm.node.js', 'dist/tfjs-backend-wasm.wasm', 'dist/tfjs-backend-wasm-simd.wasm', 'dist/tfjs-backend-wasm-threaded-simd.wasm'],
  '@tensorflow/tfjs-backend-webgpu': ['dist/tf-backend-webgpu.node.js'],
  piscina: ['dist/'], // a folder: copied whole, less maps and .d.ts
  // index.js loads dist/<platform>-<arch>/dawn.node, shipped compressed by build-bundle.sh.
  webgpu: ['index.js'],
};

/** Dependencies that are types only, or optional extras the shipped code does without. */
const SKIPPED_DEPENDENCIES = new Set(['@webgpu/types', 'debug', '@napi-rs/nice']);
const isSkipped = (name) => name.startsWith('@types/') || SKIPPED_DEPENDENCIES.has(name);

/** Parts of a whole-copied dependency that Node never loads. */
const PRUNED = /(\.map|\.md|\.markdown|\.d\.ts|\.ts|\.flow|\.yml|\.yaml)$|^(test|tests|docs?|benchmarks?|coverage|example|examples|\.nyc_output|\.github)$|^(Gruntfile\.js|bower\.json|component\.json|\.travis\.yml|\.coveralls\.yml|\.npmignore|\.eslintrc.*)$/i;

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Node's lookup: the package's folder as seen from `fromDir`, walking up the node_modules chain. */
function locate(name, fromDir) {
  for (let dir = fromDir; !path.relative(repoRoot, dir).startsWith('..'); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === path.dirname(dir)) break;
  }
  throw new Error(`cannot find ${name} from ${fromDir}`);
}

function copyFile(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

function copyPruned(from, to) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (PRUNED.test(entry.name) || entry.name === 'node_modules') continue;
    const a = path.join(from, entry.name);
    const b = path.join(to, entry.name);
    if (entry.isDirectory()) copyPruned(a, b);
    else if (entry.isFile()) copyFile(a, b);
    else if (entry.isSymbolicLink()) copyFile(fs.realpathSync(a), b); // no links in the bundle
  }
}

/** name -> version placed at the top of `dest` (a second version goes under its dependent). */
const placed = new Map();

/** Copies `name`, as Node finds it from `fromDir`, into the bundle, then its runtime dependencies. */
function ship(name, fromDir, dependentTarget) {
  const src = locate(name, fromDir);
  const pkg = readJson(path.join(src, 'package.json'));
  let target;
  if (!placed.has(name)) {
    placed.set(name, pkg.version);
    target = path.join(dest, name);
  } else if (placed.get(name) === pkg.version) {
    return;
  } else {
    target = path.join(dependentTarget, 'node_modules', name);
  }

  if (SHIPPED[name]) {
    copyFile(path.join(src, 'package.json'), path.join(target, 'package.json'));
    for (const pattern of SHIPPED[name]) {
      if (pattern.endsWith('/')) {
        copyPruned(path.join(src, pattern), path.join(target, pattern));
        continue;
      }
      if (!fs.existsSync(path.join(src, pattern))) throw new Error(`${name}: ${pattern} is missing`);
      copyFile(path.join(src, pattern), path.join(target, pattern));
    }
  } else {
    copyPruned(src, target);
  }
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    if (isSkipped(dep)) continue;
    ship(dep, src, target);
  }
}

for (const name of Object.keys(SHIPPED)) ship(name, repoRoot, dest);
for (const [name, version] of [...placed].sort()) console.log(`  ${name}@${version}`);
