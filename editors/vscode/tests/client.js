// Runs extension.js with the real, pinned vscode-languageclient against the
// `onefront` on PATH, with a stand-in `vscode` just large enough for the
// client: the documents open in it, the diagnostics the client hands to
// VS Code, the hover providers it registers. No VS Code runs: this checks
// the client library and the server together, not the editor.
//
//   node tests/client.js EXTENSION_DIR MODULES FILE LINE CHARACTER
//
// FILE is open in the `onefront` language; prints JSON: the diagnostics
// of FILE, the hover at LINE:CHARACTER (0-based) as Markdown, and the
// lines the client wrote to the output channel. Exits 1 when the client
// showed an error or the server did not start or stop.
'use strict';

const fs = require('fs');
const Module = require('module');
const path = require('path');

const [extensionDir, modules, file, line, character] = process.argv.slice(2);
const manifest = require(path.join(extensionDir, 'package.json'));

const failures = [];
const logged = [];
const disposable = () => ({ dispose() {} });
const event = () => disposable;

// What the client calls and this stand-in does not define: a function
// that returns another such stand-in, so that registrations of features
// no test looks at go through.
function anything() {
    return new Proxy(function () {}, {
        get: (_, key) => (key === 'then' || typeof key === 'symbol' ? undefined : anything()),
        apply: () => anything(),
        construct: () => anything(),
    });
}
const orAnything = object =>
    new Proxy(object, {
        get: (target, key) => (key in target || typeof key === 'symbol' || key === 'then' ? target[key] : anything()),
    });

class Uri {
    constructor(scheme, fsPath) {
        this.scheme = scheme;
        this.fsPath = fsPath;
        this.path = fsPath;
    }
    static parse(text) {
        const [scheme, rest] = text.split(':');
        return new Uri(scheme, decodeURIComponent(rest.replace(/^\/\//, '')));
    }
    static file(fsPath) {
        return new Uri('file', fsPath);
    }
    toString() {
        return `${this.scheme}://${this.path.split('/').map(encodeURIComponent).join('/')}`;
    }
    with() {
        return this;
    }
}
class Position {
    constructor(line, character) {
        this.line = line;
        this.character = character;
    }
}
class Range {
    constructor(a, b, c, d) {
        [this.start, this.end] = typeof a === 'number' ? [new Position(a, b), new Position(c, d)] : [a, b];
    }
}
class MarkdownString {
    constructor(value = '') {
        this.value = value;
    }
    appendMarkdown(value) {
        this.value += value;
        return this;
    }
}

const text = fs.readFileSync(file, 'utf8');
const document = {
    uri: Uri.file(file),
    fileName: file,
    languageId: 'onefront',
    version: 1,
    isClosed: false,
    lineCount: text.split('\n').length,
    getText: () => text,
};
const diagnostics = {};
const hoverProviders = [];

const matches = (selector, doc) =>
    [].concat(selector).some(
        filter =>
            (filter.language === undefined || filter.language === doc.languageId) &&
            (filter.scheme === undefined || filter.scheme === doc.uri.scheme)
    );

const vscode = orAnything({
    Uri,
    Position,
    Range,
    MarkdownString,
    Hover: class {
        constructor(contents, range) {
            this.contents = [].concat(contents);
            this.range = range;
        }
    },
    Diagnostic: class {
        constructor(range, message, severity) {
            Object.assign(this, { range, message, severity });
        }
    },
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    EventEmitter: class {
        constructor() {
            this.event = event();
        }
        fire() {}
        dispose() {}
    },
    Disposable: class {
        static from() {
            return disposable();
        }
        dispose() {}
    },
    CancellationTokenSource: class {
        constructor() {
            this.token = { isCancellationRequested: false, onCancellationRequested: event() };
        }
        cancel() {}
        dispose() {}
    },
    version: manifest.engines.vscode.replace(/^\^/, ''),
    env: { appName: 'stand-in', language: 'en', machineId: 'm', sessionId: 's', uiKind: 1 },
    workspace: orAnything({
        textDocuments: [document],
        notebookDocuments: [],
        workspaceFolders: undefined,
        getConfiguration: () => ({ get: (_, fallback) => fallback, has: () => false }),
        createFileSystemWatcher: () => ({ onDidCreate: event(), onDidChange: event(), onDidDelete: event(), dispose() {} }),
    }),
    languages: orAnything({
        match: (selector, doc) => (matches(selector, doc) ? 10 : 0),
        createDiagnosticCollection: () =>
            orAnything({
                set(uri, list) {
                    diagnostics[String(uri)] = (list || []).map(d => d.message);
                },
                delete() {},
                clear() {},
                dispose() {},
            }),
        registerHoverProvider(selector, provider) {
            hoverProviders.push({ selector, provider });
            return disposable();
        },
    }),
    window: orAnything({
        createOutputChannel: name =>
            orAnything({
                name,
                append: value => logged.push(value),
                appendLine: value => logged.push(value),
                dispose() {},
            }),
        showErrorMessage: async message => failures.push(`error shown: ${message}`),
        showWarningMessage: async message => failures.push(`warning shown: ${message}`),
        showInformationMessage: async message => failures.push(`information shown: ${message}`),
        visibleTextEditors: [],
        activeTextEditor: undefined,
        tabGroups: { all: [], onDidChangeTabs: event(), onDidChangeTabGroups: event() },
    }),
    commands: orAnything({ registerCommand: () => disposable(), executeCommand: async () => undefined }),
});

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
    if (request === 'vscode') return 'stand-in:vscode';
    if (request.startsWith('vscode-languageclient')) return resolve.call(this, path.join(modules, request), ...rest);
    return resolve.call(this, request, ...rest);
};
require.cache['stand-in:vscode'] = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };

async function until(what, done) {
    for (let waited = 0; !done(); waited += 50) {
        if (waited > 10000) throw new Error(`no ${what} after 10 s`);
        await new Promise(wake => setTimeout(wake, 50));
    }
}

async function main() {
    const extension = require(path.join(extensionDir, manifest.main));
    const context = { subscriptions: [] };
    await extension.activate(context);
    const uri = document.uri.toString();
    await until(`diagnostics of ${uri}`, () => uri in diagnostics);
    const hovering = hoverProviders.find(h => matches(h.selector, document));
    if (!hovering) throw new Error('the client registered no hover provider for the document');
    const token = { isCancellationRequested: false, onCancellationRequested: event() };
    const hover = await hovering.provider.provideHover(document, new Position(+line, +character), token);
    await extension.deactivate();
    for (const subscription of context.subscriptions) subscription.dispose();
    for (const entry of logged) {
        if (/did not start|stopping the language server/.test(entry)) failures.push(entry);
    }
    const report = {
        diagnostics: diagnostics[uri],
        hover: hover ? hover.contents.map(c => c.value || c).join('\n') : null,
        logged,
        failures,
    };
    // The client keeps timers after it stopped: exit without waiting.
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`, () => process.exit(failures.length ? 1 : 0));
}

// A server that never answers must not hang the test: the client's pipes
// to it keep Node.js running, so a failure exits at once.
main().catch(error => {
    console.error(error, failures, logged);
    process.exit(1);
});
