#!/usr/bin/env node
/*
 * Run Scratch 3 project.json objects in the official Scratch VM, headless and
 * deterministically, and report the final variable state.
 *
 * Input (stdin): ONE JSON object
 *   {
 *     "projects": [<project.json object>, ...],  required
 *     "turbo": true,                              optional, default true
 *     "max_frames": 3000,                         optional, default 3000
 *     "ask_answers": ["...", ...],                optional, answers to "ask and wait", in order
 *     "seed": 0,                                  optional, default 0; an integer or a decimal string
 *     "frame_budget": 250000,                     optional, blocks of work per frame (see below)
 *     "inputs": [{"at": s, "device": "keyboard"|"mouse", "data": {...}, "pick": name}, ...],
 *                                                 optional, injected input (see below)
 *     "date": "2025-01-01T00:00:00Z",             optional, the wall clock at the green flag
 *     "username": ""                              optional, what `username` reports
 *   }
 *   Every project gets its own copy of ask_answers and its own generator.
 *
 * Output (stdout): ONE JSON array, one entry per project, in order:
 *   {"ok": true, "frames": n, "finished": bool, "state": STATE}
 *     plus "step_errors": ["frame n: <one line>", ...] (the first 10) when a
 *     block threw: as in the editor, whose setInterval calls runtime._step,
 *     the error ends that frame and the run goes on with the next. (VM 15.1.1's
 *     "switch backdrop to and wait" throws when it starts a hat script: it
 *     calls runtime.startHats directly, which leaves the shared BlockUtility
 *     on the new thread.)
 *   {"ok": false, "error": "<one line>"}
 * STATE = {"variables": {name: value}, "lists": {name: [items]},
 *          "stage": {"backdrop": n, "backdropName": name, "effects": {...}, "volume": v},
 *          "sprites": {sprite_name: SPRITE + {"clones": [SPRITE, ...]}},
 *          "says": [{"target": name, "type": "say"|"think", "text": value}]}
 * SPRITE = {"variables": {...}, "lists": {...}, "x", "y", "direction",
 *           "rotationStyle", "size", "visible", "costume" (1-based),
 *           "costumeName", "effects": {name: value}, "draggable", "volume",
 *           "layer" (place in runtime.executableTargets: 0 is the stage),
 *           "pen": {"down", "color", "saturation", "brightness", "transparency",
 *                   "shade", "size", "rgba": [r, g, b, a]} once a pen block made it}
 * Stage variables and lists are at the top level; original sprites are
 * listed under "sprites", each with its living clones, oldest first.
 * Broadcast messages are left out.
 * Values keep their JS type. Values JSON cannot hold are written as
 * {"$n": "Infinity" | "-Infinity" | "NaN" | "-0"}, and undefined as
 * {"$undefined": true}; list items are encoded the same way.
 * "says" holds every runtime 'SAY' event in order, with the raw message value
 * (before the bubble's number formatting and length cut); "target" is the
 * sprite's name, also for a clone. Besides the looks say/think blocks, "ask
 * and wait" on a visible sprite emits one with the question and one with ""
 * when it is answered or stopped.
 * "frames" counts runtime._step() calls; "finished" is whether no thread was
 * left (so false when max_frames ran out first).
 *
 * How a project is run:
 *   a fresh VirtualMachine per project, so nothing is left over from the
 *   previous one (a new VM plus loadProject costs about 1 ms; reusing one VM
 *   would save half of that; loading the VM's modules, about 0.4 s, is paid
 *   once per process, so batch many projects into one call). The project is
 *   checked with the VM's own validator (scratch-parser) first, so a schema
 *   error is reported as such (loadProject would go on to try Scratch 2 and
 *   1.4 formats and report those failures instead). Then loadProject,
 *   setCompatibilityMode(true) (30 fps, like the editor), setTurboMode(turbo),
 *   green flag, and runtime._step() is called until no thread is left or
 *   max_frames frames have run.
 *
 * Deterministic clock (nothing depends on the wall clock):
 *   - The green flag is clicked at virtual time 0: runtime.currentMSecs = 0,
 *     so the project timer starts at 0. (In the editor the flag also resets
 *     the timer to the last frame's currentMSecs, between two frames.)
 *   - Frame n (n = 1, 2, ...) runs with runtime.currentMSecs =
 *     floor(n * 1000 / 30), whole milliseconds like the Date.now() it replaces
 *     (33, 66, 100, 133, ...): 1000/30 ms per frame on average, with no drift
 *     and no floating-point dust (n * (1000/30) in doubles would make
 *     `wait 1` from frame 1 see 999.9999999999999 ms in frame 31).
 *     It does not move within a frame. `wait`, `timer`, "when timer >" and
 *     glide all read currentMSecs, so `wait 1` started in frame 1 ends in
 *     frame 31, and `timer` reads 0.033 in frame 1.
 *   - Real time spent working is replaced by a count of work units: each
 *     execute() of a block costs 1 plus 1 per reporter block evaluated for its
 *     inputs (shadow literals are free). Loop blocks and waiting blocks cost
 *     again each time they are re-executed; a hat costs 1 when its thread
 *     starts, plus its reporters.
 *     The sequencer's WORK_TIME (75 % of a frame) becomes `frame_budget`
 *     units, default 250000 (0.1 us of virtual time per block, about the VM's
 *     real speed for simple blocks): a frame starts another tick only while
 *     fewer than frame_budget units were used in it. The other stop conditions
 *     are unchanged: no thread left, no active thread, or (when not in turbo
 *     mode) a redraw request; headless, only `wait` (and pen) request one.
 *     The warp timer of "run without screen refresh" (WARP_TIME, 500 ms = 20
 *     frame budgets) becomes 20 * frame_budget units: a warp thread yields at
 *     its next loop end, yield or procedure call once more than that many
 *     units were used since its turn began; the frame budget is then spent
 *     too, so the frame ends after that tick, as in real time.
 *   - Two shortcuts skip work that cannot change anything. A tick in which
 *     every block run was a re-check that keeps its thread waiting (`wait`
 *     whose time is not up, `wait until` false, `broadcast and wait` still
 *     waiting, glide not finished) ends the frame: the VM would repeat that
 *     same tick until the budget is spent. Such a re-check in warp mode jumps
 *     the work count to the end of the warp budget, where the VM would
 *     busy-wait. Re-checks that evaluate `pick random` or `item of list`
 *     (which may draw a random number) get no shortcut.
 *   - setTimeout is virtual while a project runs: a timer (e.g. from "say for
 *     secs") set at currentMSecs t with delay d fires before the first frame
 *     whose currentMSecs >= t + d; promise callbacks are then drained before
 *     that frame is stepped, as between two real frames.
 *   - ask_answers: a question asked during frame n is answered (runtime event
 *     'ANSWER', as the GUI does) before frame n + 1. When the answers run out,
 *     the question stays open.
 *
 * Injected input: each entry of "inputs" is posted to its io device, as the
 * GUI's postIOData does, before the first frame whose currentMSecs >= at * 1000
 * (after due timers and answers; entries of one time in their given order).
 * While input is still to come, frames run even when no thread is left. A
 * mouse post with "pick" names the target a renderer would pick under the
 * pointer (a sprite's name, or "_stage_"): without a renderer the VM would
 * pick the stage for every click.
 *
 * Calendar: while a project runs, `new Date()` and Date.now() read `date`
 * plus currentMSecs, in the UTC time zone, so `current` and `days since
 * 2000` are reproducible and advance with the frame clock.
 *
 * Randomness: while a project runs, Math.random is V8's own algorithm
 * (xorshift128+, 52 high bits into [0, 1)) seeded through splitmix64 with
 * `seed`. Only the blocks' randomness draws from it (pick random, item
 * (random) of list, random position/direction/costume): the VM's internal ids
 * (targets, clones, say bubbles), which also used Math.random, come from a
 * counter instead.
 */
'use strict';

// `current` and `days since 2000` read local time: make it UTC, as the emulator's calendar is.
process.env.TZ = 'UTC';

const path = require('path');

const VM_DIR = path.join(__dirname, 'node_modules', '@scratch', 'scratch-vm');
const FRAME_MS = 1000 / 30;
const DEFAULT_FRAME_BUDGET = 250000;
const DEFAULT_DATE = '2025-01-01T00:00:00Z';
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
    installDeterministicUid(require.resolve(path.join(VM_DIR, 'src', 'util', 'uid.js')));
    installCountingExecute(require.resolve(path.join(VM_DIR, 'src', 'engine', 'execute.js')));
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

// Work done so far, counted in blocks (never reset). It replaces real time for
// the frame budget and the warp timer.
const work = {
    units: 0,
    frameBudget: DEFAULT_FRAME_BUDGET,
    // Whether every block run in the current tick only re-checked a wait.
    tickIdle: false
};

// Blocks whose re-check can leave the thread waiting without changing anything
// (within a frame the clock is frozen, so a glide re-check moves nowhere).
const WAIT_OPCODES = new Set([
    'control_wait', 'control_wait_until', 'event_broadcastandwait',
    'motion_glidesecstoxy', 'motion_glideto'
]);
// Reporters that may call Math.random: a `wait until` that evaluates one is not idle.
const RANDOM_REPORTERS = new Set(['operator_random', 'data_itemoflist']);

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
 * while the budget lasts, then Infinity.
 * @param {function(): number} limit - the budget in units
 * @param {boolean} inclusive - whether exactly `limit` units are still within it
 * @returns {object} the timer
 */
function makeWorkTimer (limit, inclusive) {
    let startUnits = work.units;
    return {
        get startUnits () {
            return startUnits;
        },
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

function warpBudget () {
    return WARP_BUDGET_FRAMES * work.frameBudget;
}

/**
 * The sequencer's WORK_TIME timer. Besides the budget it ends the frame after
 * a tick in which every block run only re-checked a wait that goes on
 * waiting (and no thread ended): the VM would repeat that same tick until the
 * budget is spent, and nothing can change before the next frame.
 * @param {Runtime} runtime - the runtime whose sequencer uses the timer
 * @returns {object} the timer
 */
function makeFrameTimer (runtime) {
    const budget = makeWorkTimer(() => work.frameBudget, false);
    let checks = 0;
    let threadCount = 0;
    return {
        start () {
            checks = 0;
            budget.start();
        },
        timeElapsed () {
            const idleTickRan = checks > 0 && work.tickIdle && runtime.threads.length === threadCount;
            checks++;
            threadCount = runtime.threads.length;
            work.tickIdle = true;
            return idleTickRan ? Infinity : budget.timeElapsed();
        },
        time: frameClock.now
    };
}

function blockCost (cached) {
    // The block itself plus every reporter evaluated for it (shadows are not).
    if (!cached || !Array.isArray(cached._ops)) return 1;
    return 1 + cached._ops.length - (cached._definedBlockFunction ? 1 : 0);
}

function installCountingExecute (execPath) {
    // sequencer.js and runtime.js take execute() from the module cache:
    // replace it there before they are loaded.
    const realExecute = require(execPath);
    const countingExecute = function (sequencer, thread) {
        const blockId = thread.peekStack();
        const frame = thread.peekStackFrame();
        const context = frame ? frame.executionContext : null;
        const recheck = !!context && (context.timer !== undefined || context.startedThreads !== undefined);
        const container = thread.blockContainer;
        realExecute(sequencer, thread);

        let cached = container && container._cache._executeCached[blockId];
        if (!cached && sequencer.runtime.flyoutBlocks) {
            cached = sequencer.runtime.flyoutBlocks._cache._executeCached[blockId];
        }
        work.units += blockCost(cached);

        let idle = false;
        if (cached && WAIT_OPCODES.has(cached.opcode) &&
            (thread.status === Thread.STATUS_YIELD || thread.status === Thread.STATUS_YIELD_TICK)) {
            const pure = cached._ops.every(op => !RANDOM_REPORTERS.has(op.opcode)) &&
                !(cached.opcode === 'motion_glideto' && cached._argValues.TO === '_random_');
            idle = pure && (recheck || cached.opcode === 'control_wait_until');
        }
        if (!idle) {
            work.tickIdle = false;
        } else if (frame && frame.warpMode && thread.warpTimer) {
            // In warp mode the VM re-runs this same check until the warp timer
            // runs out: skip to that point.
            work.units = Math.max(work.units, thread.warpTimer.startUnits + warpBudget() + 1);
        }
    };
    Object.assign(countingExecute, realExecute);
    require.cache[execPath].exports = countingExecute;
}

function installDeterministicUid (uidPath) {
    // The VM makes ids for targets, clones and say bubbles with Math.random;
    // give them their own sequence so that Math.random serves only the
    // blocks' own randomness (pick random, item (random) of list, ...).
    require(uidPath);
    let count = 0;
    require.cache[uidPath].exports = function uid () {
        count++;
        return `vm-uid-${count}`;
    };
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
            this._workWarpTimer = value ? makeWorkTimer(warpBudget, true) : value;
        }
    });
}

// ------------------------------------------------------------------- random

const MASK64 = (1n << 64n) - 1n;

function splitmix64 (x) {
    const next = (x + 0x9E3779B97F4A7C15n) & MASK64;
    let z = next;
    z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & MASK64;
    return [next, z ^ (z >> 31n)];
}

/**
 * Math.random's algorithm in V8 (xorshift128+, 52 high bits made into a
 * double in [0, 1)), seeded through splitmix64, so a run is repeatable.
 * @param {bigint} seed - any integer, taken modulo 2**64
 * @returns {function(): number} the generator
 */
function seededRandom (seed) {
    const [x, first] = splitmix64(BigInt.asUintN(64, seed));
    let s0 = first;
    let s1 = splitmix64(x)[1];
    if (s0 === 0n && s1 === 0n) s1 = 1n;
    const view = new DataView(new ArrayBuffer(8));
    return function random () {
        let t = s0;
        const u = s1;
        s0 = u;
        t ^= (t << 23n) & MASK64;
        t ^= t >> 17n;
        t ^= u;
        t ^= u >> 26n;
        s1 = t;
        view.setBigUint64(0, (s0 >> 12n) | 0x3FF0000000000000n);
        return view.getFloat64(0) - 1;
    };
}

const realRandom = Math.random;
const RealDate = Date;

/**
 * A Date whose "now" is the virtual calendar: `startMs` at the flag plus the frame clock.
 * @param {number} startMs - the wall clock at the green flag, in ms since 1970
 * @returns {function} the Date class to install while a project runs
 */
function virtualDate (startMs) {
    const now = () => startMs + (clock.runtime ? clock.runtime.currentMSecs : 0);
    class VirtualDate extends RealDate {
        constructor (...args) {
            if (args.length === 0) super(now());
            else super(...args);
        }
        static now () {
            return now();
        }
    }
    return VirtualDate;
}

function postInput (runtime, input) {
    const devices = runtime.ioDevices;
    if (input.device === 'keyboard') {
        devices.keyboard.postData(Object.assign({}, input.data));
        return;
    }
    const mouse = devices.mouse;
    if (typeof input.pick === 'string') {
        const stage = runtime.getTargetForStage();
        const picked = input.pick === '_stage_' ? stage : (runtime.getSpriteTargetByName(input.pick) || stage);
        mouse._pickTarget = () => picked;
    }
    try {
        mouse.postData(Object.assign({}, input.data));
    } finally {
        delete mouse._pickTarget;
    }
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

function collectEffects (target) {
    const effects = {};
    for (const name of Object.keys(target.effects)) effects[name] = enc(target.effects[name]);
    return effects;
}

function costumeName (target) {
    const costume = target.getCostumes()[target.currentCostume];
    return costume ? enc(costume.name) : {$undefined: true};
}

function collectPen (target) {
    // The pen extension makes a target's pen state the first time a pen block needs it.
    const pen = target.getCustomState('Scratch.pen');
    if (!pen) return {};
    return {pen: {
        down: pen.penDown,
        color: enc(pen.color),
        saturation: enc(pen.saturation),
        brightness: enc(pen.brightness),
        transparency: enc(pen.transparency),
        shade: enc(pen._shade),
        size: enc(pen.penAttributes.diameter),
        rgba: pen.penAttributes.color4f.map(enc)
    }};
}

function collectSprite (runtime, target) {
    return Object.assign(collectVariables(target), collectPen(target), {
        x: enc(target.x),
        y: enc(target.y),
        direction: enc(target.direction),
        rotationStyle: target.rotationStyle,
        size: enc(target.size),
        visible: target.visible,
        costume: enc(target.currentCostume + 1),
        costumeName: costumeName(target),
        effects: collectEffects(target),
        draggable: target.draggable,
        volume: enc(target.volume),
        layer: runtime.executableTargets.indexOf(target)
    });
}

function collectState (runtime, says) {
    const stage = runtime.getTargetForStage();
    const top = stage ? collectVariables(stage) : {variables: {}, lists: {}};
    const state = {variables: top.variables, lists: top.lists};
    if (stage) {
        state.stage = {
            backdrop: enc(stage.currentCostume + 1),
            backdropName: costumeName(stage),
            effects: collectEffects(stage),
            volume: enc(stage.volume)
        };
    }
    const sprites = {};
    for (const target of runtime.targets) {
        if (target.isStage || !target.isOriginal) continue;
        sprites[target.getName()] = Object.assign(collectSprite(runtime, target), {
            clones: target.sprite.clones.filter(c => !c.isOriginal).map(c => collectSprite(runtime, c))
        });
    }
    return Object.assign(state, {sprites, says});
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
    runtime.sequencer.timer = makeFrameTimer(runtime);

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

    runtime.ioDevices.userData.postData({username: options.username});
    const pending = options.inputs.slice().sort((a, b) => a.at - b.at);

    let frames = 0;
    const stepErrors = [];
    global.Date = virtualDate(options.dateMs);
    global.setTimeout = virtualSetTimeout;
    global.clearTimeout = virtualClearTimeout;
    Math.random = seededRandom(options.seed);
    try {
        runtime.currentMSecs = 0;
        vm.greenFlag();
        while ((runtime.threads.length > 0 || pending.length > 0) && frames < options.maxFrames) {
            const now = Math.floor(((frames + 1) * 1000) / 30);
            runtime.currentMSecs = now;
            let between = fireDueTimers(now);
            if (questionOpen && answers.length > 0) {
                questionOpen = false;
                runtime.emit('ANSWER', answers.shift());
                between = true;
            }
            while (pending.length > 0 && pending[0].at * 1000 <= now) {
                postInput(runtime, pending.shift());
                between = true;
            }
            if (between || runtime.threads.some(t => t.status === Thread.STATUS_PROMISE_WAIT)) {
                await drainMicrotasks();
            }
            frames++;
            try {
                runtime._step();
            } catch (e) {
                // In the editor _step runs from setInterval, so an error thrown by a block
                // loses the rest of that frame and the next frame goes on: do the same.
                if (stepErrors.length < 10) stepErrors.push(`frame ${frames}: ${errorText(e)}`);
            }
        }
    } catch (e) {
        return {ok: false, error: `runtime error in frame ${frames}: ${errorText(e)}`};
    } finally {
        global.Date = RealDate;
        global.setTimeout = realSetTimeout;
        global.clearTimeout = realClearTimeout;
        Math.random = realRandom;
    }
    const finished = runtime.threads.length === 0;
    const state = collectState(runtime, says.slice());
    clock.reset(null);
    const result = {ok: true, frames, finished, state};
    if (stepErrors.length > 0) result.step_errors = stepErrors;
    return result;
}

/**
 * The run options of a request (every field optional, defaults as documented
 * at the top of this file).
 * @param {object} request - the parsed request
 * @returns {{options: ?object, error: ?string}} the options, or why the request is bad
 */
function parseOptions (request) {
    let seed = 0n;
    try {
        if (request.seed !== undefined) seed = BigInt(request.seed);
    } catch (e) {
        return {options: null, error: `bad input: seed ${JSON.stringify(request.seed)} is not an integer`};
    }
    const options = {
        seed,
        turbo: request.turbo === undefined ? true : !!request.turbo,
        maxFrames: Number.isFinite(request.max_frames) ? Math.max(0, Math.floor(request.max_frames)) : 3000,
        answers: Array.isArray(request.ask_answers) ? request.ask_answers.map(String) : [],
        frameBudget: Number.isFinite(request.frame_budget) && request.frame_budget >= 1 ?
            Math.floor(request.frame_budget) : DEFAULT_FRAME_BUDGET,
        inputs: Array.isArray(request.inputs) ? request.inputs : [],
        dateMs: RealDate.parse(typeof request.date === 'string' ? request.date : DEFAULT_DATE),
        username: typeof request.username === 'string' ? request.username : ''
    };
    if (!Number.isFinite(options.dateMs)) {
        return {options: null, error: `bad input: date ${JSON.stringify(request.date)} is not a date`};
    }
    return {options, error: null};
}

let prepared = false;

/** Load the VM's modules and install the virtual clock, once per process. */
function prepareVm () {
    if (prepared) return;
    loadVmModules();
    installVmTimers();
    prepared = true;
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
    const {options, error} = parseOptions(request);
    if (error) {
        writeResult(`${JSON.stringify({error})}\n`);
        process.exitCode = 2;
        return;
    }

    prepareVm();

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

if (require.main === module) {
    // A stray rejection from inside the VM must not lose the other results.
    process.on('unhandledRejection', reason => {
        process.stderr.write(`run_vm.js: unhandled rejection: ${errorText(reason)}\n`);
    });

    main().catch(e => {
        process.stderr.write(`run_vm.js: ${e && e.stack ? e.stack : e}\n`);
        process.exit(1);
    });
} else {
    // tests/conformance/serve_vm.js runs projects one request at a time with these; time_vm.js
    // counts blocks with blockCost and seeds Math.random with seededRandom, as runs here do.
    module.exports = {
        VM_DIR, blockCost, errorText, parseOptions, prepareVm, runProject, seededRandom, writeResult
    };
}
