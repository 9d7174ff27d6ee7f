'use strict';
// Evaluates JS's Math functions, and Scratch's operator_mathop formulas built on them, in
// this Node process, for tests/bench/jsmath_agreement.py.
//
// stdin:  {"<function>": ["<hex>" | "<hex>,<hex>", ...], ...}  (inputs as IEEE bit patterns)
// stdout: {"<function>": ["<hex>", ...], ...,                  (results, same order)
//          "versions": {"node": ..., "v8": ...}}
//
// Function names are the Math ones ("sin", ..., "atan2", "pow") and "mathop:<option>" for
// Scratch's mathop options ("mathop:sin", ..., "mathop:e ^", "mathop:10 ^").

const view = new DataView(new ArrayBuffer(8));

function fromHex(hex) {
  view.setUint32(0, parseInt(hex.slice(0, 8), 16));
  view.setUint32(4, parseInt(hex.slice(8, 16), 16));
  return view.getFloat64(0);
}

function toHex(x) {
  view.setFloat64(0, x);
  return view.getUint32(0).toString(16).padStart(8, '0') +
    view.getUint32(4).toString(16).padStart(8, '0');
}

// scratch-vm src/util/math-util.js MathUtil.tan
function scratchTan(angle) {
  angle = angle % 360;
  switch (angle) {
    case -270:
    case 90:
      return Infinity;
    case -90:
    case 270:
      return -Infinity;
    default:
      return parseFloat(Math.tan((Math.PI * angle) / 180).toFixed(10));
  }
}

// scratch-vm src/blocks/scratch3_operators.js mathop, the options that use Math's functions.
const FUNCTIONS = {
  sin: (x) => Math.sin(x),
  cos: (x) => Math.cos(x),
  tan: (x) => Math.tan(x),
  asin: (x) => Math.asin(x),
  acos: (x) => Math.acos(x),
  atan: (x) => Math.atan(x),
  exp: (x) => Math.exp(x),
  log: (x) => Math.log(x),
  atan2: (y, x) => Math.atan2(y, x),
  pow: (x, y) => Math.pow(x, y),
  'mathop:sin': (n) => parseFloat(Math.sin((Math.PI * n) / 180).toFixed(10)),
  'mathop:cos': (n) => parseFloat(Math.cos((Math.PI * n) / 180).toFixed(10)),
  'mathop:tan': (n) => scratchTan(n),
  'mathop:asin': (n) => (Math.asin(n) * 180) / Math.PI,
  'mathop:acos': (n) => (Math.acos(n) * 180) / Math.PI,
  'mathop:atan': (n) => (Math.atan(n) * 180) / Math.PI,
  'mathop:ln': (n) => Math.log(n),
  'mathop:log': (n) => Math.log(n) / Math.LN10,
  'mathop:e ^': (n) => Math.exp(n),
  'mathop:10 ^': (n) => Math.pow(10, n),
};

function evaluate(name, inputs) {
  const f = FUNCTIONS[name];
  if (f === undefined) throw new Error(`unknown function ${name}`);
  const out = new Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const args = inputs[i].split(',').map(fromHex);
    out[i] = toHex(f(...args));
  }
  return out;
}

const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const response = {versions: {node: process.version, v8: process.versions.v8}};
  for (const name of Object.keys(request)) response[name] = evaluate(name, request[name]);
  process.stdout.write(JSON.stringify(response));
});
