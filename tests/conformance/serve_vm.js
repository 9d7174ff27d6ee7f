#!/usr/bin/env node
/*
 * A long-lived run_vm.js: the same runs, one request per line, so a caller
 * that needs an answer per project (a Hypothesis test shrinking a failure)
 * pays the VM's start-up (about 0.5 s) once instead of per project.
 *
 * Input (stdin): one JSON object per line, either
 *   {"project": <project.json object>, ...options}   -> one result object
 *   {"projects": [<project.json object>, ...], ...options}  -> an array of them
 * where the options are run_vm.js's ("turbo", "max_frames", "ask_answers",
 * "seed", "frame_budget"; same defaults), given per request.
 *
 * Output (stdout): exactly one JSON line per request line, in order: the
 * result (or results) exactly as run_vm.js reports them, or
 *   {"ok": false, "error": "bad input: ..."} for a line that is not a request.
 * The process ends when stdin closes.
 *
 * Every run is run_vm.js's runProject: a fresh VirtualMachine, the
 * deterministic clock, the work budget and the seeded Math.random, so a
 * project gives the same answer here as through run_vm.js.
 */
'use strict';

const readline = require('readline');
const {errorText, parseOptions, prepareVm, runProject, writeResult} = require('./run_vm.js');

function respond (value) {
    return new Promise(resolve => writeResult(`${JSON.stringify(value)}\n`, resolve));
}

async function runOne (project, options) {
    try {
        return await runProject(project, options);
    } catch (e) {
        return {ok: false, error: errorText(e)};
    }
}

async function answer (line) {
    let request;
    try {
        request = JSON.parse(line);
    } catch (e) {
        return {ok: false, error: `bad input: ${errorText(e)}`};
    }
    if (!request || typeof request !== 'object' || Array.isArray(request)) {
        return {ok: false, error: 'bad input: expected {"project": {...}} or {"projects": [...]}'};
    }
    const {options, error} = parseOptions(request);
    if (error) return {ok: false, error};
    if (Array.isArray(request.projects)) {
        const results = [];
        for (const project of request.projects) results.push(await runOne(project, options));
        return results;
    }
    if (!Object.prototype.hasOwnProperty.call(request, 'project')) {
        return {ok: false, error: 'bad input: expected {"project": {...}} or {"projects": [...]}'};
    }
    return runOne(request.project, options);
}

async function serve () {
    prepareVm();
    const lines = readline.createInterface({input: process.stdin, crlfDelay: Infinity});
    for await (const line of lines) {
        if (line.trim() === '') continue;
        await respond(await answer(line));
    }
}

process.on('unhandledRejection', reason => {
    process.stderr.write(`serve_vm.js: unhandled rejection: ${errorText(reason)}\n`);
});

serve().then(() => process.exit(0), e => {
    process.stderr.write(`serve_vm.js: ${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
});
