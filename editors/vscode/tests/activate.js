// Runs extension.js in Node.js without VS Code: stand-ins for the `vscode`
// module and for `vscode-languageclient/node` record what the extension
// asks of them, and this prints that record as JSON.
//
//   node tests/activate.js EXTENSION_DIR MODULES SCENARIO_JSON
//
// MODULES is a node_modules folder holding the pinned vscode-languageclient:
// every name the extension takes from the stand-in must exist in the real
// module. SCENARIO_JSON: {"settings": {KEY: VALUE}, "workspaceFolder": DIR,
// "choice": ITEM the user clicks in a message, "restart": true to run the
// restart command, "change": {KEY: VALUE} settings changed after activation}.
// Exits 1 naming what the extension did that VS Code would not accept.
'use strict';

const Module = require('module');
const path = require('path');

const [extensionDir, modules, scenarioJson] = process.argv.slice(2);
const scenario = JSON.parse(scenarioJson);
const manifest = require(path.join(extensionDir, 'package.json'));
const properties = manifest.contributes.configuration.properties;
const settings = { ...(scenario.settings || {}) };

const events = [];
const failures = [];
const disposable = what => ({ dispose: () => events.push({ event: 'dispose', what }) });

const registered = {};
let configurationListeners = [];

const vscode = {
    workspace: {
        // As VS Code: a setting not set is the default of package.json.
        getConfiguration(section) {
            return {
                get(key, fallback) {
                    const full = section ? `${section}.${key}` : key;
                    if (!(full in properties)) {
                        failures.push(`reads ${full}, which package.json does not contribute`);
                    }
                    if (full in settings) return settings[full];
                    return full in properties ? properties[full].default : fallback;
                },
            };
        },
        workspaceFolders: scenario.workspaceFolder
            ? [{ uri: { scheme: 'file', fsPath: scenario.workspaceFolder }, name: 'folder', index: 0 }]
            : undefined,
        createFileSystemWatcher(glob) {
            events.push({ event: 'watch', glob });
            return { glob, ...disposable(`watcher ${glob}`) };
        },
        onDidChangeConfiguration(listener) {
            configurationListeners.push(listener);
            return disposable('configuration listener');
        },
    },
    window: {
        showInformationMessage(text, ...items) {
            events.push({ event: 'information', text, items });
            return Promise.resolve(scenario.choice);
        },
        showWarningMessage(text) {
            events.push({ event: 'warning', text });
            return Promise.resolve(undefined);
        },
        showErrorMessage(text) {
            events.push({ event: 'error', text });
            return Promise.resolve(undefined);
        },
        createOutputChannel(name) {
            events.push({ event: 'output channel', name });
            return { name, append() {}, appendLine() {}, show() {}, ...disposable(`output ${name}`) };
        },
    },
    commands: {
        registerCommand(command, callback) {
            if (typeof callback !== 'function') failures.push(`${command} has no callback`);
            registered[command] = callback;
            return disposable(`command ${command}`);
        },
        executeCommand(command, ...args) {
            events.push({ event: 'execute', command, args });
            return Promise.resolve(registered[command] ? registered[command](...args) : undefined);
        },
    },
};

let clients = 0;
class LanguageClient {
    constructor(...args) {
        this.index = clients++;
        if (args.length < 4) failures.push('LanguageClient without an id: onefront.trace.server is not read');
        const [id, name, server, options] = args;
        const watchers = options.synchronize && options.synchronize.fileEvents;
        events.push({
            event: 'client',
            index: this.index,
            id,
            name,
            server,
            documentSelector: options.documentSelector,
            fileEvents: [].concat(watchers || []).map(w => w.glob),
            outputChannel: options.outputChannel && options.outputChannel.name,
        });
    }
    start() {
        events.push({ event: 'start', client: this.index });
        return Promise.resolve();
    }
    stop() {
        events.push({ event: 'stop', client: this.index });
        return Promise.resolve();
    }
}
const usedNames = new Set();
const languageClient = new Proxy(
    { LanguageClient },
    {
        get(target, name) {
            usedNames.add(name);
            return target[name];
        },
    }
);

const standIns = {
    vscode,
    'vscode-languageclient': languageClient,
    'vscode-languageclient/node': languageClient,
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
    return request in standIns ? `stand-in:${request}` : resolve.call(this, request, ...rest);
};
for (const [name, exports] of Object.entries(standIns)) {
    require.cache[`stand-in:${name}`] = { id: name, filename: name, loaded: true, exports };
}

async function main() {
    const extension = require(path.join(extensionDir, manifest.main));
    const context = { subscriptions: [] };
    await extension.activate(context);
    events.push({ event: 'activated' });
    if (scenario.restart) {
        await vscode.commands.executeCommand('onefront.restartServer');
        events.push({ event: 'restarted' });
    }
    if (scenario.change) {
        Object.assign(settings, scenario.change);
        const changed = Object.keys(scenario.change);
        const event = {
            affectsConfiguration: section => changed.some(key => key === section || key.startsWith(`${section}.`)),
        };
        for (const listener of configurationListeners) listener(event);
        events.push({ event: 'changed' });
    }
    // Runs after anything the extension queued.
    await extension.deactivate();
    events.push({ event: 'deactivated' });
    for (const subscription of context.subscriptions) subscription.dispose();
    // Messages the extension did not wait for.
    await new Promise(done => setImmediate(done));

    const contributed = (manifest.contributes.commands || []).map(c => c.command).sort();
    if (JSON.stringify(Object.keys(registered).sort()) !== JSON.stringify(contributed)) {
        failures.push(`registers ${Object.keys(registered)}, package.json contributes ${contributed}`);
    }

    // The names taken from the stand-in exist in the real module (loaded
    // with a `vscode` that has everything and does nothing).
    const anything = new Proxy(function () {}, {
        get: (_, key) => (key === 'then' || typeof key === 'symbol' ? undefined : anything),
        apply: () => anything,
        construct: () => anything,
    });
    require.cache['stand-in:vscode'].exports = anything;
    const real = require(path.join(modules, 'vscode-languageclient', 'node'));
    for (const name of usedNames) {
        if (typeof name === 'string' && name !== '__esModule' && !(name in real)) {
            failures.push(`vscode-languageclient/node has no ${name}`);
        }
    }

    console.log(JSON.stringify({ events, failures }, null, 2));
    process.exitCode = failures.length ? 1 : 0;
}

main().catch(error => {
    console.error(error);
    process.exitCode = 1;
});
