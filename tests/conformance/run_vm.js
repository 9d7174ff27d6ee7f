#!/usr/bin/env node
/*
 * Run Scratch 3 project.json objects in the official Scratch VM, headless and
 * deterministically, and report the final variable state.
 *
 * Input (stdin): ONE JSON object
 *   {
 *     "projects": [<project.json object>, ...],   required
 *     "turbo": true,                               optional, default true
 *     "max_frames": 3000,                          optional, default 3000
 *     "ask_answers": ["...", ...],                 optional, answers to "ask and wait", in order
 *     "frame_budget": 10000                        optional, work budget of one frame (see below)
 *   }
 *   Every project gets its own copy of ask_answers.
 *
 * Output (stdout): ONE JSON array, one entry per project, in order:
 *   {"ok": true, "frames": n, "finished": bool, "state": STATE}
 *   {"ok": false, "error": "<one line>"}
 * STATE = {"variables": {name: value}, "lists": {name: [items]},
 *          "sprites": {sprite_name: {"variables": {...}, "lists": {...}}},
 *          "says": [{"target": name, "type": "say"|"think", "text": value}]}
 * Stage variables and lists are at the top level; only original sprites
 * (no clones) are listed under "sprites". Broadcast messages are left out.
 * Values keep their JS type. Values JSON cannot hold are written as
 * {"$n": "Infinity" | "-Infinity" | "NaN" | "-0"}, and undefined as
 * {"$undefined": true}; list items are encoded the same way.
 * "says" holds every runtime 'SAY' event in order, with the raw message value
 * (before the bubble's number formatting and length cut). Besides the looks
 * say/think blocks, "ask and wait" on a visible sprite also emits one with the
 * question and one with "" when it is answered or stopped.
 *
 * How a project is run:
 *   a fresh VirtualMachine per project, so nothing is left over from the
 *   previous one (a new VM plus loadProject costs about 1 ms, reusing one VM
 *   would save half of that; loading the VM's modules, about 0.4 s, is paid
 *   once per process, so batch many projects into one call), the project is
 *   checked with the VM's own validator (scratch-parser) so a schema error is
 *   reported as such, then loadProject, setCompatibilityMode(true) (30 fps,
 *   like the editor), setTurboMode(turbo), green flag, and runtime._step() is
 *   called until no thread is left or max_frames frames have run.
 *
 * Deterministic clock (nothing depends on the wall clock):
 *   - The green flag is clicked at virtual time 0: runtime.currentMSecs = 0,
 *     so the project timer starts at 0.
 *   - Frame n (n = 1, 2, ...) runs with runtime.currentMSecs =
 *     floor(n * 1000 / 30), whole milliseconds like the Date.now() it replaces
 *     (33, 66, 100, 133, ...): 1000/30 ms per frame on average, with no drift
 *     and no floating-point dust (n * (1000/30) in doubles would make
 *     `wait 1` from frame 1 see 999.9999999999999 ms in frame 31).
 *     It does not move within a frame. `wait`, `timer`, `reset timer` and
 *     "when timer >" all read currentMSecs, so `wait 1` started in frame 1
 *     ends in frame 31, and `timer` reads 0.033 in frame 1.
 *   - Real time spent working is replaced by a count of executed blocks:
 *     every call of the VM's execute() (one stack block, with its reporter
 *     inputs; a loop block or a waiting block counts each time it is
 *     re-executed; hats started by a broadcast count too) is one work unit.
 *     The sequencer's WORK_TIME (75 % of a frame) becomes `frame_budget`
 *     units: a frame starts another tick only while fewer than frame_budget
 *     blocks have executed in it. The other stop conditions are unchanged: no
 *     thread left, no active thread, or (when not in turbo mode) a redraw
 *     request; headless, only `wait` (and pen) request a redraw.
 *     The warp timer of "run without screen refresh" (WARP_TIME, 500 ms = 20
 *     frame budgets) becomes 20 * frame_budget units: a warp thread yields at
 *     its next loop end, yield or procedure call once more than that many
 *     blocks have executed since its turn began; the frame budget is then
 *     spent too, so the frame ends after that tick (as in real time).
 *   - Every other VM timer (glide's) reads currentMSecs, so glide measures
 *     frame time like `wait`.
 *   - setTimeout is virtual while a project runs: a timer (e.g. from "say for
 *     secs") set at currentMSecs t with delay d fires before the first frame
 *     whose currentMSecs >= t + d; promise callbacks are then drained before
 *     that frame is stepped, as between two real frames.
 *   - ask_answers: a question asked during frame n is answered (runtime event
 *     'ANSWER', as the GUI does) before frame n + 1. When the answers run out,
 *     the question stays open.
 * Math.random is not touched: "pick random" is not deterministic.
 */
'use strict';

const path = require('path');

const VM_DIR = path.join(__dirname, 'node_modules', '@scratch', 'scratch-vm');
const FRAME_MS = 1000 / 30;
const DEFAULT_FRAME_BUDGET = 10000;
const WARP_BUDGET_FRAMES = 20; // Sequencer.WARP_TIME / (0.75 * 1000 / 30)

// The VM logs to stdout; our stdout carries only the JSON result.
const writeResult = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr);

function readStdin () {
    return new Promise((resolve, reject) => {
        const chunks = [];
        process.stdin.on('data', c => chunks.push(c));
        process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        process.stdin.on('error', reject);
    });
}

function oneLine (text) {
    return String(text).replace(/\s+/g, ' ').trim();
}

function errorText (err) {
    if (err instanceof Error) return oneLine(`${err.name}: ${err.message}`);
    if (typeof err === 'string') return oneLine(err);
    try {
        return oneLine(JSON.stringify(err));
    } catch (e) {
        return oneLine(String(err));
    }
}

// ---------------------------------------------------------------- VM modules

let VirtualMachine;
let Timer;
let Thread;
let validateProject;

function loadVmModules () {
    installVirtualTime(require.resolve(path.join(VM_DIR, 'src', 'engine', 'execute.js')));
    // The package's bundled Node entry (dist/node) does not load under Node 20,
    // while its sources do: require them by path.
    VirtualMachine = require(path.join(VM_DIR, 'src', 'index.js'));
    Timer = require(path.join(VM_DIR, 'src', 'util', 'timer.js'));
    Thread = require(path.join(VM_DIR, 'src', 'engine', 'thread.js'));
    const log = require(path.join(VM_DIR, 'src', 'util', 'log.js'));
    // Without storage every costume load warns; keep errors only.
    if (log && log.settings) log.settings.minLevel = 5;
    const parserPath = require.resolve('scratch-parser', {paths: [VM_DIR]});
    validateProject = require(parserPath);
}

// -------------------------------------------------------------- virtual time

// Number of execute() calls so far (never reset): the work clock.
const work = {units: 0, frameBudget: DEFAULT_FRAME_BUDGET};

const clock = {
    runtime: null,
    timers: [],
    nextTimerId: 1,
    reset (runtime) {
        this.runtime = runtime;
        this.timers = [];
        this.nextTimerId = 1;
    }
};

// Timers created with `new Timer()` (glide) read the frozen frame time.
const frameClock = {now: () => (clock.runtime ? clock.runtime.currentMSecs : 0)};

/**
 * A stand-in for util/timer.js that measures work units: elapsed "time" is 0
 * until `limit` is passed, then Infinity.
 * @param {function(): number} limit - the budget in units
 * @param {boolean} inclusive - whether exactly `limit` units are still within it
 * @returns {object} the timer
 */
function makeWorkTimer (limit, inclusive) {
    let startUnits = work.units;
    return {
        start () {
            startUnits = work.units;
        },
        timeElapsed () {
            const used = work.units - startUnits;
            const within = inclusive ? used <= limit() : used < limit();
            return within ? 0 : Infinity;
        },
        time: frameClock.now
    };
}

function installVirtualTime (execPath) {
    // Count executed blocks: sequencer.js and runtime.js take execute() from
    // the module cache, so replace it there before they are loaded.
    const realExecute = require(execPath);
    const countingExecute = function (sequencer, thread) {
        work.units++;
        return realExecute(sequencer, thread);
    };
    Object.assign(countingExecute, realExecute);
    require.cache[execPath].exports = countingExecute;
}

function installVmTimers () {
    Object.defineProperty(Timer, 'nowObj', {
        configurable: true,
        get: () => frameClock
    });
    // The sequencer assigns `thread.warpTimer = new Timer()` when a warp turn
    // begins: hand it a work timer instead.
    Object.defineProperty(Thread.prototype, 'warpTimer', {
        configurable: true,
        get () {
            return this._workWarpTimer || null;
        },
        set (value) {
            this._workWarpTimer = value ?
                makeWorkTimer(() => WARP_BUDGET_FRAMES * work.frameBudget, true) :
                value;
        }
    });
}

const realSetTimeout = global.setTimeout;
const realClearTimeout = global.clearTimeout;

function virtualSetTimeout (fn, delay, ...args) {
    const d = Number(delay);
    const due = clock.runtime.currentMSecs + (d > 0 ? d : 0);
    const id = clock.nextTimerId++;
    clock.timers.push({id, due, fn, args});
    return id;
}

function virtualClearTimeout (id) {
    clock.timers = clock.timers.filter(t => t.id !== id);
}

function fireDueTimers (now) {
    let fired = false;
    for (;;) {
        let best = -1;
        for (let i = 0; i < clock.timers.length; i++) {
            const t = clock.timers[i];
            if (t.due <= now && (best < 0 || t.due < clock.timers[best].due)) best = i;
        }
        if (best < 0) return fired;
        const [t] = clock.timers.splice(best, 1);
        fired = true;
        t.fn(...t.args);
    }
}

function drainMicrotasks () {
    return new Promise(resolve => setImmediate(resolve));
}

// ----------------------------------------------------------------- encoding

function enc (v) {
    switch (typeof v) {
    case 'number':
        if (Number.isNaN(v)) return {$n: 'NaN'};
        if (v === Infinity) return {$n: 'Infinity'};
        if (v === -Infinity) return {$n: '-Infinity'};
        if (v === 0 && 1 / v < 0) return {$n: '-0'};
        return v;
    case 'string':
    case 'boolean':
        return v;
    case 'undefined':
        return {$undefined: true};
    default:
        if (v === null) return null;
        if (Array.isArray(v)) return v.map(enc);
        return {$other: typeof v, text: String(v)};
    }
}

function collectVariables (target) {
    const variables = {};
    const lists = {};
    for (const id of Object.keys(target.variables)) {
        const variable = target.variables[id];
        if (variable.type === '') {
            if (!Object.prototype.hasOwnProperty.call(variables, variable.name)) {
                variables[variable.name] = enc(variable.value);
            }
        } else if (variable.type === 'list') {
            if (!Object.prototype.hasOwnProperty.call(lists, variable.name)) {
                const items = Array.isArray(variable.value) ? variable.value : [];
                lists[variable.name] = items.map(enc);
            }
        }
        // 'broadcast_msg' entries are not variables.
    }
    return {variables, lists};
}

function collectState (runtime, says) {
    const stage = runtime.getTargetForStage();
    const top = stage ? collectVariables(stage) : {variables: {}, lists: {}};
    const sprites = {};
    for (const target of runtime.targets) {
        if (target.isStage || !target.isOriginal) continue;
        sprites[target.getName()] = collectVariables(target);
    }
    return {variables: top.variables, lists: top.lists, sprites, says};
}

// ---------------------------------------------------------------- validation

function describeSchemaErrors (error) {
    if (!error || typeof error !== 'object' || !error.validationError) return errorText(error);
    const sb3 = Array.isArray(error.sb3Errors) ? error.sb3Errors : [];
    const shown = sb3.slice(0, 6).map(e => {
        const where = e.dataPath || e.instancePath || '(root)';
        const extra = e.params && e.params.additionalProperty ? ` (${e.params.additionalProperty})` : '';
        return `${where} ${e.message}${extra}`;
    }).filter((text, i, all) => all.indexOf(text) === i);
    const more = sb3.length > shown.length ? `; ... ${sb3.length - shown.length} more` : '';
    return oneLine(`project.json fails the sb3 schema: ${shown.join('; ')}${more}`);
}

function validate (json) {
    return new Promise(resolve => {
        validateProject(json, false, error => resolve(error ? describeSchemaErrors(error) : null));
    });
}

// ------------------------------------------------------------------ running

async function runProject (project, options) {
    let json;
    try {
        json = JSON.stringify(project);
    } catch (e) {
        return {ok: false, error: `cannot serialise the project: ${errorText(e)}`};
    }
    if (!project || typeof project !== 'object' || Array.isArray(project)) {
        return {ok: false, error: 'project is not a JSON object'};
    }
    const schemaError = await validate(json);
    if (schemaError) return {ok: false, error: schemaError};

    const vm = new VirtualMachine();
    const runtime = vm.runtime;
    clock.reset(runtime);
    runtime.currentMSecs = 0;
    runtime.updateCurrentMSecs = function () {
        // Frame time is set by the stepping loop below.
    };
    work.frameBudget = options.frameBudget;
    runtime.sequencer.timer = makeWorkTimer(() => work.frameBudget, false);

    try {
        await vm.loadProject(json);
    } catch (e) {
        return {ok: false, error: `loadProject failed: ${errorText(e)}`};
    }

    const says = [];
    runtime.on('SAY', (target, type, message) => {
        says.push({target: target && target.getName ? target.getName() : null, type, text: enc(message)});
    });
    const answers = options.answers.slice();
    let questionOpen = false;
    runtime.on('QUESTION', question => {
        questionOpen = question !== null;
    });

    vm.setCompatibilityMode(true);
    vm.setTurboMode(options.turbo);
    runtime.currentStepTime = FRAME_MS;

    let frames = 0;
    global.setTimeout = virtualSetTimeout;
    global.clearTimeout = virtualClearTimeout;
    try {
        runtime.currentMSecs = 0;
        vm.greenFlag();
        while (runtime.threads.length > 0 && frames < options.maxFrames) {
            const now = Math.floor(((frames + 1) * 1000) / 30);
            runtime.currentMSecs = now;
            let between = fireDueTimers(now);
            if (questionOpen && answers.length > 0) {
                questionOpen = false;
                runtime.emit('ANSWER', answers.shift());
                between = true;
            }
            if (between || runtime.threads.some(t => t.status === Thread.STATUS_PROMISE_WAIT)) {
                await drainMicrotasks();
            }
            frames++;
            runtime._step();
        }
    } catch (e) {
        return {ok: false, error: `runtime error in frame ${frames}: ${errorText(e)}`};
    } finally {
        global.setTimeout = realSetTimeout;
        global.clearTimeout = realClearTimeout;
    }
    const finished = runtime.threads.length === 0;
    const state = collectState(runtime, says.slice());
    clock.reset(null);
    return {ok: true, frames, finished, state};
}

async function main () {
    let request;
    try {
        request = JSON.parse(await readStdin());
    } catch (e) {
        writeResult(`${JSON.stringify({error: `bad input: ${errorText(e)}`})}\n`);
        process.exitCode = 2;
        return;
    }
    if (!request || !Array.isArray(request.projects)) {
        writeResult(`${JSON.stringify({error: 'bad input: expected {"projects": [...]}'})}\n`);
        process.exitCode = 2;
        return;
    }
    const options = {
        turbo: request.turbo === undefined ? true : !!request.turbo,
        maxFrames: Number.isFinite(request.max_frames) ? Math.max(0, Math.floor(request.max_frames)) : 3000,
        answers: Array.isArray(request.ask_answers) ? request.ask_answers.map(String) : [],
        frameBudget: Number.isFinite(request.frame_budget) && request.frame_budget >= 1 ?
            Math.floor(request.frame_budget) : DEFAULT_FRAME_BUDGET
    };

    loadVmModules();
    installVmTimers();

    const results = [];
    for (const project of request.projects) {
        let result;
        try {
            result = await runProject(project, options);
        } catch (e) {
            result = {ok: false, error: errorText(e)};
        }
        results.push(result);
    }
    writeResult(`${JSON.stringify(results)}\n`, () => process.exit(0));
}

// A stray rejection from inside the VM must not lose the other results.
process.on('unhandledRejection', reason => {
    process.stderr.write(`run_vm.js: unhandled rejection: ${errorText(reason)}\n`);
});

main().catch(e => {
    process.stderr.write(`run_vm.js: ${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
});
