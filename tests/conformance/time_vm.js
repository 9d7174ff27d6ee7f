#!/usr/bin/env node
/*
 * Time one .sb3 in the official Scratch VM, as `scratch-emu bench` compares engines with it.
 *
 * Usage: node time_vm.js FILE.sb3 [--seed N] [--count]
 *
 * Output (stdout): ONE JSON line
 *   {"ok": true, "seconds": s, "load_seconds": s, "frames": n, "blocks": n | null}
 *   {"ok": false, "error": "<one line>"}
 * "seconds" is the run alone: from the green flag to the moment no thread is left, measured
 * inside this process; starting Node, loading the VM's modules and the project are outside it
 * ("load_seconds" is loadProject's share). The caller times the whole process.
 *
 * How the project runs: the VM's own modules with their real clock (unlike run_vm.js, whose
 * clock is virtual), compatibility mode (30 fps) and turbo mode, as the editor runs with turbo
 * on; runtime._step() is called frame after frame with no pause between frames (the editor's
 * setInterval would leave a quarter of each frame idle, so this is the VM at its fastest).
 * Math.random is seeded as in run_vm.js, so `pick random` draws what the emulator draws.
 *
 * --count counts blocks as run_vm.js does (1 per executed block plus 1 per reporter evaluated
 * for its inputs); the wrapper around execute() costs time, so timed runs leave it off.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const {VM_DIR, blockCost, errorText, seededRandom, writeResult} = require('./run_vm.js');

const FRAME_MS = 1000 / 30;
const counted = {blocks: 0};

function installCountingExecute () {
    // sequencer.js and runtime.js take execute() from the module cache: replace it there first.
    const execPath = require.resolve(path.join(VM_DIR, 'src', 'engine', 'execute.js'));
    const realExecute = require(execPath);
    const countingExecute = function (sequencer, thread) {
        const blockId = thread.peekStack();
        const container = thread.blockContainer;
        realExecute(sequencer, thread);
        let cached = container && container._cache._executeCached[blockId];
        if (!cached && sequencer.runtime.flyoutBlocks) {
            cached = sequencer.runtime.flyoutBlocks._cache._executeCached[blockId];
        }
        counted.blocks += blockCost(cached);
    };
    Object.assign(countingExecute, realExecute);
    require.cache[execPath].exports = countingExecute;
}

function parseArgs (argv) {
    const args = {file: null, seed: 0n, count: false};
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === '--seed') args.seed = BigInt(argv[++i]);
        else if (argv[i] === '--count') args.count = true;
        else args.file = argv[i];
    }
    if (!args.file) throw new Error('usage: node time_vm.js FILE.sb3 [--seed N] [--count]');
    return args;
}

function seconds (start) {
    return Number(process.hrtime.bigint() - start) / 1e9;
}

async function main () {
    const args = parseArgs(process.argv.slice(2));
    if (args.count) installCountingExecute();
    const VirtualMachine = require(path.join(VM_DIR, 'src', 'index.js'));
    const log = require(path.join(VM_DIR, 'src', 'util', 'log.js'));
    if (log && log.settings) log.settings.minLevel = 5; // without storage every costume warns
    const vm = new VirtualMachine();
    const runtime = vm.runtime;

    const loadStart = process.hrtime.bigint();
    await vm.loadProject(fs.readFileSync(args.file));
    const loadSeconds = seconds(loadStart);
    vm.setCompatibilityMode(true);
    vm.setTurboMode(true);
    runtime.currentStepTime = FRAME_MS;
    Math.random = seededRandom(args.seed);

    counted.blocks = 0;
    let frames = 0;
    const start = process.hrtime.bigint();
    vm.greenFlag();
    while (runtime.threads.length > 0) {
        frames++;
        runtime._step();
    }
    const runSeconds = seconds(start);
    return {
        ok: true,
        seconds: runSeconds,
        load_seconds: loadSeconds,
        frames,
        blocks: args.count ? counted.blocks : null
    };
}

main().then(
    result => writeResult(`${JSON.stringify(result)}\n`, () => process.exit(0)),
    e => writeResult(`${JSON.stringify({ok: false, error: errorText(e)})}\n`, () => process.exit(1))
);
